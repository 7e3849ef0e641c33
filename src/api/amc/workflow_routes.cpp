#include "api/amc/workflow_routes.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "api/amc/amc_face.h"
#include "api/amc/schedule_routes.h"
#include "api/json_body.h"
#include "api/progress_json.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using catalog::WorkflowParameter;
using catalog::WorkflowRecord;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/amc/reporting/{instanceId}";

// A whole number field, or absent.
Result<std::optional<int>> optional_int(const json& obj, const char* name, const std::string& f) {
  if (!obj.contains(name)) return std::optional<int>{};
  const json& v = obj[name];
  if (!v.is_number_integer() || v.get<int64_t>() < -1000000 || v.get<int64_t>() > 1000000)
    return Error::validation("field '" + f + name + "' must be a whole number", f + name);
  return std::optional<int>(v.get<int>());
}

// outputColumns: [{name, dataType, columnType?, dataTypePrecision?, dataTypeScale?,
// description?}] (the public model's WorkflowOutputcolumns); the core checks the values.
Result<std::vector<catalog::WorkflowOutputColumn>> parse_output_columns(const json& body,
                                                                        const std::string& prefix) {
  CR_ASSIGN(json columns, optional_object_array(body, "outputColumns", prefix));
  std::vector<catalog::WorkflowOutputColumn> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    const json& c = columns[i];
    const std::string f = prefix + "outputColumns[" + std::to_string(i) + "].";
    CR_TRY(check_known_fields(
        c, {"name", "dataType", "columnType", "dataTypePrecision", "dataTypeScale", "description"},
        f));
    catalog::WorkflowOutputColumn column;
    CR_ASSIGN(column.name, required_string(c, "name", f));
    CR_ASSIGN(column.data_type, required_string(c, "dataType", f));
    CR_ASSIGN(auto column_type, optional_string(c, "columnType", f));
    CR_ASSIGN(auto description, optional_string(c, "description", f));
    CR_ASSIGN(column.data_type_precision, optional_int(c, "dataTypePrecision", f));
    CR_ASSIGN(column.data_type_scale, optional_int(c, "dataTypeScale", f));
    column.column_type = column_type.value_or("");
    column.description = description.value_or("");
    out.push_back(std::move(column));
  }
  return out;
}

Result<WorkflowRecord> parse_workflow(const json& body, const std::string& prefix = "") {
  CR_TRY(check_known_fields(body,
                            {"workflowId", "sqlQuery", "inputParameters",
                             "filteredMetricsDiscriminatorColumn", "distinctUserCountColumn",
                             "filteredReasonColumn", "privacyFilteringBehavior", "outputColumns"},
                            prefix));
  WorkflowRecord w;
  CR_ASSIGN(w.workflow_id, required_string(body, "workflowId", prefix));
  CR_ASSIGN(w.sql_query, required_string(body, "sqlQuery", prefix));
  CR_ASSIGN(json params, optional_object_array(body, "inputParameters", prefix));
  for (size_t i = 0; i < params.size(); ++i) {
    const json& p = params[i];
    const std::string f = prefix + "inputParameters[" + std::to_string(i) + "].";
    CR_TRY(check_known_fields(
        p, {"name", "dataType", "columnType", "defaultValue", "description", "displayName"}, f));
    WorkflowParameter param;
    CR_ASSIGN(param.name, required_string(p, "name", f));
    CR_ASSIGN(param.data_type, required_string(p, "dataType", f));
    CR_ASSIGN(auto column_type, optional_string(p, "columnType", f));
    CR_ASSIGN(auto description, optional_string(p, "description", f));
    CR_ASSIGN(auto display_name, optional_string(p, "displayName", f));
    param.column_type = column_type.value_or("");
    param.description = description.value_or("");
    param.display_name = display_name.value_or("");
    param.default_value = p.value("defaultValue", json());
    w.input_parameters.push_back(std::move(param));
  }
  CR_ASSIGN(auto discriminator,
            optional_string(body, "filteredMetricsDiscriminatorColumn", prefix));
  CR_ASSIGN(auto user_count, optional_string(body, "distinctUserCountColumn", prefix));
  CR_ASSIGN(auto reason, optional_string(body, "filteredReasonColumn", prefix));
  w.filtered_metrics_discriminator_column = discriminator.value_or("");
  w.distinct_user_count_column = user_count.value_or("");
  w.filtered_reason_column = reason.value_or("");
  CR_ASSIGN(auto behavior, optional_string(body, "privacyFilteringBehavior", prefix));
  w.privacy_filtering_behavior = behavior.value_or("");
  CR_ASSIGN(w.output_columns, parse_output_columns(body, prefix));
  return w;
}

