#pragma once
// The web console, served under /console by `cleanroom serve` itself (docs/console.md):
//   /console/...                 the single-page app (web/console, compiled in); unknown paths
//                                answer its index.html so that deep links work
//   /console/static/<file>       its CSS, JavaScript modules and images
//   /console/api/session         GET who is signed in, POST sign in, DELETE sign out
//   /console/api/amc/...         the AMC face's instance, account and reporting calls, acting in
//                                the AMC account of the X-Amc-Account header
//   /console/api/cleanrooms/...  the Clean Rooms REST paths the console uses, acting as the AWS
//                                account of the X-Aws-Account header
//   /console/api/datasets, /console/api/results/...   the account's datasets; result downloads
// A session cookie stands in for the bearer token and the SigV4 signature; everything else goes
// through the same core calls, and errors carry the same messages, as the API's.
#include <memory>

#include "api/http.h"
#include "api/router.h"
#include "core/console_sessions.h"
#include "core/core.h"

namespace cleanroom::api::console {

class CleanRoomsCalls;

class ConsoleFace {
 public:
  explicit ConsoleFace(core::Services& services);
  ~ConsoleFace();
  Response handle(Request& req);

 private:
  Response serve_static(const Request& req);
  Response handle_api(Request& req);
  Response session_call(Request& req);
  // The live session of the request's cookie; Unauthenticated otherwise.
  Result<core::Session> session_of(const Request& req);

  core::Services& s_;
  core::ConsoleSessions sessions_;
  Router amc_router_;   // patterns /amc/..., as the AMC face's
  Router data_router_;  // /datasets, /results/...
  std::unique_ptr<CleanRoomsCalls> cleanrooms_;
};

}  // namespace cleanroom::api::console
