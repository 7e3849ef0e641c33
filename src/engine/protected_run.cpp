#include "engine/protected_run.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "engine/csv_cells.h"

namespace cleanroom::engine {
namespace {

// The filters as SQL: the values are integers and timestamps rendered by us, never text from a
// request (the timestamps are checked here once more, since they become literals).
Result<std::string> where_clause(const TableFile& t) {
  std::vector<std::string> terms;
  if (t.rows) {
    std::string in;
    for (int64_t v : t.rows->values) in += (in.empty() ? "" : ", ") + std::to_string(v);
    terms.push_back(in.empty() ? "false" : sql_identifier(t.rows->column) + " IN (" + in + ")");
  }
  if (t.window) {
    auto is_timestamp = [](const std::string& s) {
      if (s.size() != 19) return false;
      for (size_t i = 0; i < s.size(); ++i) {
        const char want = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 || i == 16 ? ':' : '0';
        if (want == '0' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != want)
          return false;
      }
      return true;
    };
    if (!is_timestamp(t.window->start) || !is_timestamp(t.window->end))
      return Error::internal("a time window bound is not a timestamp: " + t.window->start + " / " +
                             t.window->end);
    const std::string col = t.window->cast
                                ? "TRY_CAST(" + sql_identifier(t.window->column) + " AS TIMESTAMP)"
                                : sql_identifier(t.window->column);
    terms.push_back(col + " >= TIMESTAMP '" + t.window->start + "' AND " + col + " < TIMESTAMP '" +
                    t.window->end + "'");
  }
  std::string out;
  for (const auto& term : terms) out += (out.empty() ? " WHERE " : " AND ") + ("(" + term + ")");
  return out;
}

std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + sql_identifier(c);
  return out;
}

std::string copy_options(ResultFormat format) {
  return format == ResultFormat::Csv ? "(FORMAT csv, HEADER true)"
                                     : "(FORMAT parquet, COMPRESSION zstd)";
}

Result<int64_t> single_count(Connection& con, const std::string& sql) {
  CR_ASSIGN(auto result, con.query(sql));
  CR_ASSIGN(auto rows, result.rows());
  if (rows.empty() || rows[0].empty() || !std::holds_alternative<int64_t>(rows[0][0]))
    return Error::internal("the engine returned no count for: " + sql);
  return std::get<int64_t>(rows[0][0]);
}

}  // namespace

Progress RunControl::progress() const {
  std::lock_guard lock(mu_);
  return con_ ? con_->progress() : Progress{};
}

void RunControl::stop(Stop reason) {
  Stop none = Stop::None;
  if (!stop_.compare_exchange_strong(none, reason)) return;
  std::lock_guard lock(mu_);
  if (con_) con_->interrupt();
}

void RunControl::attach(Connection* con) {
  std::lock_guard lock(mu_);
  con_ = con;
}

// A fresh sandboxed database with one view per table (DESIGN.md "Query execution and its
// sandbox"): the files it may read, then external access off and the configuration locked, then
// the views.
Result<std::unique_ptr<Engine>> open_sandbox(const ProtectedRun& run) {
  EngineOptions options;
  options.threads = run.threads;
  options.memory_limit = run.memory_limit;
  options.spill_root = run.spill_root;
  options.spill_limit = run.spill_limit;
  for (const auto& t : run.tables) options.allowed_paths.push_back(t.parquet_path);
  if (!run.output_path.empty()) options.allowed_paths.push_back(run.output_path);
  options.enable_external_access = false;
  options.lock_configuration = true;
  options.people_check = run.people_check;
  CR_ASSIGN(auto engine, Engine::open(options));
  for (const auto& t : run.tables) {
    CR_ASSIGN(auto where, where_clause(t));
    CR_TRY(engine->connection().run("CREATE VIEW " + sql_identifier(t.name) + " AS SELECT " +
                                    column_list(t.columns) + " FROM read_parquet(" +
                                    sql_literal(t.parquet_path) + ")" + where));
  }
  for (const auto& m : run.macros) CR_TRY(engine->connection().run(m));
  return engine;
}