json definition_json(const WorkflowRecord& w) {
  json params = json::array();
  for (const auto& p : w.input_parameters) {
    json param = {{"name", p.name}, {"dataType", p.data_type}};
    if (!p.column_type.empty()) param["columnType"] = p.column_type;
    if (!p.default_value.is_null()) param["defaultValue"] = p.default_value;
    if (!p.description.empty()) param["description"] = p.description;
    if (!p.display_name.empty()) param["displayName"] = p.display_name;
    params.push_back(param);
  }
  json out = {
      {"workflowId", w.workflow_id}, {"sqlQuery", w.sql_query}, {"inputParameters", params}};
  if (!w.filtered_metrics_discriminator_column.empty())
    out["filteredMetricsDiscriminatorColumn"] = w.filtered_metrics_discriminator_column;
  if (!w.distinct_user_count_column.empty())
    out["distinctUserCountColumn"] = w.distinct_user_count_column;
  if (!w.filtered_reason_column.empty()) out["filteredReasonColumn"] = w.filtered_reason_column;
  if (!w.privacy_filtering_behavior.empty())
    out["privacyFilteringBehavior"] = w.privacy_filtering_behavior;
  if (!w.output_columns.empty()) {
    json columns = json::array();
    for (const auto& c : w.output_columns) {
      json column = {{"name", c.name}, {"dataType", c.data_type}};
      if (!c.column_type.empty()) column["columnType"] = c.column_type;
      if (c.data_type_precision) column["dataTypePrecision"] = *c.data_type_precision;
      if (c.data_type_scale) column["dataTypeScale"] = *c.data_type_scale;
      if (!c.description.empty()) column["description"] = c.description;
      columns.push_back(std::move(column));
    }
    out["outputColumns"] = std::move(columns);
  }
  return out;
}

json workflow_json(const WorkflowRecord& w) {
  json out = definition_json(w);
  out["instanceId"] = w.instance_id;
  out["createdTime"] = format_iso8601(w.created_at);
  out["lastUpdatedTime"] = format_iso8601(w.updated_at);
  return out;
}

Result<core::StartExecutionRequest> parse_execution(const json& body, bool* dry_run) {
  CR_TRY(check_known_fields(
      body, {"workflowId", "workflow", "timeWindowStart", "timeWindowEnd", "timeWindowTimeZone",
             "timeWindowType", "parameterValues", "dryRun"}));
  if (body.contains("dryRun") && !body["dryRun"].is_boolean())
    return Error::validation("field 'dryRun' must be true or false", "dryRun");
  *dry_run = body.value("dryRun", false);
  core::StartExecutionRequest req;
  CR_ASSIGN(req.workflow_id, optional_string(body, "workflowId"));
  if (body.contains("workflow")) {
    if (!body["workflow"].is_object())
      return Error::validation("field 'workflow' must be an object: {workflowId, sqlQuery}",
                               "workflow");
    CR_ASSIGN(req.workflow, parse_workflow(body["workflow"], "workflow."));
  }
  CR_ASSIGN(auto start, optional_string(body, "timeWindowStart"));
  CR_ASSIGN(auto end, optional_string(body, "timeWindowEnd"));
  CR_ASSIGN(auto zone, optional_string(body, "timeWindowTimeZone"));
  CR_ASSIGN(auto type, optional_string(body, "timeWindowType"));
  req.time_window_start = start.value_or("");
  req.time_window_end = end.value_or("");
  req.time_window_time_zone = zone.value_or("");
  req.time_window_type = type.value_or("");
  if (body.contains("parameterValues")) {
    if (!body["parameterValues"].is_object())
      return Error::validation("field 'parameterValues' must be an object of parameter values",
                               "parameterValues");
    req.parameter_values = body["parameterValues"];
  }
  return req;
}

