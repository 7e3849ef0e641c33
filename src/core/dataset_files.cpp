#include "core/dataset_files.h"

#include <filesystem>
#include <set>

#include "catalog/buckets_repo.h"
#include "catalog/datasets_repo.h"
#include "catalog/settings_repo.h"
#include "common/crypto.h"

namespace cleanroom::core {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDatasetBucketSetting = "dataset_bucket";

// The folders under DATA_DIR whose files are written once and may be cached.
constexpr const char* kFileFolders[] = {"datasets", "idmappings"};

Result<std::string> relative_of(const Context& ctx, const std::string& path) {
  const std::string root = ctx.data_dir + "/";
  if (path.rfind(root, 0) != 0) return Error::internal(path + " is not under the data dir");
  return path.substr(root.size());
}

// A file of ours, not a staged upload or a fetch in progress (".staging-…", "….part-…").
bool written_file(const fs::directory_entry& entry) {
  std::error_code ec;
  const std::string name = entry.path().filename().string();
  return entry.is_regular_file(ec) && !name.empty() && name[0] != '.' &&
         name.find(".part-") == std::string::npos;
}

}  // namespace

Status require_dataset_store(const Context& ctx) {
  if (ctx.dataset_store || ctx.dataset_bucket.empty()) return {};
  return Error::validation("this catalog keeps its datasets in bucket '" + ctx.dataset_bucket +
                               "' of an S3 endpoint: give --s3-endpoint",
                           "s3-endpoint");
}

Status use_dataset_store(Context& ctx, std::shared_ptr<delivery::ObjectStore> store,
                         const std::string& bucket) {
  CR_TRY(delivery::check_bucket_name(bucket));
  CR_TRY(store->create_bucket(bucket));
  CR_ASSIGN(bool first, ctx.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto owned, catalog::buckets_repo::find(tx, bucket));
    if (owned)
      return Error::validation("bucket '" + bucket + "' belongs to account " + owned->account_id +
                                   "; the datasets need a bucket of their own",
                               "dataset-bucket");
    CR_ASSIGN(auto recorded, catalog::settings_repo::get(tx, kDatasetBucketSetting));
    if (recorded && *recorded != bucket)
      return Error::validation(
          "this catalog keeps its datasets in bucket '" + *recorded + "', not '" + bucket + "'",
          "dataset-bucket");
    if (!recorded) CR_TRY(catalog::settings_repo::put(tx, kDatasetBucketSetting, bucket));
    return !recorded;
  }));
  ctx.dataset_store = std::move(store);
  ctx.dataset_bucket = bucket;
  if (!first) return {};
  // A node that ran alone until now: what it holds goes to the store, so other nodes can read it.
  CR_ASSIGN(auto named,
            ctx.db.read<std::vector<std::string>>(catalog::datasets_repo::referenced_paths));
  for (const auto& relative : named) {
    std::error_code ec;
    const std::string local = ctx.data_dir + "/" + relative;
    if (fs::exists(local, ec)) CR_TRY(store_file(ctx, local, relative));
  }
  return {};
}

Status resume_dataset_store(Context& ctx, std::shared_ptr<delivery::ObjectStore> s3) {
  CR_ASSIGN(auto recorded, ctx.db.read<std::optional<std::string>>([](catalog::Tx& tx) {
    return catalog::settings_repo::get(tx, kDatasetBucketSetting);
  }));
  if (!recorded) return {};
  // Without the endpoint the process can still do what needs no dataset (the admin's account
  // commands); what reads or writes one is refused (require_dataset_store).
  ctx.dataset_store = std::move(s3);
  ctx.dataset_bucket = *recorded;
  return {};
}

Status refuse_dataset_bucket(catalog::Tx& tx, const std::string& bucket, const std::string& field) {
  CR_ASSIGN(auto reserved, catalog::settings_repo::get(tx, kDatasetBucketSetting));
  if (reserved && *reserved == bucket)
    return Error::validation(
        "bucket '" + bucket + "' holds the server's datasets; it cannot belong to an account",
        field);
  return {};
}

DifferenceChecks::SharedStore shared_history(const Context& ctx) {
  return [&ctx] { return std::make_pair(ctx.dataset_store.get(), ctx.dataset_bucket); };
}

std::string unique_file_name(const Context& ctx) {
  return ctx.dataset_bucket.empty() ? std::string() : crypto::uuid4() + ".parquet";
}

Status store_file(const Context& ctx, const std::string& local_path, const std::string& relative) {
  CR_TRY(require_dataset_store(ctx));
  if (!ctx.dataset_store) return {};
  Status put = ctx.dataset_store->put_file(ctx.dataset_bucket, relative, local_path,
                                           "application/vnd.apache.parquet");
  if (!put.ok())
    return Error::internal("cannot write " + relative +
                           " to the dataset store: " + put.error().message);
  return {};
}

Status ensure_local(const Context& ctx, const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::exists(path, ec)) continue;
    CR_TRY(require_dataset_store(ctx));
    if (!ctx.dataset_store) return Error::internal("the data dir has lost " + path);
    CR_ASSIGN(std::string relative, relative_of(ctx, path));
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return Error::internal("cannot create the folder of " + path + ": " + ec.message());
    // Written beside the path and renamed into place: two queries fetching it at once each
    // leave a whole file.
    Status got = ctx.dataset_store->get_file(ctx.dataset_bucket, relative, path);
    if (!got.ok())
      return Error::internal("cannot fetch " + relative +
                             " from the dataset store: " + got.error().message);
  }
  return {};
}

Status remove_files(const Context& ctx, const std::string& relative, const std::string& keep) {
  const fs::path local = fs::path(ctx.data_dir) / relative;
  const fs::path kept = keep.empty() ? fs::path() : fs::path(ctx.data_dir) / keep;
  std::error_code ec;
  if (keep.empty()) {
    fs::remove_all(local, ec);  // the folder with it
  } else if (fs::is_directory(local, ec)) {
    for (auto it = fs::recursive_directory_iterator(local, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code ignored;
      if (written_file(*it) && it->path() != kept) fs::remove(it->path(), ignored);
    }
  } else {
    fs::remove(local, ec);
  }
  CR_TRY(require_dataset_store(ctx));
  if (!ctx.dataset_store) return {};
  CR_ASSIGN(auto objects, ctx.dataset_store->list(ctx.dataset_bucket, relative));
  for (const auto& o : objects) {
    const bool below = o.key == relative || o.key.rfind(relative + "/", 0) == 0;
    if (below && o.key != keep) CR_TRY(ctx.dataset_store->remove(ctx.dataset_bucket, o.key));
  }
  return {};
}

Result<int64_t> sweep_cache(const Context& ctx, int64_t min_age_seconds) {
  if (!ctx.dataset_store) return int64_t{0};
  CR_ASSIGN(auto named,
            ctx.db.read<std::vector<std::string>>(catalog::datasets_repo::referenced_paths));
  const std::set<std::string> kept(named.begin(), named.end());
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::seconds(min_age_seconds);
  int64_t removed = 0;
  for (const char* folder : kFileFolders) {
    const fs::path root = fs::path(ctx.data_dir) / folder;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!written_file(*it)) continue;
      std::error_code entry_ec;
      const std::string relative =
          fs::relative(it->path(), ctx.data_dir, entry_ec).generic_string();
      if (entry_ec || kept.count(relative) || it->last_write_time(entry_ec) > cutoff || entry_ec)
        continue;
      if (fs::remove(it->path(), entry_ec)) ++removed;
    }
  }
  return removed;
}

}  // namespace cleanroom::core
