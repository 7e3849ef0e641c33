#pragma once
// Where an engine spills when its memory limit is reached (DuckDB's temp_directory): a folder of
// its own under a root (DATA_DIR/tmp), readable by this user only, removed when the engine
// closes. Its name carries the process id (common/dead_owner.h), so that a later start removes
// what a killed process left, and never a live process's folder.
//
// What lands there is the engine's intermediate data: rows after the projection that reads them
// (an upload's identities are hashed by then), hash tables and sorted runs of a query, for as
// long as the statement runs. It lives under the data dir, which holds the datasets themselves.
#include <string>

#include "common/error.h"

namespace cleanroom::engine {

class SpillDirectory {
 public:
  static Result<SpillDirectory> create(const std::string& root);
  ~SpillDirectory();
  SpillDirectory(SpillDirectory&& other) noexcept;
  SpillDirectory& operator=(SpillDirectory&& other) noexcept;
  SpillDirectory(const SpillDirectory&) = delete;
  SpillDirectory& operator=(const SpillDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit SpillDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Removes the spill folders under `root` of processes that no longer run.
Status remove_abandoned_spill(const std::string& root);

}  // namespace cleanroom::engine