// What an execution was asked for: its window (timeWindowStart/End in UTC, as the public API's
// nominal window; the *Original fields as given, in timeWindowTimeZone), parameters, workflow.
json request_json(const catalog::WorkflowExecutionRecord& e) {
  json out = {
      {"instanceId", e.instance_id},
      {"workflowId", e.workflow_id},
      {"timeWindowStart",
       e.time_window_start_utc.empty() ? e.time_window_start : e.time_window_start_utc},
      {"timeWindowEnd", e.time_window_end_utc.empty() ? e.time_window_end : e.time_window_end_utc},
      {"timeWindowTimeZone", e.time_window_time_zone},
      {"timeWindowType", e.time_window_type},
      {"timeWindowStartOriginal", e.time_window_start},
      {"timeWindowEndOriginal", e.time_window_end},
      {"timeWindowTimeZoneOriginal", e.time_window_time_zone},
      {"parameterValues", e.parameter_values}};
  if (!e.saved_workflow) out["workflow"] = definition_json(e.workflow);
  // Not in the public WorkflowExecution: the schedule that created it.
  if (!e.schedule_id.empty()) out["scheduleId"] = e.schedule_id;
  return out;
}

// The public dataType of an output column (WorkflowOutputcolumns) for a DuckDB type; a type with
// no public name keeps DuckDB's.
json output_column_json(const engine::ResultColumn& c) {
  static const std::map<std::string, std::string> types = {
      {"VARCHAR", "STRING"},  {"BIGINT", "LONG"},
      {"INTEGER", "INTEGER"}, {"SMALLINT", "SHORT"},
      {"TINYINT", "BYTE"},    {"DOUBLE", "DOUBLE"},
      {"FLOAT", "FLOAT"},     {"BOOLEAN", "BOOLEAN"},
      {"DATE", "DATE"},       {"TIMESTAMP", "TIMESTAMP"},
      {"BLOB", "BINARY"},     {"INTERVAL", "CALENDAR_INTERVAL"},
      {"HUGEINT", "DECIMAL"}, {"UBIGINT", "DECIMAL"},
      {"UINTEGER", "LONG"},   {"USMALLINT", "INTEGER"},
      {"UTINYINT", "SHORT"},  {"TIMESTAMP WITH TIME ZONE", "TIMESTAMP"}};
  json out = {{"name", c.name}};
  auto it = types.find(c.type);
  if (it != types.end()) {
    out["dataType"] = it->second;
  } else if (c.type.rfind("DECIMAL(", 0) == 0) {
    out["dataType"] = "DECIMAL";
    int precision = 0, scale = 0;
    if (std::sscanf(c.type.c_str(), "DECIMAL(%d,%d)", &precision, &scale) == 2) {
      out["dataTypePrecision"] = precision;
      out["dataTypeScale"] = scale;
    }
  } else {
    out["dataType"] = c.type;
  }
  return out;
}

json dry_run_json(const core::DryRunView& d) {
  json out = request_json(d.execution);
  out["dryRun"] = true;
  // As the public API marks a dry run: processed, not submitted to compute.
  out["status"] = wire_name(ExecutionStatus::Succeeded);
  out["statusReason"] = "dry run: the query was checked and planned, not run; nothing recorded";
  json columns = json::array();
  for (const auto& c : d.columns) columns.push_back(output_column_json(c));
  out["outputColumns"] = columns;
  return out;
}

json execution_json(const core::WorkflowExecutionView& v) {
  const auto& e = v.execution;
  const int64_t last = std::max({e.created_at_ms, v.started_at_ms, v.finished_at_ms});
  json out = request_json(e);
  out["workflowExecutionId"] = e.execution_id;
  out["status"] = wire_name(v.status);
  out["createdTime"] = format_iso8601(e.created_at_ms / 1000);
  out["lastUpdatedTime"] = format_iso8601(last / 1000);
  if (v.started_at_ms) out["executionStartTime"] = format_iso8601(v.started_at_ms / 1000);
  if (v.finished_at_ms) out["executionEndTime"] = format_iso8601(v.finished_at_ms / 1000);
  if (!v.status_reason.empty()) out["statusReason"] = v.status_reason;
  // Not in the AMC API: how far a RUNNING execution is, as GetProtectedQuery shows it.
  if (v.progress) out["progress"] = progress_json(*v.progress);
  if (v.status == ExecutionStatus::Succeeded) {
    out["outputS3URI"] = v.output_location;
    // No count of the rows the thresholds removed: it moves by one when one person's group
    // appears (docs/query-policy.md, "Threat model").
    out["filteredRowsSummary"] = {{"outputRowCount", v.rows_written}};
  }
  return out;
}

}  // namespace

