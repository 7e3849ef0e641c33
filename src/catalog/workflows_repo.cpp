#include "catalog/workflows_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::workflows_repo {
namespace {
using nlohmann::json;

Value text_or_null(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

json parameters_json(const std::vector<WorkflowParameter>& params) {
  json out = json::array();
  for (const auto& p : params)
    out.push_back({{"name", p.name},
                   {"dataType", p.data_type},
                   {"columnType", p.column_type},
                   {"defaultValue", p.default_value},
                   {"description", p.description}});
  return out;
}

std::vector<WorkflowParameter> parameters_from(const json& j) {
  std::vector<WorkflowParameter> out;
  for (const auto& p : j)
    out.push_back({p.value("name", ""), p.value("dataType", ""), p.value("columnType", ""),
                   p.value("defaultValue", json()), p.value("description", "")});
  return out;
}

// An execution keeps the definition that ran as one JSON document.
json definition_json(const WorkflowRecord& w) {
  return {{"workflowId", w.workflow_id},
          {"sqlQuery", w.sql_query},
          {"inputParameters", parameters_json(w.input_parameters)},
          {"filteredMetricsDiscriminatorColumn", w.filtered_metrics_discriminator_column},
          {"distinctUserCountColumn", w.distinct_user_count_column},
          {"filteredReasonColumn", w.filtered_reason_column}};
}

WorkflowRecord definition_from(const json& j) {
  WorkflowRecord w;
  w.workflow_id = j.value("workflowId", "");
  w.sql_query = j.value("sqlQuery", "");
  w.input_parameters = parameters_from(j.value("inputParameters", json::array()));
  w.filtered_metrics_discriminator_column = j.value("filteredMetricsDiscriminatorColumn", "");
  w.distinct_user_count_column = j.value("distinctUserCountColumn", "");
  w.filtered_reason_column = j.value("filteredReasonColumn", "");
  return w;
}

WorkflowRecord workflow_from(const Row& r) {
  WorkflowRecord w;
  w.instance_id = r.str("instance_id");
  w.workflow_id = r.str("workflow_id");
  w.sql_query = r.str("sql_query");
  w.input_parameters = parameters_from(json::parse(r.str("input_parameters")));
  w.filtered_metrics_discriminator_column = r.str("filtered_metrics_discriminator_column");
  w.distinct_user_count_column = r.str("distinct_user_count_column");
  w.filtered_reason_column = r.str("filtered_reason_column");
  w.created_by = r.str("created_by");
  w.created_at = r.integer("created_at");
  w.updated_at = r.integer("updated_at");
  return w;
}

WorkflowExecutionRecord execution_from(const Row& r) {
  WorkflowExecutionRecord e;
  e.execution_id = r.str("execution_id");
  e.instance_id = r.str("instance_id");
  e.workflow_id = r.str("workflow_id");
  e.saved_workflow = r.integer("saved_workflow") != 0;
  e.workflow = definition_from(json::parse(r.str("workflow")));
  e.protected_query_id = r.str("protected_query_id");
  e.membership_id = r.str("membership_id");
  e.time_window_start = r.str("time_window_start");
  e.time_window_end = r.str("time_window_end");
  e.time_window_time_zone = r.str("time_window_time_zone");
  e.time_window_type = r.str("time_window_type");
  e.parameter_values = json::parse(r.str("parameter_values"));
  e.created_by = r.str("created_by");
  e.created_at_ms = r.integer("created_at_ms");
  return e;
}

}  // namespace

Status insert(Tx& tx, const WorkflowRecord& w) {
  return tx.exec(
      "INSERT INTO amc_workflows (instance_id, workflow_id, sql_query, input_parameters, "
      "filtered_metrics_discriminator_column, distinct_user_count_column, filtered_reason_column, "
      "created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
      {w.instance_id, w.workflow_id, w.sql_query, parameters_json(w.input_parameters).dump(),
       text_or_null(w.filtered_metrics_discriminator_column),
       text_or_null(w.distinct_user_count_column), text_or_null(w.filtered_reason_column),
       w.created_by, w.created_at, w.updated_at});
}

Result<std::optional<WorkflowRecord>> find(Tx& tx, const std::string& instance_id,
                                           const std::string& workflow_id) {
  return fetch_one<WorkflowRecord>(
      tx, "SELECT * FROM amc_workflows WHERE instance_id = ? AND workflow_id = ?",
      {instance_id, workflow_id}, workflow_from);
}

Result<std::vector<WorkflowRecord>> list(Tx& tx, const std::string& instance_id,
                                         const std::string& after, int limit) {
  return fetch_all<WorkflowRecord>(
      tx,
      "SELECT * FROM amc_workflows WHERE instance_id = ?1 AND (?2 = '' OR workflow_id > ?2) "
      "ORDER BY workflow_id LIMIT ?3",
      {instance_id, after, static_cast<int64_t>(limit)}, workflow_from);
}

Status update(Tx& tx, const WorkflowRecord& w) {
  return tx.exec(
      "UPDATE amc_workflows SET sql_query = ?, input_parameters = ?, "
      "filtered_metrics_discriminator_column = ?, distinct_user_count_column = ?, "
      "filtered_reason_column = ?, updated_at = ? WHERE instance_id = ? AND workflow_id = ?",
      {w.sql_query, parameters_json(w.input_parameters).dump(),
       text_or_null(w.filtered_metrics_discriminator_column),
       text_or_null(w.distinct_user_count_column), text_or_null(w.filtered_reason_column),
       w.updated_at, w.instance_id, w.workflow_id});
}

Status remove(Tx& tx, const std::string& instance_id, const std::string& workflow_id) {
  return tx.exec("DELETE FROM amc_workflows WHERE instance_id = ? AND workflow_id = ?",
                 {instance_id, workflow_id});
}

Status insert_execution(Tx& tx, const WorkflowExecutionRecord& e) {
  return tx.exec(
      "INSERT INTO amc_workflow_executions (execution_id, instance_id, workflow_id, "
      "saved_workflow, workflow, protected_query_id, membership_id, time_window_start, "
      "time_window_end, time_window_time_zone, time_window_type, parameter_values, created_by, "
      "created_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {e.execution_id, e.instance_id, e.workflow_id, static_cast<int64_t>(e.saved_workflow ? 1 : 0),
       definition_json(e.workflow).dump(), e.protected_query_id, e.membership_id,
       e.time_window_start, e.time_window_end, e.time_window_time_zone, e.time_window_type,
       e.parameter_values.dump(), e.created_by, e.created_at_ms});
}

