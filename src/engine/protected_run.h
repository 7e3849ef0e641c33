#pragma once
// The engine's one job for a protected query (DESIGN.md "Scale-out"): run this checked,
// rewritten SELECT over these datasets (Parquet files) and write the result there. Everything a
// query may touch is fixed before its SQL runs: a fresh database whose sandbox allows exactly the
// datasets' files and the result file, with one view per table exposing only its allowed columns.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/states.h"
#include "engine/engine.h"
#include "engine/people_check.h"

namespace cleanroom::engine {

// The rows a view keeps: those whose integer `column` holds one of `values` (none when `values`
// is empty). An AMC instance reads only its linked advertisers' platform events this way.
struct RowFilter {
  std::string column;
  std::vector<int64_t> values;
};

// The rows a view keeps by time: those whose `column` is in [start, end), two TIMESTAMPs
// (yyyy-MM-dd HH:mm:ss, UTC). An AMC workflow execution reads its platform tables only for its
// time window this way. A column that is not a DATE or TIMESTAMP is read through TRY_CAST, so a
// value that is not a time is outside every window.
struct TimeRange {
  std::string column;
  std::string start;
  std::string end;
  bool cast = false;
};

struct TableFile {
  std::string name;                  // the view's name, as the SQL names the table
  std::vector<std::string> columns;  // the only columns the view exposes
  std::string parquet_path;
  std::optional<RowFilter> rows;    // unset: every row
  std::optional<TimeRange> window;  // unset: every time
  // The DuckDB type of each column, in `columns`' order, when known: a dry run binds the query
  // over empty tables of these types instead of opening the files.
  std::vector<std::string> column_types;
};

// The format the receiver asked for, as the catalog records it.
using ResultFormat = cleanroom::ResultFormat;

struct ProtectedRun {
  std::string sql;
  // The same query before the checker wrapped its expressions in TRY: bound, never run, to name
  // the output columns. Empty: `sql` names them.
  std::string naming_sql;
  std::vector<TableFile> tables;
  std::string output_path;
  ResultFormat format = ResultFormat::Csv;
  int threads = 2;
  std::string memory_limit = "4GB";
  // Statements (CREATE MACRO ...) the query's SQL relies on, run in its database before it is
  // bound: cleanroom's own SQL, never the analyst's (policy::CheckedQuery::macros).
  std::vector<std::string> macros = {};
  // Difference checks: answers __cleanroom_admit_people in `sql` (people_check.h); must outlive
  // the run. Null: `sql` must not call it.
  PeopleCheck* people_check = nullptr;
  // Where the query's engine spills (EngineOptions::spill_root). Empty: it never spills.
  std::string spill_root = {};
  // The most it may spill (EngineOptions::spill_limit).
  std::string spill_limit = kDefaultSpillLimit;
};

struct RunOutcome {
  int64_t rows_written = 0;
};

// Shared between the thread running a query and those watching it: progress, and stopping it
// (a cancellation or a time limit) from any thread.
class RunControl {
 public:
  enum class Stop { None, Cancelled, TimedOut };
  Progress progress() const;
  // The first reason wins; interrupts the running statement, or the next one to start.
  void stop(Stop reason);
  Stop stopped() const { return stop_.load(); }

 private:
  friend Result<RunOutcome> run_protected(const ProtectedRun&, RunControl&);
  void attach(Connection* con);
  mutable std::mutex mu_;
  Connection* con_ = nullptr;
  std::atomic<Stop> stop_{Stop::None};
};

// Fails with the engine's message (a Validation error: it is about the query), a QuotaExceeded
// error when it needed more than spill_limit of temporary disk, or, when stopped, an Internal
// error; check control.stopped() to tell why.
Result<RunOutcome> run_protected(const ProtectedRun& run, RunControl& control);

// The columns the run's query would answer, bound and never run (a dry run). With every table's
// column_types known, over empty tables of those types in one long-lived sandbox that can read
// no file (in a transaction rolled back after); else over the sandboxed views of the files.
// `output_path` and `format` are not used.
Result<std::vector<ResultColumn>> describe_protected(const ProtectedRun& run);

}  // namespace cleanroom::engine
