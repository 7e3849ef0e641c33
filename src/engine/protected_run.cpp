#include "engine/protected_run.h"

#include "engine/csv_cells.h"

namespace cleanroom::engine {
namespace {

// The filter as SQL: the values are integers rendered by us, never text from a request.
std::string where_clause(const std::optional<RowFilter>& rows) {
  if (!rows) return "";
  if (rows->values.empty()) return " WHERE false";
  std::string in;
  for (int64_t v : rows->values) in += (in.empty() ? "" : ", ") + std::to_string(v);
  return " WHERE " + sql_identifier(rows->column) + " IN (" + in + ")";
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

Result<RunOutcome> run_protected(const ProtectedRun& run, RunControl& control) {
  EngineOptions options;
  options.threads = run.threads;
  options.memory_limit = run.memory_limit;
  for (const auto& t : run.tables) options.allowed_paths.push_back(t.parquet_path);
  options.allowed_paths.push_back(run.output_path);
  options.enable_external_access = false;
  options.lock_configuration = true;
  CR_ASSIGN(auto engine, Engine::open(options));
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

  for (const auto& t : run.tables)
    CR_TRY(con.run("CREATE VIEW " + sql_identifier(t.name) + " AS SELECT " +
                   column_list(t.columns) + " FROM read_parquet(" + sql_literal(t.parquet_path) +
                   ")" + where_clause(t.rows)));
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

}  // namespace cleanroom::engine
