#include "api/amc/audience_routes.h"

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "common/clock.h"
#include "core/time_window.h"

namespace cleanroom::api::amc {
using nlohmann::json;

namespace {

// The public API names the instance in a header of its own.
constexpr const char* kInstanceHeader = "Amazon-Marketing-Cloud-Audience-InstanceId";

Result<std::string> instance_of(const Request& req) {
  std::string id = req.header(kInstanceHeader);
  if (id.empty())
    return Error::validation(std::string("the ") + kInstanceHeader + " header is missing",
                             kInstanceHeader);
  return id;
}

Result<core::CreateAudienceRequest> parse_audience(const json& body) {
  CR_TRY(check_known_fields(
      body, {"audienceName", "description", "queryText", "timeWindowStart", "timeWindowEnd",
             "timeWindowType", "timeWindowTimeZone", "refreshRateDays"}));
  core::CreateAudienceRequest r;
  CR_ASSIGN(r.name, required_string(body, "audienceName"));
  CR_ASSIGN(r.query_text, required_string(body, "queryText"));
  CR_ASSIGN(auto description, optional_string(body, "description"));
  CR_ASSIGN(auto start, optional_string(body, "timeWindowStart"));
  CR_ASSIGN(auto end, optional_string(body, "timeWindowEnd"));
  CR_ASSIGN(auto type, optional_string(body, "timeWindowType"));
  CR_ASSIGN(auto zone, optional_string(body, "timeWindowTimeZone"));
  r.description = description.value_or("");
  r.window_start = start.value_or("");
  r.window_end = end.value_or("");
  r.window_type = type.value_or("");
  r.window_zone = zone.value_or("");
  if (body.contains("refreshRateDays")) {
    const json& v = body["refreshRateDays"];
    if (!v.is_number_integer())
      return Error::validation("field 'refreshRateDays' must be a whole number", "refreshRateDays");
    r.refresh_rate_days = v.get<int64_t>();
  }
  return r;
}

json audience_json(const catalog::AmcAudienceRecord& a) {
  json out = {{"audienceExecutionId", a.audience_id},
              {"instanceId", a.instance_id},
              {"audienceName", a.name},
              {"audienceDescription", a.description},
              {"queryText", a.query_text},
              {"refreshRateDays", a.refresh_rate_days},
              {"timeWindowStart", core::format_civil_time(a.window_start)},
              {"timeWindowEnd", core::format_civil_time(a.window_end)},
              {"status", wire_name(a.status)},
              {"deliveries", a.deliveries},
              {"createdTime", format_iso8601(a.created_at)},
              {"lastUpdatedTime", format_iso8601(a.updated_at)}};
  if (!a.status_reason.empty()) out["statusReason"] = a.status_reason;
  if (a.deliveries > 0) {
    out["audienceCount"] = a.audience_count;
    out["outputS3URI"] = a.output_location;
  }
  if (a.refresh_rate_days > 0)
    out["nextRefreshTime"] = format_iso8601(a.last_run_at + a.refresh_rate_days * 86400);
  return out;
}

}  // namespace

void add_audience_routes(Router& router, core::Services& s, AmcCallerResolver caller) {
  router.add("POST", "/amc/audiences/query",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto instance, instance_of(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto parsed, parse_audience(body));
               CR_ASSIGN(auto a, s.amc_audiences.create(c, instance, parsed));
               return Response::json(200, audience_json(a));
             }));
  router.add("GET", "/amc/audiences/query", guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto instance, instance_of(req));
               CR_ASSIGN(auto all, s.amc_audiences.list(c, instance));
               json out = json::array();
               for (const auto& a : all) out.push_back(audience_json(a));
               return Response::json(200, {{"executionMetadata", out}});
             }));
  router.add("GET", "/amc/audiences/query/{audienceExecutionId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto instance, instance_of(req));
               CR_ASSIGN(auto a,
                         s.amc_audiences.get(c, instance, req.params.at("audienceExecutionId")));
               return Response::json(200, audience_json(a));
             }));
  router.add(
      "DELETE", "/amc/audiences/query/{audienceExecutionId}",
      guarded([&s, caller](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_ASSIGN(auto instance, instance_of(req));
        CR_TRY(s.amc_audiences.remove(c, instance, req.params.at("audienceExecutionId")));
        return Response::json(200, {{"audienceExecutionId", req.params.at("audienceExecutionId")}});
      }));
}

}  // namespace cleanroom::api::amc
