#include "api/http.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include "common/logging.h"

namespace cleanroom::api {

std::string Request::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

bool Request::has_header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return true;
  return false;
}

std::string Request::query_value(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? "" : it->second;
}

bool Request::has_query(const std::string& name) const { return query.count(name) > 0; }

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  // Text a caller sent that is not UTF-8 (a path, a header, a query parameter) can be quoted in a
  // message; it is sent as U+FFFD rather than failing the response.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  r.content_type.clear();
  return r;
}

std::string shown_message(const Error& e) {
  if (e.kind != ErrorKind::Internal) return e.message;
  // One line, whatever the detail quotes (DuckDB errors span lines; a path may not be UTF-8).
  spdlog::error("internal error: {}", logging::printable(e.message));
  std::string id = logging::context_value("requestId");
  return id.empty() ? "internal error"
                    : "internal error; the server's log has its detail under request id " + id;
}

}  // namespace cleanroom::api
