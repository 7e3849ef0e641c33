#include "core/datasets.h"

#include <filesystem>
#include <regex>
#include <thread>

#include "catalog/accounts_repo.h"
#include "common/clock.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
using catalog::DatasetRecord;
using catalog::Tx;

namespace {

// The service model's GlueDatabaseName and GlueTableName patterns (max 128): they also keep the
// names safe as folder names.
Status check_names(const UploadRequest& req) {
  static const std::regex database("[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?");
  static const std::regex table("[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?");
  if (req.database_name.size() > 128 || !std::regex_match(req.database_name, database))
    return Error::validation(
        "database name '" + req.database_name + "' must match " +
            "[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))? (at most 128 characters)",
        "databaseName");
  if (req.table_name.size() > 128 || !std::regex_match(req.table_name, table))
    return Error::validation(
        "table name '" + req.table_name + "' must match " +
            "[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))? (at most 128 characters)",
        "tableName");
  return {};
}

// S3's bucket naming rules, which the local bucket folders follow too.
Status check_bucket(const std::string& bucket, const std::string& key) {
  static const std::regex name("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  if (!std::regex_match(bucket, name) || bucket.find("..") != std::string::npos)
    return Error::validation("'" + bucket + "' is not a valid bucket name", "bucket");
  if (key.empty() || key.front() == '/' ||
      fs::path(key).lexically_normal().string().rfind("..", 0) == 0)
    return Error::validation("'" + key + "' is not a valid key", "key");
  return {};
}

// Splits at the commas outside parentheses, then each item at its first ':'.
Result<std::vector<std::pair<std::string, std::string>>> name_value_list(const std::string& text,
                                                                         const std::string& field) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string item;
  int depth = 0;
  auto flush = [&]() -> Status {
    auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
      return Error::validation(
          field + " expects name:value items separated by commas, not '" + item + "'", field);
    out.emplace_back(item.substr(0, colon), item.substr(colon + 1));
    item.clear();
    return {};
  };
  for (char c : text) {
    if (c == '(') depth++;
    if (c == ')') depth--;
    if (c == ',' && depth == 0) {
      CR_TRY(flush());
    } else {
      item += c;
    }
  }
  if (!item.empty()) CR_TRY(flush());
  return out;
}

std::string table_dir(const std::string& account, const UploadRequest& req) {
  return "datasets/" + account + "/" + req.database_name + "/" + req.table_name;
}

}  // namespace

DatasetService::DatasetService(Context& ctx) : ctx_(ctx) {
  engine_options_.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  engine_options_.memory_limit = "2GB";
}

Result<DatasetRecord> DatasetService::upload(const std::string& caller, const UploadRequest& req) {
  return ingest_and_commit(caller, req, req.source_path, "");
}

Result<DatasetRecord> DatasetService::register_from_bucket(const std::string& caller,
                                                           const std::string& bucket,
                                                           const std::string& key,
                                                           const UploadRequest& req) {
  CR_TRY(check_bucket(bucket, key));
  std::string path = ctx_.data_dir + "/buckets/" + bucket + "/" + key;
  if (!fs::is_regular_file(path)) return Error::not_found("OBJECT", bucket + "/" + key);
  return ingest_and_commit(caller, req, path, bucket);
}

