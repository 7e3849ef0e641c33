#include "engine/engine.h"

#include "engine/engine_state.h"
#include "engine/functions.h"
#include "engine/people_check_function.h"

namespace cleanroom::engine {
namespace {

Result<QueryResult> run_query(duckdb_connection con, std::string_view sql) {
  std::string text(sql);  // the C API wants a terminated string
  ResultHandle r;
  if (duckdb_query(con, text.c_str(), r.out()) != DuckDBSuccess) return error_of(r.get());
  return make_result(std::move(r));
}

std::string list_literal(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++) out += (i ? ", " : "") + sql_literal(items[i]);
  return out + "]";
}

Status set_config(ConfigHandle& config, const char* name, const std::string& value) {
  if (duckdb_set_config(config.get(), name, value.c_str()) != DuckDBSuccess)
    return Error::invalid_configuration(std::string("engine option ") + name + " = '" + value +
                                        "' is invalid");
  return {};
}

}  // namespace

std::string sql_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string sql_identifier(std::string_view s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// --- Engine ---------------------------------------------------------------------------------

Engine::Engine(std::optional<SpillDirectory> spill, std::unique_ptr<DatabaseState> s, Connection c)
    : spill_(std::move(spill)), s_(std::move(s)), connection_(std::move(c)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  ConfigHandle config;
  if (duckdb_create_config(config.out()) != DuckDBSuccess)
    return Error::internal("cannot create engine config");
  CR_TRY(set_config(config, "threads", std::to_string(options.threads)));
  CR_TRY(set_config(config, "memory_limit", options.memory_limit));
  std::optional<SpillDirectory> spill;
  if (!options.spill_root.empty()) {
    CR_ASSIGN(spill, SpillDirectory::create(options.spill_root));
  }
  CR_TRY(set_config(config, "temp_directory", spill ? spill->path() : std::string()));
  // Everything the engine needs (parquet, json) is built in; it never fetches code.
  CR_TRY(set_config(config, "autoinstall_known_extensions", "false"));
  CR_TRY(set_config(config, "autoload_known_extensions", "false"));

  auto db = std::make_unique<DatabaseState>();
  char* open_error = nullptr;
  if (duckdb_open_ext(nullptr, db->db.out(), config.get(), &open_error) != DuckDBSuccess) {
    std::string msg = open_error ? open_error : "unknown error";
    duckdb_free(open_error);
    return Error::internal("cannot open the engine: " + msg);
  }
  auto con = std::make_unique<ConnectionState>();
  if (duckdb_connect(db->db.get(), con->con.out()) != DuckDBSuccess)
    return Error::internal("cannot connect");
  CR_TRY(register_functions(con->con.get()));
  if (options.people_check) CR_TRY(register_people_check(con->con.get(), *options.people_check));
  // By SET, before the lock, not in the open's configuration: DuckDB 1.4.4 shows a
  // max_temp_directory_size given there in current_setting() but never enforces it
  // (Engine.AStatementThatOutgrowsItsSpillLimitFailsAsAQuota fails if it is given there).
  if (!options.spill_limit.empty()) {
    const std::string sql = "SET max_temp_directory_size = " + sql_literal(options.spill_limit);
    if (!status_of(run_query(con->con.get(), sql)).ok())
      return Error::invalid_configuration("engine option max_temp_directory_size = '" +
                                          options.spill_limit + "' is invalid");
  }

  // Progress is tracked only with the progress bar on (a per-connection setting); it is never
  // printed. Then the sandbox, in the order DESIGN.md gives: paths first (they cannot change
  // once external access is off), then external access, then the lock.
  std::vector<std::string> statements = {"SET enable_progress_bar = true",
                                         "SET enable_progress_bar_print = false",
                                         "SET progress_bar_time = 0"};
  if (!options.allowed_paths.empty())
    statements.push_back("SET allowed_paths = " + list_literal(options.allowed_paths));
  if (!options.allowed_directories.empty())
    statements.push_back("SET allowed_directories = " + list_literal(options.allowed_directories));
  if (!options.enable_external_access) statements.push_back("SET enable_external_access = false");
  if (options.lock_configuration) statements.push_back("SET lock_configuration = true");
  for (const auto& sql : statements) CR_TRY(status_of(run_query(con->con.get(), sql)));
  return std::unique_ptr<Engine>(
      new Engine(std::move(spill), std::move(db), Connection(std::move(con))));
}

// --- Connection -------------------------------------------------------------------------------

Connection::Connection(std::unique_ptr<ConnectionState> s) : s_(std::move(s)) {}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Status Connection::run(std::string_view sql) { return status_of(run_query(s_->con.get(), sql)); }

Result<QueryResult> Connection::query(std::string_view sql) {
  return run_query(s_->con.get(), sql);
}

Result<PreparedStatement> Connection::prepare(std::string_view sql) {
  std::string text(sql);
  auto state = std::make_unique<PreparedState>();
  // A failed prepare still allocates the statement; its owner destroys it on return.
  if (duckdb_prepare(s_->con.get(), text.c_str(), state->stmt.out()) != DuckDBSuccess) {
    const char* msg = duckdb_prepare_error(state->stmt.get());
    return Error::validation(msg ? msg : "cannot prepare statement");
  }
  return PreparedStatement(std::move(state));
}

Progress Connection::progress() const {
  duckdb_query_progress_type p = duckdb_query_progress(s_->con.get());
  Progress out;
  out.fraction = p.percentage < 0 ? -1 : p.percentage / 100.0;
  out.rows_processed = p.rows_processed;
  out.total_rows = p.total_rows_to_process;
  return out;
}

void Connection::interrupt() { duckdb_interrupt(s_->con.get()); }

// --- PreparedStatement ------------------------------------------------------------------------

PreparedStatement::PreparedStatement(std::unique_ptr<PreparedState> s) : s_(std::move(s)) {}
PreparedStatement::~PreparedStatement() = default;
PreparedStatement::PreparedStatement(PreparedStatement&&) noexcept = default;
PreparedStatement& PreparedStatement::operator=(PreparedStatement&&) noexcept = default;

size_t PreparedStatement::parameter_count() const { return duckdb_nparams(s_->stmt.get()); }

Status PreparedStatement::bind(size_t index, const Value& value) {
  duckdb_prepared_statement st = s_->stmt.get();
  duckdb_state ok = std::visit(
      [&](const auto& v) -> duckdb_state {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return duckdb_bind_null(st, index);
        else if constexpr (std::is_same_v<T, bool>)
          return duckdb_bind_boolean(st, index, v);
        else if constexpr (std::is_same_v<T, int64_t>)
          return duckdb_bind_int64(st, index, v);
        else if constexpr (std::is_same_v<T, double>)
          return duckdb_bind_double(st, index, v);
        else
          return duckdb_bind_varchar_length(st, index, v.data(), v.size());
      },
      value);
  if (ok != DuckDBSuccess)
    return Error::validation("cannot bind parameter " + std::to_string(index) + " of " +
                             std::to_string(parameter_count()));
  return {};
}

Result<QueryResult> PreparedStatement::execute() {
  ResultHandle r;
  if (duckdb_execute_prepared(s_->stmt.get(), r.out()) != DuckDBSuccess) return error_of(r.get());
  return make_result(std::move(r));
}

Result<std::vector<ResultColumn>> describe(Connection& con, const std::string& select) {
  CR_ASSIGN(auto described, con.query("DESCRIBE " + select));
  CR_ASSIGN(auto rows, described.rows());
  std::vector<ResultColumn> columns;
  for (const auto& row : rows) {
    if (row.size() < 2 || !std::holds_alternative<std::string>(row[0]) ||
        !std::holds_alternative<std::string>(row[1]))
      return Error::internal("DESCRIBE gave no column name and type for the result");
    columns.push_back({std::get<std::string>(row[0]), std::get<std::string>(row[1])});
  }
  return columns;
}

}  // namespace cleanroom::engine
