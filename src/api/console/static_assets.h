#pragma once
// The console's static files (web/console), compiled into the binary by cmake/console.cmake,
// which generates the table below from the folder at build time.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cleanroom::api::console {

struct EmbeddedFile {
  const char* path;  // relative to web/console, e.g. "static/app.js"
  const unsigned char* data;
  size_t size;
};

// Defined in the generated console_assets.cpp.
extern const EmbeddedFile kConsoleFiles[];
extern const size_t kConsoleFileCount;

struct StaticAsset {
  std::string_view body;
  std::string content_type;
};

// The file at `path` (relative to web/console); none for unknown paths.
std::optional<StaticAsset> find_asset(std::string_view path);

}  // namespace cleanroom::api::console
