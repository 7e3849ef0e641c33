#include "api/router.h"

namespace cleanroom::api {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, pattern, split_path(pattern), std::move(handler)});
}

std::optional<Handler> Router::match(Request& req, bool* path_known) const {
  auto segs = split_path(req.path);
  *path_known = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = segs[i];
      else
        ok = p == segs[i];
    }
    if (!ok) continue;
    if (r.method != req.method) {
      *path_known = true;
      continue;
    }
    req.params = std::move(params);
    req.operation = r.method + " " + r.pattern;
    return r.handler;
  }
  return std::nullopt;
}

}  // namespace cleanroom::api