void add_workflow_routes(Router& router, core::Services& services, AmcCallerResolver caller) {
  core::WorkflowService& service = services.workflows;
  const std::string prefix = kPrefix;
  auto id = [](const Request& req, const char* name) { return req.params.at(name); };

  // --- saved workflows ---------------------------------------------------------------------
  router.add("POST", prefix + "/workflows",
             guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto definition, parse_workflow(body));
               CR_ASSIGN(auto w, service.create(c, id(req, "instanceId"), definition));
               return Response::json(200, workflow_json(w));
             }));
  router.add("GET", prefix + "/workflows", guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(int limit, limit_of(req));
               CR_ASSIGN(auto page, service.list(c, id(req, "instanceId"),
                                                 req.query_value("nextToken"), limit));
               json out = {{"workflows", json::array()}};
               for (const auto& w : page.workflows) out["workflows"].push_back(workflow_json(w));
               if (!page.next_token.empty()) out["nextToken"] = page.next_token;
               return Response::json(200, out);
             }));
  const std::string one = prefix + "/workflows/{workflowId}";
  router.add("GET", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto w, service.get(c, id(req, "instanceId"), id(req, "workflowId")));
               return Response::json(200, workflow_json(w));
             }));
  router.add("PUT", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               const std::string workflow_id = id(req, "workflowId");
               // The path names the workflow; a body that names another is a mistake.
               if (!body.contains("workflowId")) body["workflowId"] = workflow_id;
               CR_ASSIGN(auto definition, parse_workflow(body));
               if (definition.workflow_id != workflow_id)
                 return Error::validation("workflowId in the body (" + definition.workflow_id +
                                              ") differs from the path's (" + workflow_id + ")",
                                          "workflowId");
               CR_ASSIGN(auto w, service.update(c, id(req, "instanceId"), definition));
               return Response::json(200, workflow_json(w));
             }));
  router.add("DELETE", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_TRY(service.remove(c, id(req, "instanceId"), id(req, "workflowId")));
               return Response::json(200, {{"workflowId", id(req, "workflowId")},
                                           {"instanceId", id(req, "instanceId")}});
             }));

  // --- executions --------------------------------------------------------------------------
  router.add("POST", prefix + "/workflowExecutions",
             guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               bool dry_run = false;
               CR_ASSIGN(auto start, parse_execution(body, &dry_run));
               if (dry_run) {
                 CR_ASSIGN(auto d, service.dry_run(c, id(req, "instanceId"), start));
                 return Response::json(200, dry_run_json(d));
               }
               CR_ASSIGN(auto v, service.start(c, id(req, "instanceId"), start));
               return Response::json(200, execution_json(v));
             }));
  router.add("GET", prefix + "/workflowExecutions",
             guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(int limit, limit_of(req));
               CR_ASSIGN(auto page, service.list_executions(c, id(req, "instanceId"),
                                                            req.query_value("workflowId"),
                                                            req.query_value("nextToken"), limit));
               json out = {{"executions", json::array()}};
               for (const auto& v : page.executions) out["executions"].push_back(execution_json(v));
               if (!page.next_token.empty()) out["nextToken"] = page.next_token;
               return Response::json(200, out);
             }));
  const std::string execution = prefix + "/workflowExecutions/{workflowExecutionId}";
  router.add("GET", execution, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto v, service.get_execution(c, id(req, "instanceId"),
                                                       id(req, "workflowExecutionId")));
               return Response::json(200, execution_json(v));
             }));
  router.add(
      "PUT", execution, guarded([=, &service](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_ASSIGN(json body, parse_json_object(req.body));
        CR_TRY(check_known_fields(body, {"status"}));
        CR_ASSIGN(auto status, required_string(body, "status"));
        if (parse_wire<ExecutionStatus>(status) != ExecutionStatus::Cancelled)
          return Error::validation("status must be " + wire_string(ExecutionStatus::Cancelled) +
                                       ": an execution can only be cancelled",
                                   "status");
        CR_ASSIGN(auto v, service.cancel(c, id(req, "instanceId"), id(req, "workflowExecutionId")));
        return Response::json(200, execution_json(v));
      }));
  add_schedule_routes(router, service, caller);
  router.add("GET", execution + "/downloadUrls",
             guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto urls, service.download_locations(c, id(req, "instanceId"),
                                                               id(req, "workflowExecutionId")));
               // The public shape; the URLs are the result's locations (docs/amc-api.md).
               return Response::json(
                   200, {{"downloadUrls", urls}, {"metadataDownloadUrls", json::array()}});
             }));
}

}  // namespace cleanroom::api::amc
