#pragma once
// The files queries read: dataset versions and ID mapping files, at DATA_DIR-relative paths
// ("datasets/<account>/<db>/<table>/<file>", "idmappings/..."), each written once and never
// changed. On one node they live in DATA_DIR. With a dataset store (several nodes,
// docs/deployment.md) each is also written to the store before the catalog names it, so nothing a
// query needs lives only on one node's disk; a node fetches what it lacks into DATA_DIR, which is
// then a read-only cache, and sweeps from it what the catalog no longer names.
#include <string>
#include <vector>

#include "core/context.h"
#include "core/difference_checks.h"
#include "data/ingest.h"

namespace cleanroom::core {

// With a dataset store recorded in the catalog, the process must reach it (--s3-endpoint): a file
// or a bucket it made otherwise would live on this machine only, where the other nodes never look.
Status require_dataset_store(const Context& ctx);
// With a store: writes the file at `local_path` to it under `relative`, before the catalog row
// that names it is committed and outside that transaction (a long copy must not hold the
// catalog's writer lock). `relative` must be a name no file ever had, so that no node's cached
// copy of it can be stale: see unique_file_name. Without a store: nothing to do.
Status store_file(const Context& ctx, const std::string& local_path, const std::string& relative);
// Makes `bucket` of `store` (the S3 endpoint) the dataset store (serve --dataset-bucket): creates
// it when missing and records it in the catalog as the server's, so that no account can ever be
// given it (refuse_dataset_bucket) and every process opening the catalog uses it. The first time,
// the files this node holds are copied there. Refused when an account owns the bucket, or when
// the catalog keeps its datasets in another bucket.
Status use_dataset_store(Context& ctx, std::shared_ptr<delivery::ObjectStore> store,
                         const std::string& bucket);
// Every process opening a catalog that keeps its datasets in a bucket uses it too: `s3` is the
// S3 endpoint's store, or null when none was given (then whatever reads or writes a dataset file
// is refused with a Validation error naming --s3-endpoint).
Status resume_dataset_store(Context& ctx, std::shared_ptr<delivery::ObjectStore> s3);
// The rule, in one place: the bucket holding every party's datasets is nobody's. Validation
// naming `field` when `bucket` is it.
Status refuse_dataset_bucket(catalog::Tx& tx, const std::string& bucket, const std::string& field);

// The dataset store as the difference checks' shared store (core/difference_checks.h).
DifferenceChecks::SharedStore shared_history(const Context& ctx);

// A file name never used before ("<uuid>.parquet") when there is a store; "" when there is none.
std::string unique_file_name(const Context& ctx);

// Makes each of `paths` (absolute, under DATA_DIR) present on this node, fetching from the store
// what another node wrote. Without a store a missing file is the store's fault (Internal).
Status ensure_local(const Context& ctx, const std::vector<std::string>& paths);

// Removes a file, or every file below a folder but `keep` (a relative path, or ""), here and in
// the store. What this node cannot remove is left to the next sweep; the store's refusal is the
// error.
Status remove_files(const Context& ctx, const std::string& relative, const std::string& keep = "");

// With a store: removes from this node's cache the files no catalog row names any more (older
// versions, deleted data sets, users' deletions done on another node) once untouched for
// `min_age_seconds`, so that a query still reading an older version keeps it. Returns how many.
Result<int64_t> sweep_cache(const Context& ctx, int64_t min_age_seconds);

}  // namespace cleanroom::core
