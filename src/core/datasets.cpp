#include "core/datasets.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <regex>
#include <thread>

#include "catalog/accounts_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/buckets.h"
#include "core/dataset_files.h"
#include "core/platform_tables.h"

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
  return dataset_dir(account, req.database_name, req.table_name);
}

// Where objects fetched from a bucket wait to be ingested: DATA_DIR/staging.
std::string staging_dir(const Context& ctx) { return ctx.data_dir + "/staging"; }

// The key's file extension (".csv", ".csv.gz"), which the engine reads compression from; nothing
// when it is unusual.
std::string key_suffix(const std::string& key) {
  std::string name = key.substr(key.rfind('/') + 1);
  auto dot = name.find('.');
  if (dot == std::string::npos || name.size() - dot > 16) return "";
  std::string suffix = name.substr(dot);
  for (char c : suffix)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') return "";
  return suffix;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The new version an upload makes with the data already there (cleanroom_current) and its own
// rows (cleanroom_new). The OVERLAP_* modes compare periods of the main event time: a row whose
// time is NULL is in no period, so it overlaps nothing. Names come from the data set's
// definition (letters, digits, '_'), quoted all the same.
std::string merge_select(const UploadMerge& m) {
  using engine::sql_identifier;
  using engine::sql_literal;
  auto period = [&](const std::string& table) {
    return "date_trunc(" + sql_literal(m.period_unit) + ", " + table + "." +
           sql_identifier(m.time_column) + ")";
  };
  auto periods_of = [&](const std::string& table) {
    return "(SELECT DISTINCT " + period(table) + " AS p FROM " + table + " WHERE " + period(table) +
           " IS NOT NULL)";
  };
  switch (m.mode) {
    case UploadMerge::Mode::Additive:
      return "SELECT * FROM cleanroom_current UNION ALL BY NAME SELECT * FROM cleanroom_new";
    case UploadMerge::Mode::OverlapReplace:
      // The existing rows of every period the upload has data for give way to the upload's.
      return "SELECT cleanroom_current.* FROM cleanroom_current ANTI JOIN " +
             periods_of("cleanroom_new") + " AS n ON " + period("cleanroom_current") +
             " = n.p UNION ALL BY NAME SELECT * FROM cleanroom_new";
    case UploadMerge::Mode::OverlapKeep:
      // The upload adds only the periods the data set has nothing for yet.
      return "SELECT * FROM cleanroom_current UNION ALL BY NAME SELECT cleanroom_new.* FROM "
             "cleanroom_new ANTI JOIN " +
             periods_of("cleanroom_current") + " AS c ON " + period("cleanroom_new") + " = c.p";
  }
  return "";
}

}  // namespace

DatasetService::DatasetService(Context& ctx)
    : ctx_(ctx), engine_options_(dataset_engine_options(ctx)) {}

Result<DatasetRecord> DatasetService::upload(const std::string& caller, const UploadRequest& req) {
  return ingest_and_commit(caller, req, req.source_path, "");
}

Status DatasetService::check_bucket_source(const std::string& caller, const std::string& bucket,
                                           const std::string& key, const UploadRequest& req,
                                           const std::string& bucket_field) {
  CR_TRY(delivery::check_bucket_name(bucket));
  CR_TRY(delivery::check_key(key));
  CR_TRY(check_upload(caller, req));
  // The server reads every bucket with its own credentials: ownership is what stops one party
  // ingesting another's raw files.
  return status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(require_own_bucket(tx, caller, bucket, bucket_field));
    return true;
  }));
}

Result<DatasetRecord> DatasetService::register_from_bucket(const std::string& caller,
                                                           const std::string& bucket,
                                                           const std::string& key,
                                                           const UploadRequest& req,
                                                           const std::string& bucket_field) {
  CR_TRY(check_bucket_source(caller, bucket, key, req, bucket_field));
  // The engine reads local files only, and an object replaced meanwhile cannot change what is
  // ingested.
  CR_ASSIGN(data::StagedFile copy, fetch_object(ctx_, bucket, key));
  const std::string& path = copy.path();
  auto d = ingest_and_commit(caller, req, path, bucket);
  if (d.ok()) return d;
  // Errors name the object, not the private copy.
  Error e = d.error();
  replace_all(e.message, path, delivery::ObjectStore::location(bucket, key));
  return e;
}

Status DatasetService::check_upload(const std::string& caller, const UploadRequest& req) {
  CR_TRY(check_names(req));
  return status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto account, catalog::accounts_repo::find_account(tx, caller));
    if (!account) return Error::not_found(Resource::Account, caller);
    return true;
  }));
}

