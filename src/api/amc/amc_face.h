#pragma once
// The AMC face: /amc/... JSON over HTTP with Amazon-Advertising-API-* headers and a bearer
// token, as in the reference document.
#include "api/http.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

class AmcFace {
 public:
  explicit AmcFace(core::Services& services);
  Response handle(Request& req);

 private:
  // Resolves the four headers to a caller, or an error response.
  Result<core::AmcCaller> caller(const Request& req);
  // Only Authorization and ClientId: for calls made before the user belongs to an AMC account.
  Result<catalog::UserRecord> user(const Request& req);
  // The routes that act as a user before it belongs to an AMC account (/amc/accounts,
  // /amc/invitations...).
  void add_user_routes();

  core::Services& s_;
  Router router_;
};

// {"message", "requestId"} with the status of the error's kind (amc-api-facts.md, "Errors").
Response error_response(const Error& e, const std::string& request_id);

// A route's handler: resolving the caller, parsing, the core call and rendering may each fail;
// any error is rendered by error_response.
Handler guarded(std::function<Result<Response>(Request&)> fn);

// The `limit` query parameter of a list route: 1..100, 100 when absent.
Result<int> limit_of(const Request& req);

}  // namespace cleanroom::api::amc
