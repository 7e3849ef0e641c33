#include "api/console/request_guard.h"

#include <strings.h>

#include "common/crypto.h"

namespace cleanroom::api::console {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "http://host:port" of an Origin or Referer value; "" when it has no scheme.
std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

}  // namespace

std::string cookie_value(const Request& req, const std::string& name) {
  for (const auto& [k, v] : req.headers) {
    if (strcasecmp(k.c_str(), "Cookie") != 0) continue;
    size_t i = 0;
    while (i <= v.size()) {
      size_t j = v.find(';', i);
      if (j == std::string::npos) j = v.size();
      std::string part = trim(v.substr(i, j - i));
      auto eq = part.find('=');
      if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
      i = j + 1;
    }
  }
  return "";
}

std::string session_cookie(const std::string& token, int64_t max_age_seconds) {
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
}

std::string expired_session_cookie() {
  return std::string(kSessionCookie) + "=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0";
}

bool changes_state(const Request& req) { return req.method != "GET" && req.method != "HEAD"; }

Status check_same_origin(const Request& req) {
  const std::string host = req.header("Host");
  std::string origin = req.header("Origin");
  if (origin.empty()) origin = origin_of(req.header("Referer"));
  if (host.empty() || origin.empty())
    return Error::access_denied(
        "the request names no Origin; the console accepts changes only from its own pages");
  if (origin != "http://" + host && origin != "https://" + host)
    return Error::access_denied("the request comes from another site (" + origin +
                                "); the console accepts changes only from its own pages");
  return {};
}

Status check_csrf(const Request& req, const core::Session& session) {
  CR_TRY(check_same_origin(req));
  const std::string token = req.header(kCsrfHeader);
  if (token.empty() || !crypto::equal_ct(token, session.csrf_token))
    return Error::access_denied(std::string("the ") + kCsrfHeader +
                                " header is missing or wrong; reload the page");
  if (!req.body.empty() && req.header("Content-Type").rfind("application/json", 0) != 0)
    return Error::validation("the console's calls send JSON (Content-Type: application/json)",
                             "Content-Type");
  return {};
}

void add_security_headers(Response& res, bool cacheable) {
  res.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  res.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  res.headers.emplace_back("Cache-Control", cacheable ? "no-cache" : "no-store");
}

}  // namespace cleanroom::api::console
