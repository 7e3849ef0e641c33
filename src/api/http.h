#pragma once
// The server's own view of an HTTP exchange, so faces do not depend on the HTTP library.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cleanroom::api {

struct Request {
  std::string method;
  std::string path;    // percent-decoded
  std::string target;  // as received: raw path and query
  std::string raw_query;
  std::multimap<std::string, std::string> query;  // decoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::map<std::string, std::string> params;  // path parameters of the matched route
  std::string request_id;
  // What the request asked for, in words from a bounded set (metrics label it with them): the
  // Clean Rooms operation's name, or "METHOD /route/{pattern}" of the route that matched; "" until
  // one matched.
  std::string operation;

  // First value of a header, case-insensitively; "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  std::string query_value(const std::string& name) const;
  bool has_query(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, const nlohmann::json& body);
  static Response empty(int status);
};

// The message a face shows for an error: its own, except an Internal error's, which can name the
// server's files or quote another party's data. That one is logged (with the request id, from the
// thread's log context) and the caller is told the request id to give the operator.
std::string shown_message(const Error& e);

}  // namespace cleanroom::api
