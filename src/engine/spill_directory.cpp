#include "engine/spill_directory.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/dead_owner.h"

namespace cleanroom::engine {
namespace fs = std::filesystem;

namespace {
constexpr const char* kSpillPrefix = "spill-";
}  // namespace

Result<SpillDirectory> SpillDirectory::create(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Error::internal("cannot create " + root + ": " + ec.message());
  std::string path = root + "/" + owned_name(kSpillPrefix);
  if (::mkdir(path.c_str(), 0700) != 0)
    return Error::internal("cannot create " + path + ": " + std::strerror(errno));
  return SpillDirectory(std::move(path));
}

SpillDirectory::~SpillDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;  // what cannot be removed now, the next start removes
  fs::remove_all(path_, ignored);
}

SpillDirectory::SpillDirectory(SpillDirectory&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

SpillDirectory& SpillDirectory::operator=(SpillDirectory&& other) noexcept {
  if (this != &other) {
    SpillDirectory old(std::move(*this));
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

Status remove_abandoned_spill(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) return {};
  for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code ignored;  // a folder another start removed first is no failure
    if (left_by_dead_process(it->path().filename().string(), kSpillPrefix))
      fs::remove_all(it->path(), ignored);
  }
  if (ec) return Error::internal("cannot scan " + root + ": " + ec.message());
  return {};
}

}  // namespace cleanroom::engine
