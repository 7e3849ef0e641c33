#pragma once
// The browser-facing defences of the console: the session cookie, the same-origin and CSRF
// checks of state-changing requests, and the security headers of every response.
#include <string>

#include "api/http.h"
#include "common/error.h"
#include "core/console_sessions.h"

namespace cleanroom::api::console {

inline constexpr const char* kSessionCookie = "cleanroom_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The value of a cookie of the request; "" when absent.
std::string cookie_value(const Request& req, const std::string& name);
// Set-Cookie values: the session (HttpOnly, SameSite=Strict, Path=/console) and its removal.
std::string session_cookie(const std::string& token, int64_t max_age_seconds);
std::string expired_session_cookie();

bool changes_state(const Request& req);
// The request comes from a page of this server: Origin (or, without it, Referer) names the Host
// the request was sent to. Browsers send Origin with every cross-site POST, PUT, PATCH, DELETE.
Status check_same_origin(const Request& req);
// State-changing calls of a session echo its CSRF token (compared in constant time) and send
// JSON, which a cross-site form cannot.
Status check_csrf(const Request& req, const core::Session& session);

// Content-Security-Policy (no inline script, no framing), nosniff, no caching of API answers.
void add_security_headers(Response& res, bool cacheable);

}  // namespace cleanroom::api::console
