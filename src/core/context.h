#pragma once
// What every core service needs: the metadata store, the key that seals secrets at rest, and
// the data dir that holds datasets and local buckets (DESIGN.md "Storage").
#include <string>

#include "catalog/database.h"

namespace cleanroom::core {

struct Context {
  catalog::Database& db;
  std::string master_key;
  std::string data_dir;  // absolute, without a trailing slash
};

}  // namespace cleanroom::core
