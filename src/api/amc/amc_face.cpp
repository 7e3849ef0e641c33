#include "api/amc/amc_face.h"

#include "api/amc/data_upload_face.h"
#include "api/amc/instance_json.h"
#include "api/amc/workflow_routes.h"
#include "api/json_body.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using nlohmann::json;

namespace {

constexpr const char* kClientId = "Amazon-Advertising-API-ClientId";
constexpr const char* kMarketplaceId = "Amazon-Advertising-API-MarketplaceId";
constexpr const char* kAdvertiserId = "Amazon-Advertising-API-AdvertiserId";

int status_of_kind(ErrorKind k) {
  switch (k) {
    case ErrorKind::Validation: return 400;
    case ErrorKind::Unauthenticated: return 401;
    case ErrorKind::AccessDenied: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::QuotaExceeded:
    case ErrorKind::Throttled: return 429;
    case ErrorKind::NotImplemented: return 501;
    case ErrorKind::Internal: return 500;
  }
  return 500;
}

Result<std::string> bearer_token(const Request& req) {
  if (!req.has_header("Authorization")) {
    Error e = Error::unauthenticated("the Authorization header is missing; send Authorization: Bearer <token>");
    e.field = "Authorization";
    return e;
  }
  std::string auth = req.header("Authorization");
  if (auth.rfind("Bearer ", 0) != 0 || auth.size() <= 7) {
    Error e = Error::unauthenticated("the Authorization header must be 'Bearer <token>'");
    e.field = "Authorization";
    return e;
  }
  return auth.substr(7);
}

Result<std::string> required_header(const Request& req, const char* name) {
  std::string v = req.header(name);
  if (v.empty()) return Error::validation(std::string("the ") + name + " header is missing", name);
  return v;
}

std::string path_id(const Request& req, const char* name) { return req.params.at(name); }

}  // namespace

Response error_response(const Error& e, const std::string& request_id) {
  return Response::json(status_of_kind(e.kind), {{"message", e.message}, {"requestId", request_id}});
}

Handler guarded(std::function<Result<Response>(Request&)> fn) {
  return [fn = std::move(fn)](Request& req) {
    auto r = fn(req);
    return r.ok() ? std::move(r).value() : error_response(r.error(), req.request_id);
  };
}

Result<int> limit_of(const Request& req) {
  if (!req.has_query("limit")) return 100;
  const std::string l = req.query_value("limit");
  if (l.empty() || l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos)
    return Error::validation("limit must be a number between 1 and 100", "limit");
  return std::stoi(l);
}

AmcFace::AmcFace(core::Services& services) : s_(services) {
  add_instance_routes();
  add_account_routes();
  add_data_upload_routes(router_, s_, [this](const Request& req) { return caller(req); });
  add_workflow_routes(router_, s_, [this](const Request& req) { return caller(req); });
}

Result<catalog::UserRecord> AmcFace::user(const Request& req) {
  CR_ASSIGN(std::string token, bearer_token(req));
  CR_ASSIGN(std::string client_id, required_header(req, kClientId));
  CR_ASSIGN(auto u, s_.accounts.authenticate_bearer(token));
  if (u.client_id != client_id) {
    Error e = Error::unauthenticated(std::string(kClientId) + " does not belong to this bearer token");
    e.field = kClientId;
    return e;
  }
  return u;
}

Result<core::AmcCaller> AmcFace::caller(const Request& req) {
  // Authentication first: an anonymous caller learns nothing about which headers would pass.
  // resolve_amc_caller authenticates too, so the token is looked up separately only when the
  // request is already known to fail for a missing header.
  auto marketplace = required_header(req, kMarketplaceId);
  auto advertiser = required_header(req, kAdvertiserId);
  if (!marketplace.ok() || !advertiser.ok()) {
    CR_TRY(user(req));
    return !marketplace.ok() ? marketplace.error() : advertiser.error();
  }
  CR_ASSIGN(std::string token, bearer_token(req));
  CR_ASSIGN(std::string client_id, required_header(req, kClientId));
  return s_.accounts.resolve_amc_caller(token, client_id, *marketplace, *advertiser);
}

Response AmcFace::handle(Request& req) {
  bool path_known = false;
  auto handler = router_.match(req, &path_known);
  if (!handler) {
    Error e = path_known ? Error::validation(req.method + " is not supported on " + req.path)
                         : Error(ErrorKind::NotFound, "no AMC resource at " + req.path);
    return error_response(e, req.request_id);
  }
  return (*handler)(req);
}

