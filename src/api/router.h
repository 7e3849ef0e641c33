#pragma once
// Routes "METHOD /literal/{param}/..." patterns to handlers, for the faces with hand-written
// paths (AMC, admin). The Clean Rooms face routes by the service model instead.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"

namespace cleanroom::api {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Handler handler);
  // Fills req.params and req.operation ("METHOD pattern") and returns the handler; nullopt when
  // no pattern matches the path.
  // `path_known` tells whether some route has this path under another method.
  std::optional<Handler> match(Request& req, bool* path_known) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace cleanroom::api
