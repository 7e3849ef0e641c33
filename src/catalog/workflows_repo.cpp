#include "catalog/workflows_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::workflows_repo {
namespace {
using nlohmann::json;

json parameters_json(const std::vector<WorkflowParameter>& params) {
  json out = json::array();
  for (const auto& p : params)
    out.push_back({{"name", p.name},
                   {"dataType", p.data_type},
                   {"columnType", p.column_type},
                   {"defaultValue", p.default_value},
                   {"description", p.description},
                   {"displayName", p.display_name}});
  return out;
}

std::vector<WorkflowParameter> parameters_from(const json& j) {
  std::vector<WorkflowParameter> out;
  for (const auto& p : j)
    out.push_back({p.value("name", ""), p.value("dataType", ""), p.value("columnType", ""),
                   p.value("defaultValue", json()), p.value("description", ""),
                   p.value("displayName", "")});
  return out;
}

json output_columns_json(const std::vector<WorkflowOutputColumn>& columns) {
  json out = json::array();
  for (const auto& c : columns) {
    json column = {{"name", c.name},
                   {"dataType", c.data_type},
                   {"columnType", c.column_type},
                   {"description", c.description}};
    if (c.data_type_precision) column["dataTypePrecision"] = *c.data_type_precision;
    if (c.data_type_scale) column["dataTypeScale"] = *c.data_type_scale;
    out.push_back(std::move(column));
  }
  return out;
}

std::vector<WorkflowOutputColumn> output_columns_from(const json& j) {
  std::vector<WorkflowOutputColumn> out;
  if (!j.is_array()) return out;
  for (const auto& c : j) {
    WorkflowOutputColumn column;
    column.name = c.value("name", "");
    column.data_type = c.value("dataType", "");
    column.column_type = c.value("columnType", "");
    column.description = c.value("description", "");
    if (c.contains("dataTypePrecision")) column.data_type_precision = c["dataTypePrecision"];
    if (c.contains("dataTypeScale")) column.data_type_scale = c["dataTypeScale"];
    out.push_back(std::move(column));
  }
  return out;
}

// An execution keeps the definition that ran as one JSON document.
json definition_json(const WorkflowRecord& w) {
  return {{"workflowId", w.workflow_id},
          {"sqlQuery", w.sql_query},
          {"inputParameters", parameters_json(w.input_parameters)},
          {"filteredMetricsDiscriminatorColumn", w.filtered_metrics_discriminator_column},
          {"distinctUserCountColumn", w.distinct_user_count_column},
          {"filteredReasonColumn", w.filtered_reason_column},
          {"privacyFilteringBehavior", w.privacy_filtering_behavior},
          {"outputColumns", output_columns_json(w.output_columns)}};
}

WorkflowRecord definition_from(const json& j) {
  WorkflowRecord w;
  w.workflow_id = j.value("workflowId", "");
  w.sql_query = j.value("sqlQuery", "");
  w.input_parameters = parameters_from(j.value("inputParameters", json::array()));
  w.filtered_metrics_discriminator_column = j.value("filteredMetricsDiscriminatorColumn", "");
  w.distinct_user_count_column = j.value("distinctUserCountColumn", "");
  w.filtered_reason_column = j.value("filteredReasonColumn", "");
  w.privacy_filtering_behavior = j.value("privacyFilteringBehavior", "");
  w.output_columns = output_columns_from(j.value("outputColumns", json::array()));
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
  w.privacy_filtering_behavior = r.str("privacy_filtering_behavior");
  if (!r.is_null("output_columns"))
    w.output_columns = output_columns_from(json::parse(r.str("output_columns")));
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
  e.time_window_start_utc = r.str("time_window_start_utc");
  e.time_window_end_utc = r.str("time_window_end_utc");
  e.schedule_id = r.str("schedule_id");
  e.created_by = r.str("created_by");
  e.created_at_ms = r.integer("created_at_ms");
  return e;
}

ScheduleRecord schedule_from(const Row& r) {
  ScheduleRecord s;
  s.instance_id = r.str("instance_id");
  s.schedule_id = r.str("schedule_id");
  s.workflow_id = r.str("workflow_id");
  s.aggregation_period = r.str("aggregation_period");
  s.aggregation_hour_utc = static_cast<int>(r.integer("aggregation_hour_utc"));
  s.aggregation_start_day = r.str("aggregation_start_day");
  s.schedule_enabled = r.integer("schedule_enabled") != 0;
  s.created_by = r.str("created_by");
  s.created_at = r.integer("created_at");
  s.updated_at = r.integer("updated_at");
  s.last_run_at = r.is_null("last_run_at") ? 0 : r.integer("last_run_at");
  return s;
}

}  // namespace