void AmcFace::add_instance_routes() {
  router_.add("POST", "/amc/instances", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(json body, parse_json_object(req.body));
                CR_ASSIGN(auto create, parse_create_instance(body));
                CR_ASSIGN(auto v, s_.instances.create(c, create));
                return Response::json(200, {{"instance", instance_json(v)}});
              }));
  router_.add("GET", "/amc/instances", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(int limit, limit_of(req));
                CR_ASSIGN(auto page, s_.instances.list(c, req.query_value("nextToken"), limit));
                json out = {{"instances", json::array()}};
                for (const auto& v : page.first) out["instances"].push_back(instance_json(v));
                if (!page.second.empty()) out["nextToken"] = page.second;
                return Response::json(200, out);
              }));
  router_.add("GET", "/amc/instances/{instanceId}", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(auto v, s_.instances.get(c, path_id(req, "instanceId")));
                return Response::json(200, {{"instance", instance_json(v)}});
              }));
  router_.add("GET", "/amc/instances/{instanceId}/collaboration", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(auto v, s_.instances.get(c, path_id(req, "instanceId")));
                json members = json::array();
                for (const auto& m : v.members)
                  members.push_back({{"awsAccountId", m.account_id},
                                     {"displayName", m.display_name},
                                     {"abilities", m.abilities},
                                     {"status", m.status}});
                json collab = collaboration_json(v);
                collab["members"] = members;
                collab["instanceId"] = v.instance.instance_id;
                return Response::json(200, {{"collaboration", collab}});
              }));
  router_.add("GET", "/amc/instances/{instanceId}/advertisers", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(auto list, s_.instances.advertisers(c, path_id(req, "instanceId")));
                json out = json::array();
                for (const auto& a : list)
                  out.push_back({{"id", a.advertiser_id}, {"marketplaceId", a.marketplace_id}, {"type", a.type}});
                return Response::json(200, {{"advertisers", out}});
              }));
  router_.add("POST", "/amc/instances/{instanceId}/advertisers/updates", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(json body, parse_json_object(req.body));
                CR_ASSIGN(auto change, parse_advertiser_change(body));
                CR_ASSIGN(auto u, s_.instances.update_advertisers(c, path_id(req, "instanceId"), change, body));
                return Response::json(200, {{"advertiserUpdate", advertiser_update_json(u)}});
              }));
  router_.add("GET", "/amc/instances/{instanceId}/advertisers/updates", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(auto list, s_.instances.advertiser_updates(c, path_id(req, "instanceId")));
                json out = json::array();
                for (const auto& u : list) out.push_back(advertiser_update_json(u));
                return Response::json(200, {{"advertiserUpdates", out}});
              }));
  router_.add("GET", "/amc/instances/{instanceId}/advertisers/updates/{updateId}", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto c, caller(req));
                CR_ASSIGN(auto u, s_.instances.advertiser_update(c, path_id(req, "instanceId"),
                                                                 path_id(req, "updateId")));
                return Response::json(200, {{"advertiserUpdate", advertiser_update_json(u)}});
              }));
}

void AmcFace::add_account_routes() {
  auto invitation_json = [](const catalog::InvitationRecord& i) {
    return json{{"invitationId", i.invitation_id}, {"accountId", i.advertiser_id}, {"email", i.email},
                {"role", i.role},  {"status", i.status},  {"creationDatetime", format_iso8601(i.created_at)}};
  };
  // The path's account must be the one the caller acts in (the AdvertiserId header).
  auto same_account = [](const Request& req, const core::AmcCaller& c) -> Status {
    if (req.params.at("accountId") != c.amc_account.advertiser_id)
      return Error::access_denied("the path's account must match the Amazon-Advertising-API-AdvertiserId header");
    return {};
  };
  router_.add("GET", "/amc/accounts", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto u, user(req));
                CR_ASSIGN(auto accounts, s_.accounts.amc_accounts_of(u));
                json out = json::array();
                for (const auto& a : accounts)
                  out.push_back({{"accountId", a.advertiser_id},
                                 {"accountName", a.name},
                                 {"marketplaceId", a.marketplace_id}});
                return Response::json(200, {{"amcAccounts", out}});
              }));
  router_.add("POST", "/amc/accounts/{accountId}/invitations", guarded([=, this](Request& req) -> Result<Response> {
      CR_ASSIGN(auto c, caller(req));
      CR_TRY(same_account(req, c));
      CR_ASSIGN(json body, parse_json_object(req.body));
      CR_TRY(check_known_fields(body, {"email", "role"}));
      CR_ASSIGN(auto email, required_string(body, "email"));
      CR_ASSIGN(auto role, required_string(body, "role"));
      CR_ASSIGN(auto inv, s_.invitations.invite(c, email, role));
      return Response::json(200, {{"invitation", invitation_json(inv)}});
  }));
  router_.add("GET", "/amc/accounts/{accountId}/invitations", guarded([=, this](Request& req) -> Result<Response> {
      CR_ASSIGN(auto c, caller(req));
      CR_TRY(same_account(req, c));
      CR_ASSIGN(auto list, s_.invitations.list(c));
      json out = json::array();
      for (const auto& i : list) out.push_back(invitation_json(i));
      return Response::json(200, {{"invitations", out}});
  }));
  router_.add("GET", "/amc/accounts/{accountId}/users", guarded([=, this](Request& req) -> Result<Response> {
      CR_ASSIGN(auto c, caller(req));
      CR_TRY(same_account(req, c));
      CR_ASSIGN(auto list, s_.invitations.users(c));
      json out = json::array();
      for (const auto& u : list)
        out.push_back({{"userId", u.user.user_id}, {"email", u.user.email}, {"role", u.role}});
      return Response::json(200, {{"users", out}});
  }));
  router_.add("GET", "/amc/invitations", guarded([=, this](Request& req) -> Result<Response> {
      CR_ASSIGN(auto u, user(req));
      CR_ASSIGN(auto list, s_.invitations.pending_for(u));
      json out = json::array();
      for (const auto& i : list) out.push_back(invitation_json(i));
      return Response::json(200, {{"invitations", out}});
  }));
  router_.add("POST", "/amc/invitations/{invitationId}/accept", guarded([=, this](Request& req) -> Result<Response> {
      CR_ASSIGN(auto u, user(req));
      CR_ASSIGN(auto inv, s_.invitations.accept(u, req.params.at("invitationId")));
      return Response::json(200, {{"invitation", invitation_json(inv)}});
  }));
}

}  // namespace cleanroom::api::amc