Result<RunOutcome> run_protected(const ProtectedRun& run, RunControl& control) {
  CR_ASSIGN(auto engine, open_sandbox(run));
  Connection& con = engine->connection();
  control.attach(&con);
  struct Detach {
    RunControl& c;
    ~Detach() { c.attach(nullptr); }
  } detach{control};
  // A stop that came before attach() found no connection to interrupt.
  auto stopped = [&]() -> Status {
    if (control.stopped() == RunControl::Stop::None) return {};
    return Error::internal("the query was stopped");
  };

  CR_TRY(stopped());

  RunOutcome out;
  const std::string target = " TO " + sql_literal(run.output_path) + " " + copy_options(run.format);
  // Named as the analyst's SQL names its columns: the TRY wrappers the checker adds would
  // otherwise rename every unaliased expression. TRY keeps each column's type, so the naming
  // query's types are the answer's too, and one bind serves both.
  CR_ASSIGN(auto columns, describe(con, run.naming_sql.empty() ? run.sql : run.naming_sql));
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  std::string select =
      "SELECT * FROM (" + run.sql + ") AS __cleanroom_result(" + column_list(names) + ")";
  // A CSV's text cells are neutralised against formula injection (csv_cells.h).
  if (run.format == ResultFormat::Csv) select = csv_safe_select(select, columns);
  CR_ASSIGN(out.rows_written, single_count(con, "COPY (" + select + ")" + target));
  CR_TRY(stopped());
  return out;
}

namespace {

// A type as our catalog spells it (DuckDB's own names: VARCHAR, DECIMAL(12,2), VARCHAR[]...);
// anything else is not pasted into SQL.
bool plain_type(const std::string& type) {
  if (type.empty() || type.size() > 64) return false;
  for (char c : type)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '(' || c == ')' ||
          c == ',' || c == ' ' || c == '[' || c == ']'))
      return false;
  return true;
}

// Opening a DuckDB database costs tens of milliseconds, binding a query well under one: dry runs
// share one database that can read no file, each binding inside its own rolled-back transaction.
struct Binder {
  std::mutex mu;
  std::unique_ptr<Engine> engine;
};

Result<std::vector<ResultColumn>> bind_over_empty_tables(const ProtectedRun& run) {
  static Binder binder;
  std::lock_guard lock(binder.mu);
  if (!binder.engine) {
    EngineOptions options;
    options.threads = 1;
    options.memory_limit = "256MB";
    options.enable_external_access = false;
    options.lock_configuration = true;
    CR_ASSIGN(binder.engine, Engine::open(options));
  }
  Connection& con = binder.engine->connection();
  CR_TRY(con.run("BEGIN TRANSACTION"));
  auto bound = [&]() -> Result<std::vector<ResultColumn>> {
    for (const auto& t : run.tables) {
      std::string columns;
      for (size_t i = 0; i < t.columns.size(); ++i)
        columns += (i ? ", " : "") + sql_identifier(t.columns[i]) + " " +
                   (plain_type(t.column_types[i]) ? t.column_types[i] : "VARCHAR");
      CR_TRY(con.run("CREATE TABLE " + sql_identifier(t.name) + " (" + columns + ")"));
    }
    for (const auto& m : run.macros) CR_TRY(con.run(m));
    return describe(con, run.naming_sql.empty() ? run.sql : run.naming_sql);
  }();
  if (Status s = con.run("ROLLBACK"); !s.ok()) {
    binder.engine.reset();  // never leave a table behind for the next dry run
    if (bound.ok()) return s.error();
  }
  return bound;
}

}  // namespace

Result<std::vector<ResultColumn>> describe_protected(const ProtectedRun& run) {
  const bool typed = std::all_of(run.tables.begin(), run.tables.end(), [](const TableFile& t) {
    return !t.columns.empty() && t.column_types.size() == t.columns.size();
  });
  if (typed) return bind_over_empty_tables(run);
  CR_ASSIGN(auto engine, open_sandbox(run));
  return describe(engine->connection(), run.naming_sql.empty() ? run.sql : run.naming_sql);
}

}  // namespace cleanroom::engine