Result<DatasetRecord> DatasetService::ingest_and_commit(const std::string& caller,
                                                        const UploadRequest& req,
                                                        const std::string& source_path,
                                                        const std::string& bucket) {
  CR_TRY(check_upload(caller, req));

  const std::string relative_dir = table_dir(caller, req);
  data::IngestRequest ingest{source_path,  req.format,     req.columns,
                             req.pii,      req.country,    ctx_.data_dir + "/" + relative_dir,
                             req.progress, engine_options_};
  // The long part runs outside any transaction: nothing is locked while the data is copied.
  CR_ASSIGN(data::IngestResult staged, data::ingest(ingest));

  StagedVersion version;
  if (req.merge) {
    CR_ASSIGN(auto current, ctx_.db.read<std::optional<DatasetRecord>>([&](Tx& tx) {
      return catalog::datasets_repo::find(tx, caller, req.database_name, req.table_name);
    }));
    version.base_version = current ? current->version : 0;
    if (current) {
      CR_TRY(ensure_local(ctx_, {ctx_.data_dir + "/" + current->path}));
      data::RewriteRequest merge{{{"cleanroom_current", ctx_.data_dir + "/" + current->path},
                                  {"cleanroom_new", staged.file.path()}},
                                 {},
                                 merge_select(*req.merge),
                                 {},
                                 ctx_.data_dir + "/" + relative_dir,
                                 engine_options_};
      for (const auto& c : staged.columns)
        if (!c.pii.empty()) merge.pii[c.name] = c.pii;
      CR_ASSIGN(staged, data::rewrite(merge));
    }
  }
  for (const auto& c : staged.columns) version.columns.push_back({c.name, c.type, c.pii});
  version.rows = staged.rows;
  version.bytes = staged.bytes;
  version.source_bucket = bucket;
  return commit_dataset_version(ctx_, caller, req.database_name, req.table_name, version,
                                staged.file);
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
    if (!d) return Error::not_found(Resource::Dataset, database_name + "." + table_name);
    return *d;
  });
}

Status DatasetService::remove_abandoned_uploads() {
  CR_TRY(data::remove_abandoned_staging(staging_dir(ctx_)));
  return data::remove_abandoned_staging(ctx_.data_dir + "/datasets");
}

Result<data::StagedFile> fetch_object(Context& ctx, const std::string& bucket,
                                      const std::string& key) {
  if (!ctx.buckets) return Error::internal("no object store is configured");
  std::error_code ec;
  fs::create_directories(staging_dir(ctx), ec);
  if (ec) return Error::internal("cannot create " + staging_dir(ctx) + ": " + ec.message());
  // The key's suffix tells the engine the object's compression.
  data::StagedFile copy(data::staging_path(staging_dir(ctx), key_suffix(key)));
  CR_TRY(ctx.buckets->get_file(bucket, key, copy.path()));
  return copy;
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

engine::EngineOptions dataset_engine_options(const Context& ctx) {
  engine::EngineOptions options;
  options.spill_root = spill_root(ctx);
  options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.memory_limit = "2GB";
  return options;
}

Status check_dataset_names(const std::string& database_name, const std::string& table_name) {
  UploadRequest names;
  names.database_name = database_name;
  names.table_name = table_name;
  return check_names(names);
}

std::string dataset_dir(const std::string& account, const std::string& database_name,
                        const std::string& table_name) {
  return "datasets/" + account + "/" + database_name + "/" + table_name;
}

Result<DatasetRecord> commit_dataset_version(Context& ctx, const std::string& account,
                                             const std::string& database_name,
                                             const std::string& table_name,
                                             const StagedVersion& staged, data::StagedFile& file) {
  const std::string relative_dir = dataset_dir(account, database_name, table_name);
  // Several nodes: the file is in the store before the catalog names it.
  const std::string stored_name = unique_file_name(ctx);
  if (!stored_name.empty()) CR_TRY(store_file(ctx, file.path(), relative_dir + "/" + stored_name));
  return ctx.db.write<DatasetRecord>([&](Tx& tx) -> Result<DatasetRecord> {
    CR_ASSIGN(auto current, catalog::datasets_repo::find(tx, account, database_name, table_name));
    if (staged.base_version && (current ? current->version : 0) != *staged.base_version)
      return Error::conflict("table " + database_name + "." + table_name +
                                 " changed while this version was computed from version " +
                                 std::to_string(*staged.base_version) + "; send it again",
                             Cause::InvalidState, Resource::Dataset,
                             database_name + "." + table_name);
    int64_t now = now_epoch_seconds();
    DatasetRecord d;
    d.account_id = account;
    d.database_name = database_name;
    d.table_name = table_name;
    d.version = current ? current->version + 1 : 1;
    // A version whose file exists but whose row was never committed (a crash between the two)
    // is skipped rather than overwritten.
    while (fs::exists(ctx.data_dir + "/" + relative_dir + "/" + std::to_string(d.version) +
                      ".parquet"))
      d.version++;
    d.path = relative_dir + "/" +
             (stored_name.empty() ? std::to_string(d.version) + ".parquet" : stored_name);
    d.columns = staged.columns;
    d.row_count = staged.rows;
    d.bytes = staged.bytes;
    d.source_bucket = staged.source_bucket;
    d.created_at = current ? current->created_at : now;
    d.updated_at = now;
    // Rename first, commit second (DESIGN.md "Storage"); the writer lock keeps concurrent uploads
    // of the same table from picking the same version.
    CR_TRY(file.publish(ctx.data_dir + "/" + d.path));
    CR_TRY(catalog::datasets_repo::upsert(tx, d));
    CR_ASSIGN(bool platform_table, is_platform_dataset(tx, account, database_name));
    if (platform_table) CR_TRY(status_of(publish_platform_tables(tx)));
    return d;
  });
}

}  // namespace cleanroom::core
