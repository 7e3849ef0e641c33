#pragma once
// What every core service needs: the metadata store, the key that seals secrets at rest, and
// the data dir that holds datasets and local buckets (DESIGN.md "Storage").
#include <memory>
#include <string>

#include "catalog/database.h"
#include "delivery/object_store.h"

namespace cleanroom::core {

struct Context {
  catalog::Database& db;
  std::string master_key;
  std::string data_dir;  // absolute, without a trailing slash
  // The buckets datasets are registered from and results delivered to: the local bucket folder
  // DATA_DIR/buckets, or the S3 endpoint given to `serve`.
  std::shared_ptr<delivery::ObjectStore> buckets;
};

// Where the engines of this data dir spill when a task outgrows its memory limit
// (engine/spill_directory.h): each engine a folder of its own below it.
inline std::string spill_root(const Context& ctx) { return ctx.data_dir + "/tmp"; }

}  // namespace cleanroom::core
