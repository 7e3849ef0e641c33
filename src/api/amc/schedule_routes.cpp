#include "api/amc/schedule_routes.h"

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using core::ScheduleRecord;
using nlohmann::json;

namespace {

Result<ScheduleRecord> parse_schedule(const json& body) {
  CR_TRY(check_known_fields(body, {"scheduleId", "workflowId", "aggregationPeriod",
                                   "aggregationHourUtc", "aggregationStartDay", "scheduleEnabled",
                                   "requireSyntheticData", "disableAggregationControls"}));
  ScheduleRecord s;
  CR_ASSIGN(s.schedule_id, required_string(body, "scheduleId"));
  CR_ASSIGN(s.workflow_id, required_string(body, "workflowId"));
  CR_ASSIGN(s.aggregation_period, required_string(body, "aggregationPeriod"));
  if (!body.contains("aggregationHourUtc") || !body["aggregationHourUtc"].is_number_integer())
    return Error::validation("field 'aggregationHourUtc' is required: an hour of UTC, 0 to 23",
                             "aggregationHourUtc");
  const int64_t hour = body["aggregationHourUtc"].get<int64_t>();
  if (hour < 0 || hour > 23)
    return Error::validation("aggregationHourUtc must be an hour of the day, 0 to 23",
                             "aggregationHourUtc");
  s.aggregation_hour_utc = static_cast<int>(hour);
  CR_ASSIGN(auto day, optional_string(body, "aggregationStartDay"));
  s.aggregation_start_day = day.value_or("");
  for (const char* flag : {"scheduleEnabled", "requireSyntheticData", "disableAggregationControls"})
    if (body.contains(flag) && !body[flag].is_boolean())
      return Error::validation(std::string("field '") + flag + "' must be true or false", flag);
  s.schedule_enabled = body.value("scheduleEnabled", true);
  // The platform's tables are its own data, and its privacy controls always apply.
  if (body.value("requireSyntheticData", false))
    return Error::validation("requireSyntheticData is not supported: there is no synthetic data",
                             "requireSyntheticData");
  if (body.value("disableAggregationControls", false))
    return Error::validation(
        "disableAggregationControls cannot be true: the privacy controls "
        "always apply",
        "disableAggregationControls");
  return s;
}

json schedule_json(const ScheduleRecord& s, const core::WorkflowService& service) {
  json out = {{"scheduleId", s.schedule_id},
              {"workflowId", s.workflow_id},
              {"aggregationPeriod", s.aggregation_period},
              {"aggregationHourUtc", s.aggregation_hour_utc},
              {"aggregationStartDay", s.aggregation_start_day},
              {"scheduleEnabled", s.schedule_enabled},
              {"requireSyntheticData", false},
              {"disableAggregationControls", false},
              // Not in the public Schedule: the instance, times, and when it runs.
              {"instanceId", s.instance_id},
              {"createdTime", format_iso8601(s.created_at)},
              {"lastUpdatedTime", format_iso8601(s.updated_at)}};
  if (s.last_run_at) out["lastRunTime"] = format_iso8601(s.last_run_at);
  if (s.schedule_enabled) {
    const int64_t now = service.clock().now();
    const int64_t period = s.aggregation_period == "Weekly" ? 7 * 86400 : 86400;
    if (auto next = core::latest_due(s, now, now + period))
      out["nextRunTime"] = format_iso8601(*next);
  }
  return out;
}

}  // namespace

void add_schedule_routes(Router& router, core::WorkflowService& service, AmcCallerResolver caller) {
  const std::string prefix = "/amc/reporting/{instanceId}/schedules";
  auto id = [](const Request& req, const char* name) { return req.params.at(name); };
  router.add("POST", prefix, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto definition, parse_schedule(body));
               CR_ASSIGN(auto s, service.create_schedule(c, id(req, "instanceId"), definition));
               return Response::json(200, {{"schedule", schedule_json(s, service)}});
             }));
  router.add("GET", prefix, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(int limit, limit_of(req));
               CR_ASSIGN(auto page, service.list_schedules(c, id(req, "instanceId"),
                                                           req.query_value("nextToken"), limit));
               json out = {{"schedules", json::array()}};
               for (const auto& s : page.schedules)
                 out["schedules"].push_back(schedule_json(s, service));
               if (!page.next_token.empty()) out["nextToken"] = page.next_token;
               return Response::json(200, out);
             }));
  const std::string one = prefix + "/{scheduleId}";
  router.add("GET", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto s,
                         service.get_schedule(c, id(req, "instanceId"), id(req, "scheduleId")));
               return Response::json(200, {{"schedule", schedule_json(s, service)}});
             }));
  router.add("PUT", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               const std::string schedule_id = id(req, "scheduleId");
               // The path names the schedule; a body that names another is a mistake.
               if (!body.contains("scheduleId")) body["scheduleId"] = schedule_id;
               CR_ASSIGN(auto definition, parse_schedule(body));
               if (definition.schedule_id != schedule_id)
                 return Error::validation("scheduleId in the body (" + definition.schedule_id +
                                              ") differs from the path's (" + schedule_id + ")",
                                          "scheduleId");
               CR_ASSIGN(auto s, service.update_schedule(c, id(req, "instanceId"), definition));
               return Response::json(200, {{"schedule", schedule_json(s, service)}});
             }));
  router.add("DELETE", one, guarded([=, &service](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_TRY(service.remove_schedule(c, id(req, "instanceId"), id(req, "scheduleId")));
               return Response::json(200, json::object());
             }));
}

}  // namespace cleanroom::api::amc
