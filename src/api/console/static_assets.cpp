#include "api/console/static_assets.h"

namespace cleanroom::api::console {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string content_type_of(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

std::optional<StaticAsset> find_asset(std::string_view path) {
  for (size_t i = 0; i < kConsoleFileCount; ++i) {
    const EmbeddedFile& f = kConsoleFiles[i];
    if (path == f.path)
      return StaticAsset{{reinterpret_cast<const char*>(f.data), f.size}, content_type_of(path)};
  }
  return std::nullopt;
}

}  // namespace cleanroom::api::console
