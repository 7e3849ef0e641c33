#pragma once
// Console sign-in sessions. A session is a random token in an HttpOnly cookie; the server keeps
// only the token's SHA-256, in memory, so a restart signs everybody out and a leaked memory dump
// holds no usable cookie. Each session has its own CSRF token, which every state-changing
// request must echo in a header.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "catalog/accounts_repo.h"

namespace cleanroom::api::console {

struct SessionOptions {
  int64_t idle_seconds = 60 * 60;           // signed out after an hour without a request
  int64_t lifetime_seconds = 12 * 60 * 60;  // and after twelve hours whatever happens
  size_t max_sessions = 10000;              // the oldest go first beyond this
};

struct Session {
  catalog::UserRecord user;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen = 0;
};

class SessionStore {
 public:
  explicit SessionStore(SessionOptions options = {}) : options_(options) {}

  // A new session for the user; returns the cookie token (shown once, stored hashed).
  std::string create(const catalog::UserRecord& user, Session* out);
  // The live session of a cookie token, its idle clock restarted; none when unknown or expired.
  std::optional<Session> find(const std::string& token);
  void remove(const std::string& token);
  int64_t lifetime_seconds() const { return options_.lifetime_seconds; }

 private:
  bool expired(const Session& s, int64_t now) const;
  void prune(int64_t now);  // with mu_ held

  SessionOptions options_;
  std::mutex mu_;
  std::map<std::string, Session> by_hash_;  // sha256(token) -> session
};

}  // namespace cleanroom::api::console
