#pragma once
// Opening a data dir (DESIGN.md "Storage"): the metadata store, the master key, and the core
// services over them. Shared by `serve` and `admin`.
#include <memory>
#include <string>

#include "catalog/database.h"
#include "common/error.h"
#include "core/core.h"

namespace cleanroom::cli {

struct DataDir {
  std::string path;
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;

  std::string credentials_path() const { return path + "/credentials.json"; }
};

Result<std::unique_ptr<DataDir>> open_data_dir(const std::string& path);

// Writes the first-start credentials (mode 0600) unless the file already exists.
Status write_credentials_file(DataDir& dir, const std::string& endpoint);

}  // namespace cleanroom::cli
