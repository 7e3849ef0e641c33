#include "api/console/result_download.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cleanroom::api::console {
namespace fs = std::filesystem;

Result<Response> result_file(core::Services& s, const std::string& location,
                             const std::string& basename) {
  auto object = delivery::ObjectStore::parse_location(location);
  if (!object) return Error::internal("result location '" + location + "' is not s3://bucket/key");
  const auto& [bucket, key] = *object;
  CR_ASSIGN(data::StagedFile copy, core::fetch_object(s.ctx, bucket, key));
  const std::string& path = copy.path();
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Error::internal("cannot read the copy of " + location + ": " + ec.message());
  if (static_cast<int64_t>(size) > kMaxResultDownloadBytes)
    return Error::validation("the result is " + std::to_string(size / (1024 * 1024)) +
                             " MiB, more than the console hands out (64 MiB); read it from " +
                             location);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();

  std::string name;  // only what needs no quoting in a header
  for (char c : basename)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') name += c;
  const bool parquet = key.size() >= 8 && key.substr(key.size() - 8) == ".parquet";
  Response r;
  r.content_type = parquet ? "application/vnd.apache.parquet" : "text/csv; charset=utf-8";
  r.body = body.str();
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + name + (parquet ? ".parquet" : ".csv") + "\"");
  return r;
}

}  // namespace cleanroom::api::console
