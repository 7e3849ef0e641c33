#pragma once
// Datasets: the tables a party owns. An upload is ingested into a new Parquet version beside the
// previous ones; the catalog row moves to it only after the file is renamed into place, so a
// failed or interrupted upload leaves the previous version the one that is read.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/datasets_repo.h"
#include "core/context.h"
#include "data/ingest.h"
#include "engine/engine.h"

namespace cleanroom::core {

// How an upload combines with the data already there (AMC's updateStrategy; docs/amc-api.md,
// "Uploads"). Unset: the upload is the whole new version (FULL_REPLACE).
struct UploadMerge {
  enum class Mode { Additive, OverlapReplace, OverlapKeep };
  Mode mode = Mode::Additive;
  // The OVERLAP_* modes compare rows by the period (a date_trunc unit: minute, hour, day, week,
  // month) their main event time falls in.
  std::string time_column;
  std::string period_unit;
};

struct UploadRequest {
  std::string database_name;
  std::string table_name;
  std::string source_path;  // the file to read (ignored when registering from a bucket)
  data::FileFormat format = data::FileFormat::Csv;
  std::vector<data::ColumnSpec> columns;     // declared schema; empty: inferred
  std::map<std::string, data::PiiType> pii;  // identity columns, normalised and hashed
  std::string country = "US";                // conventions for address, state, postal code
  data::ProgressCallback progress;           // optional; returning false cancels
  std::optional<UploadMerge> merge;
};

class DatasetService {
 public:
  explicit DatasetService(Context& ctx);

  // Ingests the file as the next version of the caller's table.
  Result<catalog::DatasetRecord> upload(const std::string& caller, const UploadRequest& req);
  // The same from an object of the context's buckets (the local bucket folder or S3), copied to a
  // private staging file under DATA_DIR/staging first; the dataset records the bucket as its
  // source. The bucket must be the caller's (core/buckets.h; AccessDenied naming `bucket_field`
  // otherwise, before the store is asked anything); a missing object is NotFound.
  Result<catalog::DatasetRecord> register_from_bucket(const std::string& caller,
                                                      const std::string& bucket,
                                                      const std::string& key,
                                                      const UploadRequest& req,
                                                      const std::string& bucket_field = "bucket");
  // What upload and register_from_bucket refuse before reading any data, for callers that queue
  // the work (core/upload_jobs.h) and must answer a refusal at once: the names and account, and
  // for a bucket also the bucket's owner.
  Status check_upload(const std::string& caller, const UploadRequest& req);
  Status check_bucket_source(const std::string& caller, const std::string& bucket,
                             const std::string& key, const UploadRequest& req,
                             const std::string& bucket_field = "bucket");
  Result<std::vector<catalog::DatasetRecord>> list(const std::string& caller);
  Result<catalog::DatasetRecord> get(const std::string& caller, const std::string& database_name,
                                     const std::string& table_name);

  // Removes what uploads killed midway left behind (staged versions, objects fetched from
  // buckets); run when a data dir is opened.
  Status remove_abandoned_uploads();

 private:
  Result<catalog::DatasetRecord> ingest_and_commit(const std::string& caller,
                                                   const UploadRequest& req,
                                                   const std::string& source_path,
                                                   const std::string& bucket);
  Context& ctx_;
  engine::EngineOptions engine_options_;  // dataset_engine_options()
};

// The record as both faces and the CLI show it.
nlohmann::json dataset_json(const catalog::DatasetRecord& d);

// The textual forms shared by the CLI and the HTTP upload: "name:TYPE,..." for a declared
// schema (commas inside parentheses, as in DECIMAL(10,2), belong to the type) and
// "column:identity_type,..." for identity columns.
Result<std::vector<data::ColumnSpec>> parse_columns_spec(const std::string& text);
Result<std::map<std::string, data::PiiType>> parse_pii_spec(const std::string& text);

// What a staged dataset file holds, for commit_dataset_version.
struct StagedVersion {
  std::vector<catalog::DatasetColumn> columns;
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string source_bucket;  // "" unless registered from a bucket
  // When set, the version this one was computed from (0: none): if another has been committed
  // meanwhile, the commit is refused (Conflict) rather than lose that one's rows or deletions.
  std::optional<int64_t> base_version;
};

// A private copy of a bucket object under DATA_DIR/staging, removed when the StagedFile goes (and
// by DatasetService::remove_abandoned_uploads should the process die first). A missing bucket or
// object is NotFound.
Result<data::StagedFile> fetch_object(Context& ctx, const std::string& bucket,
                                      const std::string& key);

// The engine settings of every dataset-writing task: every core, 2 GB, spilling beyond that up to
// engine::kDefaultSpillLimit.
engine::EngineOptions dataset_engine_options(const Context& ctx);
// The service model's GlueDatabaseName and GlueTableName patterns, which dataset names follow.
Status check_dataset_names(const std::string& database_name, const std::string& table_name);
// The folder, relative to the data dir, holding a table's versions; a file for the table must be
// staged in it (publishing is a rename).
std::string dataset_dir(const std::string& account, const std::string& database_name,
                        const std::string& table_name);
// Publishes `file` (staged in dataset_dir) as the next version of the account's table, then
// commits the catalog row pointing at it: rename first, commit second (DESIGN.md "Storage").
Result<catalog::DatasetRecord> commit_dataset_version(Context& ctx, const std::string& account,
                                                      const std::string& database_name,
                                                      const std::string& table_name,
                                                      const StagedVersion& staged,
                                                      data::StagedFile& file);

}  // namespace cleanroom::core
