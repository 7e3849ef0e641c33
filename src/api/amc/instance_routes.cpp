#include "api/amc/instance_routes.h"

#include "api/amc/amc_face.h"
#include "api/amc/instance_json.h"
#include "api/json_body.h"

namespace cleanroom::api::amc {
using nlohmann::json;

void add_instance_routes(Router& router, core::Services& s, AmcCallerResolver caller) {
  router.add("POST", "/amc/instances", guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto create, parse_create_instance(body));
               CR_ASSIGN(auto v, s.instances.create(c, create));
               return Response::json(200, {{"instance", instance_json(v)}});
             }));
  router.add("GET", "/amc/instances", guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(int limit, limit_of(req));
               CR_ASSIGN(auto page, s.instances.list(c, req.query_value("nextToken"), limit));
               json out = {{"instances", json::array()}};
               for (const auto& v : page.first) out["instances"].push_back(instance_json(v));
               if (!page.second.empty()) out["nextToken"] = page.second;
               return Response::json(200, out);
             }));
  router.add("GET", "/amc/instances/{instanceId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto v, s.instances.get(c, req.params.at("instanceId")));
               return Response::json(200, {{"instance", instance_json(v)}});
             }));
  router.add(
      "PUT", "/amc/instances/{instanceId}", guarded([&s, caller](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_ASSIGN(json body, parse_json_object(req.body));
        CR_ASSIGN(auto update, parse_update_instance(body));
        CR_ASSIGN(auto v, s.instance_lifecycle.update(c, req.params.at("instanceId"), update));
        return Response::json(200, {{"instance", instance_json(v)}});
      }));
  router.add("DELETE", "/amc/instances/{instanceId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_TRY(s.instance_lifecycle.remove(c, req.params.at("instanceId")));
               return Response::json(200, {{"instanceId", req.params.at("instanceId")}});
             }));
  router.add("GET", "/amc/instances/{instanceId}/collaboration",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto v, s.instances.get(c, req.params.at("instanceId")));
               json members = json::array();
               for (const auto& m : v.members)
                 members.push_back({{"awsAccountId", m.account_id},
                                    {"displayName", m.display_name},
                                    {"abilities", wire_names(m.abilities)},
                                    {"status", wire_name(m.status)}});
               json collab = collaboration_json(v);
               collab["members"] = members;
               collab["instanceId"] = v.instance.instance_id;
               return Response::json(200, {{"collaboration", collab}});
             }));
  router.add(
      "GET", "/amc/instances/{instanceId}/advertisers",
      guarded([&s, caller](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_ASSIGN(auto list, s.instances.advertisers(c, req.params.at("instanceId")));
        json out = json::array();
        for (const auto& a : list)
          out.push_back(
              {{"id", a.advertiser_id}, {"marketplaceId", a.marketplace_id}, {"type", a.type}});
        return Response::json(200, {{"advertisers", out}});
      }));
  router.add("POST", "/amc/instances/{instanceId}/advertisers/updates",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_ASSIGN(auto change, parse_advertiser_change(body));
               CR_ASSIGN(auto u, s.instances.update_advertisers(c, req.params.at("instanceId"),
                                                                change, body));
               return Response::json(200, {{"advertiserUpdate", advertiser_update_json(u)}});
             }));
  router.add("GET", "/amc/instances/{instanceId}/advertisers/updates",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto list, s.instances.advertiser_updates(c, req.params.at("instanceId")));
               json out = json::array();
               for (const auto& u : list) out.push_back(advertiser_update_json(u));
               return Response::json(200, {{"advertiserUpdates", out}});
             }));
  router.add("GET", "/amc/instances/{instanceId}/advertisers/updates/{updateId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto u, s.instances.advertiser_update(c, req.params.at("instanceId"),
                                                               req.params.at("updateId")));
               return Response::json(200, {{"advertiserUpdate", advertiser_update_json(u)}});
             }));
}

void add_account_member_routes(Router& router, core::Services& s, AmcCallerResolver caller) {
  // The path's account must be the one the caller acts in (the AdvertiserId header).
  auto same_account = [](const Request& req, const core::AmcCaller& c) -> Status {
    if (req.params.at("accountId") != c.amc_account.advertiser_id)
      return Error::access_denied(
          "the path's account must match the Amazon-Advertising-API-AdvertiserId header");
    return {};
  };
  router.add("POST", "/amc/accounts/{accountId}/invitations",
             guarded([&s, caller, same_account](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_TRY(same_account(req, c));
               CR_ASSIGN(json body, parse_json_object(req.body));
               CR_TRY(check_known_fields(body, {"email", "role"}));
               CR_ASSIGN(auto email, required_string(body, "email"));
               CR_ASSIGN(auto role, required_string(body, "role"));
               CR_ASSIGN(auto inv, s.invitations.invite(c, email, role));
               return Response::json(200, {{"invitation", invitation_json(inv)}});
             }));
  router.add("GET", "/amc/accounts/{accountId}/invitations",
             guarded([&s, caller, same_account](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_TRY(same_account(req, c));
               CR_ASSIGN(auto list, s.invitations.list(c));
               json out = json::array();
               for (const auto& i : list) out.push_back(invitation_json(i));
               return Response::json(200, {{"invitations", out}});
             }));
  router.add(
      "GET", "/amc/accounts/{accountId}/users",
      guarded([&s, caller, same_account](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_TRY(same_account(req, c));
        CR_ASSIGN(auto list, s.invitations.users(c));
        json out = json::array();
        for (const auto& u : list)
          out.push_back({{"userId", u.user.user_id}, {"email", u.user.email}, {"role", u.role}});
        return Response::json(200, {{"users", out}});
      }));
}

}  // namespace cleanroom::api::amc
