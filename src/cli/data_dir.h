#pragma once
// Opening a data dir (DESIGN.md "Storage"): the metadata store, the master key, the buckets, and
// the core services over them. Shared by `serve`, `admin` and `upload`.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "catalog/database.h"
#include "common/error.h"
#include "core/core.h"
#include "delivery/object_store.h"

namespace cleanroom::cli {

struct DataDir {
  std::string path;
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;
  // The bucket configuration in one line, secret masked, for the start-up banner.
  std::string buckets_description;
  // Where the catalog is (DATA_DIR/meta.db or a PostgreSQL URL), password masked, likewise.
  std::string catalog_description;

  std::string credentials_path() const { return path + "/credentials.json"; }
  std::string buckets_path() const { return path + "/buckets"; }
};

// The catalog is DATA_DIR/meta.db unless `catalog` names another (catalog::Database::open: a
// file or a postgresql:// URL). Buckets are the local folder DATA_DIR/buckets unless an S3
// endpoint is given. Only `serve` runs queries and upload jobs, so only it passes their limits.
Result<std::unique_ptr<DataDir>> open_data_dir(
    const std::string& path, const std::string& catalog = "",
    const std::optional<delivery::S3Config>& s3 = std::nullopt,
    const core::QueryLimits& query_limits = {}, const core::UploadJobLimits& upload_limits = {});

// Writes the first-start credentials (mode 0600) unless the file already exists.
Status write_credentials_file(DataDir& dir, const std::string& endpoint);

// --catalog, as every command that opens a data dir takes it, default $CLEANROOM_CATALOG: a
// deployment of several nodes sets the variable once, and serve, admin, upload and match all
// open the same PostgreSQL catalog.
void add_catalog_option(CLI::App& cmd, std::string& catalog);

// --s3-endpoint and its credentials, as `serve`, `upload`, `match` and `admin bucket create` take
// them.
struct BucketOptions {
  std::string s3_endpoint;
  std::string s3_access_key_id;      // default: $AWS_ACCESS_KEY_ID
  std::string s3_secret_access_key;  // default: $AWS_SECRET_ACCESS_KEY
};
void add_bucket_options(CLI::App& cmd, BucketOptions& options);
// No value without --s3-endpoint; an error when the endpoint is not http(s) or a credential is
// missing.
Result<std::optional<delivery::S3Config>> s3_config(const BucketOptions& options);

}  // namespace cleanroom::cli
