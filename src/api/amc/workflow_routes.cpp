#include "api/amc/workflow_routes.h"

#include <algorithm>

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "api/progress_json.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using catalog::WorkflowParameter;
using catalog::WorkflowRecord;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/amc/reporting/{instanceId}";

Result<WorkflowRecord> parse_workflow(const json& body, const std::string& prefix = "") {
  CR_TRY(check_known_fields(
      body,
      {"workflowId", "sqlQuery", "inputParameters", "filteredMetricsDiscriminatorColumn",
       "distinctUserCountColumn", "filteredReasonColumn"},
      prefix));
  WorkflowRecord w;
  CR_ASSIGN(w.workflow_id, required_string(body, "workflowId", prefix));
  CR_ASSIGN(w.sql_query, required_string(body, "sqlQuery", prefix));
  CR_ASSIGN(json params, optional_object_array(body, "inputParameters", prefix));
  for (size_t i = 0; i < params.size(); ++i) {
    const json& p = params[i];
    const std::string f = prefix + "inputParameters[" + std::to_string(i) + "].";
    CR_TRY(check_known_fields(p, {"name", "dataType", "columnType", "defaultValue", "description"},
                              f));
    WorkflowParameter param;
    CR_ASSIGN(param.name, required_string(p, "name", f));
    CR_ASSIGN(param.data_type, required_string(p, "dataType", f));
    CR_ASSIGN(auto column_type, optional_string(p, "columnType", f));
    CR_ASSIGN(auto description, optional_string(p, "description", f));
    param.column_type = column_type.value_or("");
    param.description = description.value_or("");
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
  return w;
}

json definition_json(const WorkflowRecord& w) {
  json params = json::array();
  for (const auto& p : w.input_parameters) {
    json param = {{"name", p.name}, {"dataType", p.data_type}};
    if (!p.column_type.empty()) param["columnType"] = p.column_type;
    if (!p.default_value.is_null()) param["defaultValue"] = p.default_value;
    if (!p.description.empty()) param["description"] = p.description;
    params.push_back(param);
  }
  json out = {
      {"workflowId", w.workflow_id}, {"sqlQuery", w.sql_query}, {"inputParameters", params}};
  if (!w.filtered_metrics_discriminator_column.empty())
    out["filteredMetricsDiscriminatorColumn"] = w.filtered_metrics_discriminator_column;
  if (!w.distinct_user_count_column.empty())
    out["distinctUserCountColumn"] = w.distinct_user_count_column;
  if (!w.filtered_reason_column.empty()) out["filteredReasonColumn"] = w.filtered_reason_column;
  return out;
}

json workflow_json(const WorkflowRecord& w) {
  json out = definition_json(w);
  out["instanceId"] = w.instance_id;
  out["createdTime"] = format_iso8601(w.created_at);
  out["lastUpdatedTime"] = format_iso8601(w.updated_at);
  return out;
}

Result<core::StartExecutionRequest> parse_execution(const json& body) {
  CR_TRY(check_known_fields(body, {"workflowId", "workflow", "timeWindowStart", "timeWindowEnd",
                                   "timeWindowTimeZone", "timeWindowType", "parameterValues"}));
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

json execution_json(const core::WorkflowExecutionView& v) {
  const auto& e = v.execution;
  const int64_t last = std::max({e.created_at_ms, v.started_at_ms, v.finished_at_ms});
  json out = {{"workflowExecutionId", e.execution_id},
              {"instanceId", e.instance_id},
              {"workflowId", e.workflow_id},
              {"status", v.status},
              {"timeWindowStart", e.time_window_start},
              {"timeWindowEnd", e.time_window_end},
              {"timeWindowTimeZone", e.time_window_time_zone},
              {"timeWindowType", e.time_window_type},
              {"parameterValues", e.parameter_values},
              {"createdTime", format_iso8601(e.created_at_ms / 1000)},
              {"lastUpdatedTime", format_iso8601(last / 1000)}};
  if (!e.saved_workflow) out["workflow"] = definition_json(e.workflow);
  if (v.started_at_ms) out["executionStartTime"] = format_iso8601(v.started_at_ms / 1000);
  if (v.finished_at_ms) out["executionEndTime"] = format_iso8601(v.finished_at_ms / 1000);
  if (!v.status_reason.empty()) out["statusReason"] = v.status_reason;
  // Not in the AMC API: how far a RUNNING execution is, as GetProtectedQuery shows it.
  if (v.progress) out["progress"] = progress_json(*v.progress);
  if (v.status == "SUCCEEDED") {
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
               CR_ASSIGN(auto start, parse_execution(body));
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
  router.add("PUT", execution, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_TRY(check_known_fields(body, {"status"}));
               CR_ASSIGN(auto status, required_string(body, "status"));
               if (status != "CANCELLED")
                 return Error::validation(
                     "status must be CANCELLED: an execution can only be "
                     "cancelled",
                     "status");
               CR_ASSIGN(auto v,
                         service.cancel(c, id(req, "instanceId"), id(req, "workflowExecutionId")));
               return Response::json(200, execution_json(v));
             }));
  router.add("GET", execution + "/downloadUrls",
             guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto urls, service.download_locations(c, id(req, "instanceId"),
                                                               id(req, "workflowExecutionId")));
               return Response::json(200, {{"downloadUrls", urls}});
             }));
}

}  // namespace cleanroom::api::amc
