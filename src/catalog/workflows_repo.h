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
};

struct WorkflowRecord {
  std::string instance_id;
  std::string workflow_id;
  std::string sql_query;
  std::vector<WorkflowParameter> input_parameters;
  // Filtered-row options ("" when not set); stored and shown, see docs/amc-api.md.
  std::string filtered_metrics_discriminator_column;
  std::string distinct_user_count_column;
  std::string filtered_reason_column;
  std::string created_by;  // user id
  int64_t created_at = 0;
  int64_t updated_at = 0;
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
  std::string time_window_start;  // yyyy-MM-ddTHH:mm:ss, as given
  std::string time_window_end;
  std::string time_window_time_zone;
  std::string time_window_type;
  nlohmann::json parameter_values;  // object, as given
  std::string created_by;           // user id
  int64_t created_at_ms = 0;
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
Result<std::optional<WorkflowExecutionRecord>> find_execution(Tx& tx,
                                                              const std::string& instance_id,
                                                              const std::string& execution_id);
// Newest first; `workflow_id` empty means any. Paging: rows strictly older than the row `after`
// (its id), at most `limit`.
Result<std::vector<WorkflowExecutionRecord>> list_executions(Tx& tx, const std::string& instance_id,
                                                             const std::string& workflow_id,
                                                             const std::string& after, int limit);

}  // namespace workflows_repo
}  // namespace cleanroom::catalog
