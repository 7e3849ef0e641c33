#include "cli/data_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "auth/secrets.h"
#include "core/dataset_files.h"
#include "engine/spill_directory.h"

namespace cleanroom::cli {
namespace fs = std::filesystem;

Result<std::unique_ptr<DataDir>> open_data_dir(const std::string& path, const std::string& catalog,
                                               const std::optional<delivery::S3Config>& s3,
                                               const core::QueryLimits& query_limits,
                                               const core::UploadJobLimits& upload_limits) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Error::internal("cannot create data dir " + path + ": " + ec.message());
  auto dir = std::make_unique<DataDir>();
  dir->path = fs::absolute(path).lexically_normal().string();
  if (!dir->path.empty() && dir->path.back() == '/') dir->path.pop_back();
  const std::string target = catalog.empty() ? dir->path + "/meta.db" : catalog;
  dir->catalog_description = catalog::describe_target(target);
  CR_ASSIGN(dir->db, catalog::Database::open(target));
  CR_ASSIGN(std::string key, auth::load_or_create_master_key(dir->path));
  CR_TRY(auth::check_master_key(*dir->db, key));
  std::shared_ptr<delivery::ObjectStore> buckets;
  if (s3) {
    buckets = delivery::s3_object_store(*s3);
    dir->buckets_description = "S3 endpoint " + s3->endpoint + " (region " + s3->region +
                               ", access key id " + s3->access_key_id + ", secret access key ****)";
  } else {
    fs::create_directories(dir->buckets_path(), ec);
    if (ec) return Error::internal("cannot create " + dir->buckets_path() + ": " + ec.message());
    buckets = delivery::local_object_store(dir->buckets_path());
    dir->buckets_description = "local folder " + dir->buckets_path() + " (one folder per bucket)";
  }
  dir->ctx = std::make_unique<core::Context>(core::Context{*dir->db, key, dir->path, buckets});
  CR_TRY(core::resume_dataset_store(*dir->ctx, s3 ? buckets : nullptr));
  dir->services = std::make_unique<core::Services>(*dir->ctx, query_limits, upload_limits);
  CR_TRY(dir->services->datasets.remove_abandoned_uploads());
  CR_TRY(engine::remove_abandoned_spill(core::spill_root(*dir->ctx)));
  return dir;
}

Status write_credentials_file(DataDir& dir, const std::string& endpoint) {
  const std::string path = dir.credentials_path();
  bool exists = fs::exists(path);
  // A lost file means a lost operator token (only its hash is stored): issue a new one.
  CR_ASSIGN(auto creds, dir.services->accounts.ensure_platform(!exists));
  if (exists) return {};
  nlohmann::json accounts = nlohmann::json::array();
  for (const auto& [account, key] : creds.accounts)
    accounts.push_back({{"role", account.role.role},
                        {"displayName", account.role.display_name},
                        {"accountId", account.account_id},
                        {"accessKeyId", key.access_key_id},
                        {"secretAccessKey", key.secret_access_key}});
  nlohmann::json doc = {
      {"endpoint", endpoint},
      {"region", "us-east-1"},
      {"operator", {{"email", creds.operator_email}, {"bearerToken", creds.operator_token}}},
      {"platformAccounts", accounts}};
  std::string text = doc.dump(2) + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Error::internal("cannot create " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return Error::internal("cannot write " + path);
  return {};
}

void add_catalog_option(CLI::App& cmd, std::string& catalog) {
  cmd.add_option("--catalog", catalog,
                 "Where the catalog is: a SQLite file, or postgresql://USER:PASSWORD@HOST:PORT/DB "
                 "for a catalog shared by several nodes (default: $CLEANROOM_CATALOG, else "
                 "DATA_DIR/meta.db; prefer the variable for a password, command lines are "
                 "visible to other users)")
      ->envname("CLEANROOM_CATALOG");
}

void add_bucket_options(CLI::App& cmd, BucketOptions& options) {
  cmd.add_option("--s3-endpoint", options.s3_endpoint,
                 "S3-compatible endpoint (http[s]://HOST[:PORT], path-style) for buckets; default: "
                 "the local folder DATA_DIR/buckets");
  cmd.add_option("--s3-access-key-id", options.s3_access_key_id,
                 "Access key id for --s3-endpoint (default: $AWS_ACCESS_KEY_ID)");
  cmd.add_option("--s3-secret-access-key", options.s3_secret_access_key,
                 "Secret access key for --s3-endpoint (default: $AWS_SECRET_ACCESS_KEY; prefer the "
                 "variable, command lines are visible to other users)");
}

Result<std::optional<delivery::S3Config>> s3_config(const BucketOptions& options) {
  if (options.s3_endpoint.empty()) {
    if (!options.s3_access_key_id.empty() || !options.s3_secret_access_key.empty())
      return Error::validation("--s3-access-key-id and --s3-secret-access-key need --s3-endpoint");
    return std::optional<delivery::S3Config>();
  }
  delivery::S3Config config;
  config.endpoint = options.s3_endpoint;
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  if (config.endpoint.rfind("http://", 0) != 0 && config.endpoint.rfind("https://", 0) != 0)
    return Error::validation("--s3-endpoint must be an http:// or https:// URL, not '" +
                             options.s3_endpoint + "'");
  auto from_env = [](const std::string& given, const char* variable) {
    if (!given.empty()) return given;
    const char* value = std::getenv(variable);
    return std::string(value ? value : "");
  };
  config.access_key_id = from_env(options.s3_access_key_id, "AWS_ACCESS_KEY_ID");
  config.secret_access_key = from_env(options.s3_secret_access_key, "AWS_SECRET_ACCESS_KEY");
  if (config.access_key_id.empty() || config.secret_access_key.empty())
    return Error::validation(
        "--s3-endpoint needs credentials: --s3-access-key-id and --s3-secret-access-key, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
  return std::optional<delivery::S3Config>(config);
}

}  // namespace cleanroom::cli
