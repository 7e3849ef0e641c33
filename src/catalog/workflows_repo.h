#pragma once
// Rows of AMC reporting: saved workflows (a named SQL query with its parameters and filtered-row
// options) and workflow executions, each one the protected query that ran it plus what the
// caller asked for (time window, parameter values).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct WorkflowParameter {
  std::string name;
  std::string data_type;         // STRING, INTEGER, LONG, DECIMAL, DOUBLE, BOOLEAN, DATE, TIMESTAMP
  std::string column_type;       // "", DIMENSION or METRIC
  nlohmann::json default_value;  // null when none
  std::string description;
  std::string display_name;  // the public API's displayName, "" when not given
};

// A column of AMC's outputColumns: a column the workflow's result must have (checked, see
// core/workflow_output.h).
struct WorkflowOutputColumn {
  std::string name;
  std::string data_type;                   // BINARY, BOOLEAN, BYTE, ..., STRING, TIMESTAMP
  std::string column_type;                 // "", DIMENSION or METRIC (stored, not compared)
  std::optional<int> data_type_precision;  // DECIMAL only
  std::optional<int> data_type_scale;
  std::string description;
};

struct WorkflowRecord {
  std::string instance_id;
  std::string workflow_id;
  std::string sql_query;
  std::vector<WorkflowParameter> input_parameters;
  // Filtered-row options ("" when not set), applied to the result: policy/filtered_rows.h.
  std::string filtered_metrics_discriminator_column;
  std::string distinct_user_count_column;
  std::string filtered_reason_column;
  std::string created_by;  // user id
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // AMC's privacyFilteringBehavior: "" (the default, REMOVE_ROWS), REMOVE_ROWS or REMOVE_VALUES.
  std::string privacy_filtering_behavior;
  std::vector<WorkflowOutputColumn> output_columns;  // AMC's outputColumns; empty: none
};

struct WorkflowExecutionRecord {
  std::string execution_id;
  std::string instance_id;
  std::string workflow_id;
  bool saved_workflow = false;  // false: the workflow was given inline
  // The definition that ran (instance_id and times unset): a saved workflow may change or be
  // deleted after its executions.
  WorkflowRecord workflow;
  std::string protected_query_id;
  std::string membership_id;      // the Query Submitter's membership that ran it
  std::string time_window_start;  // yyyy-MM-ddTHH:mm:ss, wall-clock time of the zone
  std::string time_window_end;
  std::string time_window_time_zone;
  std::string time_window_type;
  std::string time_window_start_utc;  // the same instants in UTC ("" before migration 12: UTC)
  std::string time_window_end_utc;
  std::string schedule_id;          // the schedule that created it, or ""
  nlohmann::json parameter_values;  // object, as given
  std::string created_by;           // user id
  int64_t created_at_ms = 0;
};

// A schedule of a saved workflow (the public API's Schedule): Daily or Weekly at an hour of UTC.
struct ScheduleRecord {
  std::string instance_id;
  std::string schedule_id;
  std::string workflow_id;
  std::string aggregation_period;     // Daily | Weekly
  int aggregation_hour_utc = 0;       // 0-23
  std::string aggregation_start_day;  // Monday ... Sunday (Weekly)
  bool schedule_enabled = true;
  std::string created_by;  // user id
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t last_run_at = 0;  // scheduled instant of the last run made; 0: none yet
};

namespace workflows_repo {

Status insert(Tx& tx, const WorkflowRecord& w);
Result<std::optional<WorkflowRecord>> find(Tx& tx, const std::string& instance_id,
                                           const std::string& workflow_id);
// The instance's workflows by id, after `after` (paging).
Result<std::vector<WorkflowRecord>> list(Tx& tx, const std::string& instance_id,
                                         const std::string& after, int limit);
// Writes the definition and updated_at.
Status update(Tx& tx, const WorkflowRecord& w);
Status remove(Tx& tx, const std::string& instance_id, const std::string& workflow_id);

Status insert_execution(Tx& tx, const WorkflowExecutionRecord& e);
// An instance's executions whose protected query has not ended (SUBMITTED or STARTED).
Result<int64_t> count_unfinished_executions(Tx& tx, const std::string& instance_id);
Result<std::optional<WorkflowExecutionRecord>> find_execution(Tx& tx,
                                                              const std::string& instance_id,
                                                              const std::string& execution_id);
// Newest first; `workflow_id` empty means any. Paging: rows strictly older than the row `after`
// (its id), at most `limit`.
Result<std::vector<WorkflowExecutionRecord>> list_executions(Tx& tx, const std::string& instance_id,
                                                             const std::string& workflow_id,
                                                             const std::string& after, int limit);

// The time window of a protected query that runs an AMC execution ([start, end), epoch seconds).
Status insert_query_window(Tx& tx, const std::string& protected_query_id, int64_t start,
                           int64_t end);
Result<std::optional<std::pair<int64_t, int64_t>>> find_query_window(
    Tx& tx, const std::string& protected_query_id);

Status insert_schedule(Tx& tx, const ScheduleRecord& s);
Result<std::optional<ScheduleRecord>> find_schedule(Tx& tx, const std::string& instance_id,
                                                    const std::string& schedule_id);
// By id, after `after` (paging).
Result<std::vector<ScheduleRecord>> list_schedules(Tx& tx, const std::string& instance_id,
                                                   const std::string& after, int limit);
// Every enabled schedule of every instance (the scheduler's round).
Result<std::vector<ScheduleRecord>> enabled_schedules(Tx& tx);
// Writes the definition and updated_at.
Status update_schedule(Tx& tx, const ScheduleRecord& s);
// Moves last_run_at from `expected` to `due` (0 for NULL); false when another round (or node)
// already moved it, so that a scheduled instant runs once.
Result<bool> claim_schedule_run(Tx& tx, const std::string& instance_id,
                                const std::string& schedule_id, int64_t expected, int64_t due);
Status remove_schedule(Tx& tx, const std::string& instance_id, const std::string& schedule_id);
// The ids of the schedules that run the workflow.
Result<std::vector<std::string>> schedules_of_workflow(Tx& tx, const std::string& instance_id,
                                                       const std::string& workflow_id);

}  // namespace workflows_repo
}  // namespace cleanroom::catalog