Result<DatasetRecord> DatasetService::ingest_and_commit(const std::string& caller,
                                                        const UploadRequest& req,
                                                        const std::string& source_path,
                                                        const std::string& bucket) {
  CR_TRY(check_names(req));
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto account, catalog::accounts_repo::find_account(tx, caller));
    if (!account) return Error::not_found("ACCOUNT", caller);
    return true;
  })));

  const std::string relative_dir = table_dir(caller, req);
  data::IngestRequest ingest{source_path,  req.format,     req.columns,
                             req.pii,      req.country,    ctx_.data_dir + "/" + relative_dir,
                             req.progress, engine_options_};
  // The long part runs outside any transaction: nothing is locked while the data is copied.
  CR_ASSIGN(data::IngestResult staged, data::ingest(ingest));

  return ctx_.db.write<DatasetRecord>([&](Tx& tx) -> Result<DatasetRecord> {
    CR_ASSIGN(auto current,
              catalog::datasets_repo::find(tx, caller, req.database_name, req.table_name));
    int64_t now = now_epoch_seconds();
    DatasetRecord d;
    d.account_id = caller;
    d.database_name = req.database_name;
    d.table_name = req.table_name;
    d.version = current ? current->version + 1 : 1;
    // A version whose file exists but whose row was never committed (a crash between the two)
    // is skipped rather than overwritten.
    while (fs::exists(ctx_.data_dir + "/" + relative_dir + "/" + std::to_string(d.version) +
                      ".parquet"))
      d.version++;
    d.path = relative_dir + "/" + std::to_string(d.version) + ".parquet";
    for (const auto& c : staged.columns) d.columns.push_back({c.name, c.type, c.pii});
    d.row_count = staged.rows;
    d.bytes = staged.bytes;
    d.source_bucket = bucket;
    d.created_at = current ? current->created_at : now;
    d.updated_at = now;
    // Rename first, commit second (DESIGN.md "Storage"); the writer lock keeps concurrent uploads
    // of the same table from picking the same version.
    CR_TRY(staged.file.publish(ctx_.data_dir + "/" + d.path));
    CR_TRY(catalog::datasets_repo::upsert(tx, d));
    return d;
  });
}

Result<std::vector<DatasetRecord>> DatasetService::list(const std::string& caller) {
  return ctx_.db.read<std::vector<DatasetRecord>>(
      [&](Tx& tx) { return catalog::datasets_repo::list(tx, caller); });
}

Result<DatasetRecord> DatasetService::get(const std::string& caller,
                                          const std::string& database_name,
                                          const std::string& table_name) {
  return ctx_.db.read<DatasetRecord>([&](Tx& tx) -> Result<DatasetRecord> {
    CR_ASSIGN(auto d, catalog::datasets_repo::find(tx, caller, database_name, table_name));
    if (!d) return Error::not_found("DATASET", database_name + "." + table_name);
    return *d;
  });
}

Status DatasetService::remove_abandoned_uploads() {
  return data::remove_abandoned_staging(ctx_.data_dir + "/datasets");
}

Result<std::vector<data::ColumnSpec>> parse_columns_spec(const std::string& text) {
  CR_ASSIGN(auto items, name_value_list(text, "columns"));
  std::vector<data::ColumnSpec> out;
  for (auto& [name, type] : items) out.push_back({name, type});
  return out;
}

Result<std::map<std::string, data::PiiType>> parse_pii_spec(const std::string& text) {
  CR_ASSIGN(auto items, name_value_list(text, "pii"));
  std::map<std::string, data::PiiType> out;
  for (const auto& [name, type] : items) {
    auto t = data::pii_type_from_name(type);
    if (!t) {
      std::string names;
      for (const auto& n : data::pii_type_names()) names += (names.empty() ? "" : ", ") + n;
      return Error::validation("pii: '" + type + "' is not an identity type; use one of " + names,
                               "pii");
    }
    out[name] = *t;
  }
  return out;
}

nlohmann::json dataset_json(const DatasetRecord& d) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : d.columns) {
    nlohmann::json col = {{"name", c.name}, {"type", c.type}};
    if (!c.pii.empty()) col["pii"] = c.pii;
    columns.push_back(col);
  }
  nlohmann::json out = {{"accountId", d.account_id},
                        {"databaseName", d.database_name},
                        {"tableName", d.table_name},
                        {"version", d.version},
                        {"path", d.path},
                        {"columns", columns},
                        {"rowCount", d.row_count},
                        {"bytes", d.bytes},
                        {"createTime", d.created_at},
                        {"updateTime", d.updated_at}};
  if (!d.source_bucket.empty()) out["sourceBucket"] = d.source_bucket;
  return out;
}

}  // namespace cleanroom::core