Status insert(Tx& tx, const WorkflowRecord& w) {
  return tx.exec(
      "INSERT INTO amc_workflows (instance_id, workflow_id, sql_query, input_parameters, "
      "filtered_metrics_discriminator_column, distinct_user_count_column, filtered_reason_column, "
      "created_by, created_at, updated_at, privacy_filtering_behavior, output_columns) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {w.instance_id, w.workflow_id, w.sql_query, parameters_json(w.input_parameters).dump(),
       text_or_null(w.filtered_metrics_discriminator_column),
       text_or_null(w.distinct_user_count_column), text_or_null(w.filtered_reason_column),
       w.created_by, w.created_at, w.updated_at, text_or_null(w.privacy_filtering_behavior),
       output_columns_json(w.output_columns).dump()});
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
      "filtered_reason_column = ?, updated_at = ?, privacy_filtering_behavior = ?, "
      "output_columns = ? WHERE instance_id = ? AND workflow_id = ?",
      {w.sql_query, parameters_json(w.input_parameters).dump(),
       text_or_null(w.filtered_metrics_discriminator_column),
       text_or_null(w.distinct_user_count_column), text_or_null(w.filtered_reason_column),
       w.updated_at, text_or_null(w.privacy_filtering_behavior),
       output_columns_json(w.output_columns).dump(), w.instance_id, w.workflow_id});
}

Status remove(Tx& tx, const std::string& instance_id, const std::string& workflow_id) {
  return tx.exec("DELETE FROM amc_workflows WHERE instance_id = ? AND workflow_id = ?",
                 {instance_id, workflow_id});
}

Result<int64_t> count_unfinished_executions(Tx& tx, const std::string& instance_id) {
  CR_ASSIGN(
      auto row,
      tx.query_one(
          "SELECT COUNT(*) AS n FROM amc_workflow_executions e JOIN protected_queries q "
          "ON q.protected_query_id = e.protected_query_id WHERE e.instance_id = ? AND q.status IN "
          "(?, ?)",
          {instance_id, wire_string(QueryStatus::Submitted), wire_string(QueryStatus::Started)}));
  return row ? row->integer("n") : 0;
}

Status insert_execution(Tx& tx, const WorkflowExecutionRecord& e) {
  return tx.exec(
      "INSERT INTO amc_workflow_executions (execution_id, instance_id, workflow_id, "
      "saved_workflow, workflow, protected_query_id, membership_id, time_window_start, "
      "time_window_end, time_window_time_zone, time_window_type, parameter_values, created_by, "
      "created_at_ms, time_window_start_utc, time_window_end_utc, schedule_id) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {e.execution_id, e.instance_id, e.workflow_id, static_cast<int64_t>(e.saved_workflow ? 1 : 0),
       definition_json(e.workflow).dump(), e.protected_query_id, e.membership_id,
       e.time_window_start, e.time_window_end, e.time_window_time_zone, e.time_window_type,
       e.parameter_values.dump(), e.created_by, e.created_at_ms,
       text_or_null(e.time_window_start_utc), text_or_null(e.time_window_end_utc),
       text_or_null(e.schedule_id)});
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

Status insert_query_window(Tx& tx, const std::string& protected_query_id, int64_t start,
                           int64_t end) {
  return tx.exec(
      "INSERT INTO amc_query_windows (protected_query_id, start_utc, end_utc) VALUES (?,?,?)",
      {protected_query_id, start, end});
}

