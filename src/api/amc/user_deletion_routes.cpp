#include "api/amc/user_deletion_routes.h"

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/amc/advertiserData/{instanceId}/userDeletionRequest";

Result<core::UserDeletionRequest> parse_request(const json& body) {
  CR_TRY(check_known_fields(body, {"countryCode", "identities"}));
  core::UserDeletionRequest req;
  CR_ASSIGN(auto country, optional_string(body, "countryCode"));
  req.country_code = country.value_or("");
  auto list = body.find("identities");
  if (list == body.end() || !list->is_array())
    return Error::validation(
        "field 'identities' is required: a list of {EMAIL, PHONE, FIRST_NAME, LAST_NAME, ZIP}",
        "identities");
  // The bound is checked before anything else is read: a huge list is refused as it is.
  if (list->size() > core::kMaxDeletionIdentities)
    return Error::validation("identities may list at most " +
                                 std::to_string(core::kMaxDeletionIdentities) +
                                 " identities a request; split them into several requests",
                             "identities");
  for (size_t i = 0; i < list->size(); ++i) {
    const json& id = (*list)[i];
    const std::string field = "identities[" + std::to_string(i) + "]";
    if (!id.is_object())
      return Error::validation(field + " must be an object of identifier type to value", field);
    std::map<std::string, std::string> identity;
    for (auto it = id.begin(); it != id.end(); ++it) {
      if (!it.value().is_string())
        return Error::validation(field + "." + it.key() + " must be a string",
                                 field + "." + it.key());
      identity[it.key()] = it.value().get<std::string>();
    }
    req.identities.push_back(std::move(identity));
  }
  return req;
}

json request_json(const catalog::AmcDeletionRequestRecord& r) {
  json out = {{"userDeletionRequestId", r.request_id},
              {"instanceId", r.instance_id},
              {"status", wire_name(r.status)},
              {"identityCount", r.identity_count},
              {"createdAt", format_iso8601(r.created_at)},
              {"updatedAt", format_iso8601(r.updated_at)}};
  if (!r.message.empty()) out["statusReason"] = r.message;
  return out;
}

}  // namespace

void add_user_deletion_routes(Router& router, core::Services& s, AmcCallerResolver caller) {
  const std::string prefix = kPrefix;
  router.add("POST", prefix, guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto parsed, parse_request(body));
               CR_ASSIGN(auto r,
                         s.amc_user_deletions.create(c, req.params.at("instanceId"), parsed));
               return Response::json(200, request_json(r));
             }));
  auto list = guarded([&s, caller](Request& req) -> Result<Response> {
    CR_ASSIGN(auto c, caller(req));
    CR_ASSIGN(auto all, s.amc_user_deletions.list(c, req.params.at("instanceId")));
    json out = json::array();
    for (const auto& r : all) out.push_back(request_json(r));
    return Response::json(200, {{"userDeletionRequests", out}});
  });
  router.add("POST", prefix + "/list", list);
  router.add("GET", prefix + "/list", list);
  router.add("GET", prefix + "/{userDeletionRequestId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto r, s.amc_user_deletions.get(c, req.params.at("instanceId"),
                                                          req.params.at("userDeletionRequestId")));
               return Response::json(200, {{"userDeletionRequest", request_json(r)}});
             }));
}

}  // namespace cleanroom::api::amc
