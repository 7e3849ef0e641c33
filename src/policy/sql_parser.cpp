#include "policy/sql_parser.h"

#include <duckdb.h>

#include <charconv>
#include <memory>
#include <utility>

#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

// Types of the statements are given in their text (?::VARCHAR): a parameter of unknown type
// makes DuckDB bind the statement again on every execution. json(?) instead of ?::JSON for the
// same reason (the JSON type name is looked up at every bind).
constexpr const char* kSerialize = "SELECT json_serialize_sql(?::VARCHAR)";
constexpr const char* kRender =
    "SELECT s, json_serialize_sql(s) FROM (SELECT json_deserialize_sql(json(?::VARCHAR)) AS s)";

// One in-memory database per thread, opened on first use and closed when the thread ends. It
// holds no data and cannot reach files or the network; it only parses.
class ParserDatabase {
 public:
  ~ParserDatabase() {
    if (render_) duckdb_destroy_prepare(&render_);
    if (serialize_) duckdb_destroy_prepare(&serialize_);
    if (con_) duckdb_disconnect(&con_);
    if (db_) duckdb_close(&db_);
  }

  static Result<ParserDatabase*> for_this_thread() {
    thread_local std::unique_ptr<ParserDatabase> db;
    if (!db) {
      auto fresh = std::unique_ptr<ParserDatabase>(new ParserDatabase());
      CR_TRY(fresh->open());
      db = std::move(fresh);
    }
    return db.get();
  }

  // Runs a one-parameter statement and returns the first row's VARCHAR columns.
  Result<std::pair<std::string, std::string>> run(bool render, std::string_view arg) {
    duckdb_prepared_statement st = render ? render_ : serialize_;
    duckdb_clear_bindings(st);
    if (duckdb_bind_varchar_length(st, 1, arg.data(), arg.size()) != DuckDBSuccess)
      return invalid_query("the query text is not valid UTF-8");
    duckdb_result result;
    if (duckdb_execute_prepared(st, &result) != DuckDBSuccess) {
      const char* msg = duckdb_result_error(&result);
      std::string message = msg ? msg : "unknown error";
      duckdb_destroy_result(&result);
      return Error::internal("the SQL parser failed: " + message);
    }
    std::pair<std::string, std::string> out;
    duckdb_data_chunk chunk = duckdb_fetch_chunk(result);
    if (chunk && duckdb_data_chunk_get_size(chunk) > 0) {
      idx_t columns = duckdb_data_chunk_get_column_count(chunk);
      for (idx_t c = 0; c < columns && c < 2; ++c) {
        duckdb_vector v = duckdb_data_chunk_get_vector(chunk, c);
        uint64_t* validity = duckdb_vector_get_validity(v);
        if (validity && !duckdb_validity_row_is_valid(validity, 0)) continue;
        auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
        (c == 0 ? out.first : out.second)
            .assign(duckdb_string_t_data(&s[0]), duckdb_string_t_length(s[0]));
      }
    }
    if (chunk) duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
    return out;
  }

 private:
  ParserDatabase() = default;

  Status open() {
    duckdb_config config;
    if (duckdb_create_config(&config) != DuckDBSuccess)
      return Error::internal("cannot configure the SQL parser");
    duckdb_set_config(config, "threads", "1");
    duckdb_set_config(config, "memory_limit", "64MB");
    duckdb_set_config(config, "enable_external_access", "false");
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    char* open_error = nullptr;
    bool opened = duckdb_open_ext(nullptr, &db_, config, &open_error) == DuckDBSuccess;
    duckdb_destroy_config(&config);
    if (!opened) {
      std::string message = open_error ? open_error : "unknown error";
      if (open_error) duckdb_free(open_error);
      return Error::internal("cannot open the SQL parser: " + message);
    }
    if (duckdb_connect(db_, &con_) != DuckDBSuccess)
      return Error::internal("cannot connect to the SQL parser");
    CR_TRY(prepare(kSerialize, &serialize_));
    CR_TRY(prepare(kRender, &render_));
    return {};
  }

  Status prepare(const char* sql, duckdb_prepared_statement* out) {
    if (duckdb_prepare(con_, sql, out) == DuckDBSuccess) return {};
    std::string message = duckdb_prepare_error(*out) ? duckdb_prepare_error(*out) : "";
    duckdb_destroy_prepare(out);
    *out = nullptr;
    return Error::internal("cannot prepare the SQL parser: " + message);
  }

  duckdb_database db_ = nullptr;
  duckdb_connection con_ = nullptr;
  duckdb_prepared_statement serialize_ = nullptr;
  duckdb_prepared_statement render_ = nullptr;
};

Result<json> parse_json(const std::string& text) {
  json tree = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded() || !tree.is_object())
    return Error::internal("the SQL parser answered with malformed JSON");
  return tree;
}

// json_serialize_sql reports what it cannot serialize in the answer, not as a failed statement.
Error parse_error(const json& tree) {
  std::string type = std::string(str(tree, "error_type"));
  std::string message = std::string(str(tree, "error_message"));
  if (type == "not implemented")
    return invalid_query(
        "only a single SELECT statement can be run (no COPY, ATTACH, PRAGMA, SET, "
        "INSTALL, LOAD, CALL or other statements)");
  std::string where;
  std::string_view pos = str(tree, "position");
  uint64_t offset = 0;
  if (std::from_chars(pos.data(), pos.data() + pos.size(), offset).ec == std::errc())
    where = " at character " + std::to_string(offset + 1);
  return invalid_query("the query is not valid SQL" + where + ": " + message);
}

}  // namespace

Result<json> parse_sql(std::string_view sql) {
  if (sql.find('\0') != std::string_view::npos)
    return invalid_query("the query text contains a NUL character");
  CR_ASSIGN(ParserDatabase * db, ParserDatabase::for_this_thread());
  CR_ASSIGN(auto answer, db->run(false, sql));
  CR_ASSIGN(json tree, parse_json(answer.first));
  if (member(tree, "error") != false) return parse_error(tree);
  if (!member(tree, "statements").is_array())
    return Error::internal("the SQL parser answered without statements");
  return tree;
}

Result<RenderedSql> render_sql(const json& tree) {
  CR_ASSIGN(ParserDatabase * db, ParserDatabase::for_this_thread());
  CR_ASSIGN(auto answer, db->run(true, tree.dump()));
  RenderedSql out;
  out.sql = std::move(answer.first);
  CR_ASSIGN(out.reparsed, parse_json(answer.second));
  if (out.sql.empty() || member(out.reparsed, "error") != false)
    return Error::internal("the rewritten query could not be rendered as SQL");
  return out;
}

Result<std::string> render_checked(const json& statement) {
  json tree = {{"error", false}, {"statements", json::array({statement})}};
  CR_ASSIGN(RenderedSql rendered, render_sql(tree));
  unwrap_rendered_values(rendered.reparsed);
  const json& again = member(rendered.reparsed, "statements");
  if (!again.is_array() || again.size() != 1 || !same_tree(again, tree["statements"]))
    return invalid_query(
        "cleanroom could not render this query so that what runs is exactly what was checked; "
        "simplify the query");
  return std::move(rendered.sql);
}

}  // namespace cleanroom::policy
