#include "api/amc/amc_face.h"

#include "api/amc/audience_routes.h"
#include "api/amc/data_source_routes.h"
#include "api/amc/data_upload_face.h"
#include "api/amc/instance_json.h"
#include "api/amc/instance_routes.h"
#include "api/amc/user_deletion_routes.h"
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
    case ErrorKind::Validation:
      return 400;
    case ErrorKind::Unauthenticated:
      return 401;
    case ErrorKind::AccessDenied:
      return 403;
    case ErrorKind::NotFound:
      return 404;
    case ErrorKind::Conflict:
    case ErrorKind::Cancelled:
      return 409;
    case ErrorKind::QuotaExceeded:
    case ErrorKind::Throttled:
      return 429;
    case ErrorKind::NotImplemented:
      return 501;
    case ErrorKind::Internal:
      return 500;
  }
  return 500;
}

Result<std::string> bearer_token(const Request& req) {
  if (!req.has_header("Authorization")) {
    return Error::unauthenticated(
               "the Authorization header is missing; send Authorization: Bearer <token>")
        .at("Authorization");
  }
  std::string auth = req.header("Authorization");
  if (auth.rfind("Bearer ", 0) != 0 || auth.size() <= 7) {
    return Error::unauthenticated("the Authorization header must be 'Bearer <token>'")
        .at("Authorization");
  }
  return auth.substr(7);
}

Result<std::string> required_header(const Request& req, const char* name) {
  std::string v = req.header(name);
  if (v.empty()) return Error::validation(std::string("the ") + name + " header is missing", name);
  return v;
}

}  // namespace

Response error_response(const Error& e, const std::string& request_id) {
  return Response::json(status_of_kind(e.kind),
                        {{"message", shown_message(e)}, {"requestId", request_id}});
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
  AmcCallerResolver as_caller = [this](const Request& req) { return caller(req); };
  add_instance_routes(router_, s_, as_caller);
  add_account_member_routes(router_, s_, as_caller);
  add_user_routes();
  add_data_upload_routes(router_, s_, as_caller);
  add_workflow_routes(router_, s_, as_caller);
  add_data_source_routes(router_, s_, as_caller);
  add_user_deletion_routes(router_, s_, as_caller);
  add_audience_routes(router_, s_, as_caller);
}

Result<catalog::UserRecord> AmcFace::user(const Request& req) {
  CR_ASSIGN(std::string token, bearer_token(req));
  CR_ASSIGN(std::string client_id, required_header(req, kClientId));
  CR_ASSIGN(auto u, s_.accounts.authenticate_bearer(token));
  if (u.client_id != client_id)
    return Error::unauthenticated(std::string(kClientId) + " does not belong to this bearer token")
        .at(kClientId);
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

void AmcFace::add_user_routes() {
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
  router_.add("GET", "/amc/invitations", guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto u, user(req));
                CR_ASSIGN(auto list, s_.invitations.pending_for(u));
                json out = json::array();
                for (const auto& i : list) out.push_back(invitation_json(i));
                return Response::json(200, {{"invitations", out}});
              }));
  router_.add("POST", "/amc/invitations/{invitationId}/accept",
              guarded([this](Request& req) -> Result<Response> {
                CR_ASSIGN(auto u, user(req));
                CR_ASSIGN(auto inv, s_.invitations.accept(u, req.params.at("invitationId")));
                return Response::json(200, {{"invitation", invitation_json(inv)}});
              }));
}

}  // namespace cleanroom::api::amc