Result<std::optional<std::pair<int64_t, int64_t>>> find_query_window(
    Tx& tx, const std::string& protected_query_id) {
  using Window = std::pair<int64_t, int64_t>;
  return fetch_one<Window>(
      tx, "SELECT start_utc, end_utc FROM amc_query_windows WHERE protected_query_id = ?",
      {protected_query_id}, [](const Row& r) {
        return Window{r.integer("start_utc"), r.integer("end_utc")};
      });
}

Status insert_schedule(Tx& tx, const ScheduleRecord& s) {
  return tx.exec(
      "INSERT INTO amc_schedules (instance_id, schedule_id, workflow_id, aggregation_period, "
      "aggregation_hour_utc, aggregation_start_day, schedule_enabled, created_by, created_at, "
      "updated_at, last_run_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {s.instance_id, s.schedule_id, s.workflow_id, s.aggregation_period,
       static_cast<int64_t>(s.aggregation_hour_utc), s.aggregation_start_day,
       static_cast<int64_t>(s.schedule_enabled ? 1 : 0), s.created_by, s.created_at, s.updated_at,
       s.last_run_at ? Value(s.last_run_at) : Value(nullptr)});
}

Result<std::optional<ScheduleRecord>> find_schedule(Tx& tx, const std::string& instance_id,
                                                    const std::string& schedule_id) {
  return fetch_one<ScheduleRecord>(
      tx, "SELECT * FROM amc_schedules WHERE instance_id = ? AND schedule_id = ?",
      {instance_id, schedule_id}, schedule_from);
}

Result<std::vector<ScheduleRecord>> list_schedules(Tx& tx, const std::string& instance_id,
                                                   const std::string& after, int limit) {
  return fetch_all<ScheduleRecord>(
      tx,
      "SELECT * FROM amc_schedules WHERE instance_id = ?1 AND (?2 = '' OR schedule_id > ?2) "
      "ORDER BY schedule_id LIMIT ?3",
      {instance_id, after, static_cast<int64_t>(limit)}, schedule_from);
}

Result<std::vector<ScheduleRecord>> enabled_schedules(Tx& tx) {
  return fetch_all<ScheduleRecord>(
      tx,
      "SELECT * FROM amc_schedules WHERE schedule_enabled = 1 ORDER BY instance_id, schedule_id",
      {}, schedule_from);
}

Status update_schedule(Tx& tx, const ScheduleRecord& s) {
  return tx.exec(
      "UPDATE amc_schedules SET workflow_id = ?, aggregation_period = ?, aggregation_hour_utc = ?, "
      "aggregation_start_day = ?, schedule_enabled = ?, updated_at = ?, last_run_at = ? "
      "WHERE instance_id = ? AND schedule_id = ?",
      {s.workflow_id, s.aggregation_period, static_cast<int64_t>(s.aggregation_hour_utc),
       s.aggregation_start_day, static_cast<int64_t>(s.schedule_enabled ? 1 : 0), s.updated_at,
       s.last_run_at ? Value(s.last_run_at) : Value(nullptr), s.instance_id, s.schedule_id});
}

Result<bool> claim_schedule_run(Tx& tx, const std::string& instance_id,
                                const std::string& schedule_id, int64_t expected, int64_t due) {
  CR_TRY(tx.exec(
      "UPDATE amc_schedules SET last_run_at = ?1 WHERE instance_id = ?2 AND schedule_id = ?3 "
      "AND coalesce(last_run_at, 0) = ?4",
      {due, instance_id, schedule_id, expected}));
  return tx.changes() == 1;
}

Status remove_schedule(Tx& tx, const std::string& instance_id, const std::string& schedule_id) {
  return tx.exec("DELETE FROM amc_schedules WHERE instance_id = ? AND schedule_id = ?",
                 {instance_id, schedule_id});
}

Result<std::vector<std::string>> schedules_of_workflow(Tx& tx, const std::string& instance_id,
                                                       const std::string& workflow_id) {
  return fetch_all<std::string>(
      tx,
      "SELECT schedule_id FROM amc_schedules WHERE instance_id = ? AND workflow_id = ? "
      "ORDER BY schedule_id",
      {instance_id, workflow_id}, [](const Row& r) { return r.str("schedule_id"); });
}

}  // namespace cleanroom::catalog::workflows_repo
