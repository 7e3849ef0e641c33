#pragma once
// Console sign-in sessions. A session is a random token in an HttpOnly cookie; the catalog keeps
// only the token's SHA-256, so a copy of the catalog holds no usable cookie, and every node of a
// deployment knows every session (a load balancer may send each request anywhere). Each session
// has its own CSRF token, which every state-changing request must echo in a header. A session's
// user is read afresh with it, so a user removed meanwhile has no session.
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/accounts_repo.h"
#include "core/context.h"

namespace cleanroom::core {

struct SessionOptions {
  int64_t idle_seconds = 60 * 60;           // signed out after an hour without a request
  int64_t lifetime_seconds = 12 * 60 * 60;  // and after twelve hours whatever happens
  int64_t max_sessions = 10000;             // the oldest go first beyond this
  // A request moves the idle clock at most this often (a write to the catalog each time).
  int64_t touch_every_seconds = 60;
};

using Session = catalog::accounts_repo::SessionRecord;

class ConsoleSessions {
 public:
  explicit ConsoleSessions(Context& ctx, SessionOptions options = {})
      : ctx_(ctx), options_(options) {}

  // A new session for the user; returns the cookie token (shown once, stored hashed).
  Result<std::string> create(const catalog::UserRecord& user, Session* out);
  // The live session of a cookie token, its idle clock restarted; none when unknown or expired.
  Result<std::optional<Session>> find(const std::string& token);
  Status remove(const std::string& token);
  int64_t lifetime_seconds() const { return options_.lifetime_seconds; }

 private:
  bool expired(const Session& s, int64_t now) const;

  Context& ctx_;
  SessionOptions options_;
};

}  // namespace cleanroom::core
