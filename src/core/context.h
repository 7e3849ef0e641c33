#pragma once
// What every core service needs: the metadata store, the key that seals secrets at rest, and
// the data dir that holds datasets and local buckets (DESIGN.md "Storage").
#include <memory>
#include <string>

#include "catalog/database.h"
#include "common/crypto.h"
#include "delivery/object_store.h"

namespace cleanroom::core {

struct Context {
  catalog::Database& db;
  std::string master_key;
  std::string data_dir;  // absolute, without a trailing slash
  // The buckets datasets are registered from and results delivered to: the local bucket folder
  // DATA_DIR/buckets, or the S3 endpoint given to `serve`.
  std::shared_ptr<delivery::ObjectStore> buckets;
  // Several nodes (docs/deployment.md): the store every dataset and mapping file is written to
  // once, under its DATA_DIR-relative path as the key, in this bucket; a node keeps what it reads
  // in DATA_DIR as a cache (core/dataset_files.h). Null: one node, the files live in DATA_DIR.
  std::shared_ptr<delivery::ObjectStore> dataset_store = nullptr;
  std::string dataset_bucket = {};
  // This process among the nodes of the catalog (core/node_presence.h): new at every start, so a
  // restarted node never mistakes what its previous life held for its own.
  std::string node_id = crypto::uuid4();
};

// A node beats every kNodeBeatMs; one silent for kNodeSilenceMs is taken for stopped, and the
// other nodes take over its queries (core/node_presence.h).
inline constexpr int64_t kNodeBeatMs = 2'000;
inline constexpr int64_t kNodeSilenceMs = 10'000;

// Where the engines of this data dir spill when a task outgrows its memory limit
// (engine/spill_directory.h): each engine a folder of its own below it.
inline std::string spill_root(const Context& ctx) { return ctx.data_dir + "/tmp"; }

}  // namespace cleanroom::core
