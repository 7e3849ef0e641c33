#pragma once
// The operator's HTTP API (/admin/...), behind the operator's bearer token from credentials.json.
// The same operations as `cleanroom admin ...`.
#include "api/http.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::admin {

// The operator's bearer token, or Unauthenticated (none) / AccessDenied (another user's). What
// guards /admin and /metrics.
Status require_operator(core::Services& s, const Request& req);

class AdminFace {
 public:
  explicit AdminFace(core::Services& services);
  Response handle(Request& req);

 private:
  core::Services& s_;
  Router router_;
};

}  // namespace cleanroom::api::admin