Result<std::optional<WorkflowExecutionRecord>> find_execution(Tx& tx,
                                                              const std::string& instance_id,
                                                              const std::string& execution_id) {
  return fetch_one<WorkflowExecutionRecord>(
      tx, "SELECT * FROM amc_workflow_executions WHERE instance_id = ? AND execution_id = ?",
      {instance_id, execution_id}, execution_from);
}

Result<std::vector<WorkflowExecutionRecord>> list_executions(Tx& tx, const std::string& instance_id,
                                                             const std::string& workflow_id,
                                                             const std::string& after, int limit) {
  // Paging by (created_at_ms, id) of the last row shown, so equal timestamps never skip a row.
  return fetch_all<WorkflowExecutionRecord>(
      tx,
      "SELECT * FROM amc_workflow_executions WHERE instance_id = ?1 "
      "AND (?2 = '' OR workflow_id = ?2) "
      "AND (?3 = '' OR (created_at_ms, execution_id) < "
      "  (SELECT created_at_ms, execution_id FROM amc_workflow_executions "
      "   WHERE instance_id = ?1 AND execution_id = ?3)) "
      "ORDER BY created_at_ms DESC, execution_id DESC LIMIT ?4",
      {instance_id, workflow_id, after, static_cast<int64_t>(limit)}, execution_from);
}

}  // namespace cleanroom::catalog::workflows_repo
