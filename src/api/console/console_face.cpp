#include "api/console/console_face.h"

#include <algorithm>
#include <string_view>

#include "api/amc/amc_face.h"
#include "api/console/amc_routes.h"
#include "api/console/cleanrooms_calls.h"
#include "api/console/console_identity.h"
#include "api/console/data_routes.h"
#include "api/console/request_guard.h"
#include "api/console/static_assets.h"
#include "api/json_body.h"

namespace cleanroom::api::console {
using nlohmann::json;

namespace {

constexpr std::string_view kApiPrefix = "/console/api";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Result<json> session_json(core::Services& s, const core::Session& session) {
  CR_ASSIGN(auto identity, identity_of(s, session.user));
  json amc = json::array();
  for (const auto& g : identity.amc_accounts)
    amc.push_back({{"accountId", g.account.advertiser_id},
                   {"accountName", g.account.name},
                   {"marketplaceId", g.account.marketplace_id},
                   {"role", g.role}});
  json aws = json::array();
  for (const auto& g : identity.aws_accounts)
    aws.push_back({{"accountId", g.account_id}, {"name", g.name}, {"role", g.role}});
  return json{{"signedIn", true},
              {"user", {{"userId", session.user.user_id}, {"email", session.user.email}}},
              {"csrfToken", session.csrf_token},
              {"amcAccounts", amc},
              {"awsAccounts", aws}};
}

// The route's answer; an unknown path or method answers as the AMC face does.
Response routed(const Router& router, Request& req) {
  bool known = false;
  auto handler = router.match(req, &known);
  if (!handler)
    return amc::error_response(
        known ? Error::validation(req.method + " is not supported on " + req.path)
              : Error(ErrorKind::NotFound, "no console call at " + req.path),
        req.request_id);
  return (*handler)(req);
}

Response text(int status, const std::string& body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = body;
  return r;
}

}  // namespace

ConsoleFace::ConsoleFace(core::Services& services)
    : s_(services),
      sessions_(services.ctx),
      cleanrooms_(std::make_unique<CleanRoomsCalls>(services)) {
  auto user_of = [this](const Request& req) -> Result<catalog::UserRecord> {
    CR_ASSIGN(auto session, session_of(req));
    return session.user;
  };
  add_amc_routes(amc_router_, s_, [this, user_of](const Request& req) -> Result<core::AmcCaller> {
    CR_ASSIGN(auto user, user_of(req));
    return amc_caller(s_, user, req.header(kAmcAccountHeader));
  });
  add_data_routes(data_router_, s_, [this, user_of](const Request& req) -> Result<std::string> {
    CR_ASSIGN(auto user, user_of(req));
    return aws_account(s_, user, req.header(kAwsAccountHeader));
  });
}

ConsoleFace::~ConsoleFace() = default;

Response ConsoleFace::handle(Request& req) {
  const bool api = req.path == kApiPrefix || starts_with(req.path, std::string(kApiPrefix) + "/");
  Response res = api ? handle_api(req) : serve_static(req);
  add_security_headers(res, !api);
  return res;
}

Response ConsoleFace::serve_static(const Request& req) {
  if (req.method != "GET") return text(405, "the console's pages are read with GET");
  std::string_view path = req.path;
  if (starts_with(path, "/console/static/")) {
    auto asset = find_asset(path.substr(std::string_view("/console/").size()));
    if (!asset) return text(404, "no console file at " + req.path);
    Response r;
    r.content_type = asset->content_type;
    r.body = std::string(asset->body);
    return r;
  }
  // Every other page is the app's: it routes by the path itself.
  auto index = find_asset("index.html");
  if (!index) return text(500, "the console was built without its index.html");
  Response r;
  r.content_type = index->content_type;
  r.body = std::string(index->body);
  return r;
}

Result<core::Session> ConsoleFace::session_of(const Request& req) {
  CR_ASSIGN(auto session, sessions_.find(cookie_value(req, kSessionCookie)));
  if (!session)
    return Error::unauthenticated(
        "you are not signed in, or your session has ended; sign in again");
  return *session;
}

Response ConsoleFace::session_call(Request& req) {
  auto run = [&]() -> Result<Response> {
    if (req.method == "GET") {
      auto session = session_of(req);
      if (!session.ok()) return Response::json(200, {{"signedIn", false}});
      CR_ASSIGN(json out, session_json(s_, *session));
      return Response::json(200, out);
    }
    if (req.method == "POST") {  // sign in: no session yet, so the Origin is what is checked
      CR_TRY(check_same_origin(req));
      CR_ASSIGN(json body, parse_json_object(req.body));
      CR_TRY(check_known_fields(body, {"email", "password"}));
      CR_ASSIGN(auto email, required_string(body, "email"));
      CR_ASSIGN(auto password, required_string(body, "password"));
      CR_ASSIGN(auto user, s_.accounts.authenticate_password(email, password));
      CR_TRY(sessions_.remove(cookie_value(req, kSessionCookie)));
      core::Session session;
      CR_ASSIGN(std::string token, sessions_.create(user, &session));
      CR_ASSIGN(json out, session_json(s_, session));
      Response r = Response::json(200, out);
      r.headers.emplace_back("Set-Cookie", session_cookie(token, sessions_.lifetime_seconds()));
      return r;
    }
    if (req.method == "DELETE") {  // sign out
      auto session = session_of(req);
      if (session.ok()) {
        CR_TRY(check_csrf(req, *session));
        CR_TRY(sessions_.remove(cookie_value(req, kSessionCookie)));
      }
      Response r = Response::json(200, {{"signedIn", false}});
      r.headers.emplace_back("Set-Cookie", expired_session_cookie());
      return r;
    }
    return Error::validation(req.method + " is not supported on " + req.path);
  };
  auto r = run();
  return r.ok() ? std::move(r).value() : amc::error_response(r.error(), req.request_id);
}

Response ConsoleFace::handle_api(Request& req) {
  if (req.path == "/console/api/session") return session_call(req);
  auto session = session_of(req);
  if (!session.ok()) return amc::error_response(session.error(), req.request_id);
  if (changes_state(req))
    if (Status s = check_csrf(req, *session); !s.ok())
      return amc::error_response(s.error(), req.request_id);

  // The rest of the path is the API's own.
  req.path = req.path.substr(kApiPrefix.size());
  req.target = req.target.substr(std::min(req.target.size(), kApiPrefix.size()));
  if (req.path == "/amc" || starts_with(req.path, "/amc/")) return routed(amc_router_, req);
  if (starts_with(req.path, "/cleanrooms/")) {
    auto account = aws_account(s_, session->user, req.header(kAwsAccountHeader));
    if (!account.ok()) return amc::error_response(account.error(), req.request_id);
    return cleanrooms_->handle(req, *account);
  }
  return routed(data_router_, req);
}

}  // namespace cleanroom::api::console
