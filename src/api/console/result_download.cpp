#include "api/console/result_download.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace cleanroom::api::console {
namespace fs = std::filesystem;

Result<Response> result_file(core::Services& s, const std::string& location,
                             const std::string& basename) {
  const std::string scheme = "s3://";
  auto slash = location.find('/', scheme.size());
  if (location.rfind(scheme, 0) != 0 || slash == std::string::npos)
    return Error::internal("result location '" + location + "' is not s3://bucket/key");
  const std::string bucket = location.substr(scheme.size(), slash - scheme.size());
  const std::string key = location.substr(slash + 1);
  if (!s.ctx.buckets) return Error::internal("no object store is configured");

  // A private copy under DATA_DIR/staging, named so that remove_abandoned_uploads clears it
  // should this process die before removing it.
  const std::string dir = s.ctx.data_dir + "/staging";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::internal("cannot create " + dir + ": " + ec.message());
  const std::string path =
      dir + "/.staging-" + std::to_string(::getpid()) + "-" + crypto::uuid4() + "-result";
  struct RemoveOnExit {
    const std::string& path;
    ~RemoveOnExit() { ::unlink(path.c_str()); }
  } remove_on_exit{path};
  CR_TRY(s.ctx.buckets->get_file(bucket, key, path));
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
