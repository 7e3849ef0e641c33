#include "core/amc_data_upload.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "catalog/configured_tables_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/body_upload.h"
#include "core/dataset_files.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace repo = catalog::amc_datasets_repo;
using catalog::AmcDataSetRecord;
using catalog::AmcUploadRecord;
using catalog::Tx;

namespace {

// AMC's data types and the engine types they are stored as. DECIMAL is "numerical with two
// floating point level precision" in Amazon's data preparation guide.
const std::map<std::string, std::string>& data_types() {
  static const std::map<std::string, std::string> types = {
      {"STRING", "VARCHAR"}, {"DECIMAL", "DECIMAL(38,2)"}, {"INTEGER", "INTEGER"},
      {"LONG", "BIGINT"},    {"TIMESTAMP", "TIMESTAMP"},   {"DATE", "DATE"}};
  return types;
}

// AMC's hashed identifier types and the identity rules they are normalised by.
const std::map<std::string, data::PiiType>& identifier_types() {
  static const std::map<std::string, data::PiiType> types = {
      {"EMAIL", data::PiiType::Email},          {"PHONE", data::PiiType::Phone},
      {"FIRST_NAME", data::PiiType::FirstName}, {"LAST_NAME", data::PiiType::LastName},
      {"ADDRESS", data::PiiType::Address},      {"CITY", data::PiiType::City},
      {"STATE", data::PiiType::State},          {"ZIP", data::PiiType::PostalCode},
      {"COUNTRY_CODE", data::PiiType::Country}};
  return types;
}

std::string one_of(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string keys_of(const auto& map) {
  std::set<std::string> keys;
  for (const auto& [k, v] : map) keys.insert(k);
  return one_of(keys);
}

Status check_column(const catalog::AmcColumnDef& c, const std::string& field) {
  static const std::regex name("[A-Za-z0-9_]{1,128}");
  if (!std::regex_match(c.name, name))
    return Error::validation(
        field + ".name '" + c.name + "' must be 1 to 128 letters, digits or underscores",
        field + ".name");
  if (!data_types().count(c.data_type))
    return Error::validation(field + ".dataType must be one of " + keys_of(data_types()),
                             field + ".dataType");
  if (c.column_type != "DIMENSION" && c.column_type != "METRIC")
    return Error::validation(field + ".columnType must be DIMENSION or METRIC",
                             field + ".columnType");
  if (!c.identifier_type.empty()) {
    if (!identifier_types().count(c.identifier_type))
      return Error::validation(field + ".externalUserIdType: '" + c.identifier_type +
                                   "' is not a supported identifier type; use one of " +
                                   keys_of(identifier_types()),
                               field + ".externalUserIdType");
    if (c.data_type != "STRING")
      return Error::validation(field + " is an identity column, so its dataType must be STRING",
                               field + ".dataType");
  }
  if (c.main_event_time && c.data_type != "TIMESTAMP" && c.data_type != "DATE")
    return Error::validation(field +
                                 " is the main event time, so its dataType must be TIMESTAMP "
                                 "or DATE",
                             field + ".dataType");
  return {};
}

}  // namespace

Result<std::optional<UploadMerge>> upload_merge(const AmcDataSetRecord& d,
                                                const std::string& strategy) {
  if (strategy == "FULL_REPLACE") return std::optional<UploadMerge>{};
  UploadMerge m;
  if (strategy == "ADDITIVE") {
    m.mode = UploadMerge::Mode::Additive;
    return std::optional<UploadMerge>{m};
  }
  if (strategy == "OVERLAP_REPLACE")
    m.mode = UploadMerge::Mode::OverlapReplace;
  else if (strategy == "OVERLAP_KEEP")
    m.mode = UploadMerge::Mode::OverlapKeep;
  else
    return Error::validation(
        "updateStrategy must be ADDITIVE, FULL_REPLACE, OVERLAP_KEEP or OVERLAP_REPLACE, not '" +
            strategy + "'",
        "updateStrategy");
  for (const auto& c : d.columns)
    if (c.main_event_time) m.time_column = c.name;
  if (m.time_column.empty())
    return Error::validation("updateStrategy " + strategy + " compares rows by the main event " +
                                 "time; data set " + d.data_set_id +
                                 " is a DIMENSION data set and has none: use FULL_REPLACE or "
                                 "ADDITIVE",
                             "updateStrategy");
  static const std::map<std::string, std::string> units = {
      {"PT1M", "minute"}, {"PT1H", "hour"}, {"P1D", "day"}, {"P7D", "week"}, {"P1M", "month"}};
  auto unit = units.find(d.period);
  m.period_unit = unit == units.end() ? "day" : unit->second;
  return std::optional<UploadMerge>{m};
}

Status check_amc_data_set(AmcDataSetRecord& d) {
  static const std::regex id("[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*");
  if (d.data_set_id.size() > 128 || !std::regex_match(d.data_set_id, id))
    return Error::validation(
        "dataSetId '" + d.data_set_id +
            "' must be letters, digits and underscores, in groups joined by single dashes (at "
            "most 128 characters)",
        "dataSetId");
  if (d.columns.empty())
    return Error::validation("columns must list at least one column", "columns");
  std::set<std::string> names;
  int main_event_times = 0;
  for (size_t i = 0; i < d.columns.size(); i++) {
    const auto& c = d.columns[i];
    CR_TRY(check_column(c, "columns[" + std::to_string(i) + "]"));
    std::string folded = c.name;
    std::transform(folded.begin(), folded.end(), folded.begin(), ::tolower);
    if (!names.insert(folded).second)
      return Error::validation("column " + c.name + " is defined twice", "columns");
    main_event_times += c.main_event_time ? 1 : 0;
  }
  if (d.data_set_type.empty()) d.data_set_type = main_event_times ? "FACT" : "DIMENSION";
  // reference/amc-api-facts.md: "A FACT dataset has exactly one isMainEventTime TIMESTAMP
  // column; a DIMENSION dataset has none."
  if (d.data_set_type == "FACT" && main_event_times != 1)
    return Error::validation("a FACT data set needs exactly one column with isMainEventTime, not " +
                                 std::to_string(main_event_times),
                             "columns");
  if (d.data_set_type == "DIMENSION" && main_event_times != 0)
    return Error::validation("a DIMENSION data set has no isMainEventTime column", "columns");
  if (d.data_set_type != "FACT" && d.data_set_type != "DIMENSION")
    return Error::validation("dataSetType must be FACT or DIMENSION", "dataSetType");
  static const std::set<std::string> periods = {"PT1M", "PT1H", "P1D", "P7D", "P1M"};
  if (d.period.empty()) d.period = "P1D";
  if (!periods.count(d.period))
    return Error::validation("period must be one of " + one_of(periods), "period");
  if (d.file_format == DataFormat::Parquet)
    return Error::validation("fileFormat must be CSV or JSON", "fileFormat");
  if (!d.country_code.empty()) {
    auto country = data::identity_country(d.country_code);
    if (!country.ok()) return Error::validation(country.error().message, "countryCode");
    d.country_code = *country;
  }
  return {};
}

Result<UploadRequest> amc_upload_request(const AmcDataSetRecord& d, const AmcUploadSource& s) {
  UploadRequest req;
  req.database_name = d.instance_id;
  req.table_name = d.data_set_id;
  switch (s.file_format.value_or(d.file_format)) {
    case DataFormat::Csv:
      req.format = data::FileFormat::Csv;
      break;
    case DataFormat::Json:
      req.format = data::FileFormat::JsonLines;
      break;
    case DataFormat::Parquet:
      req.format = data::FileFormat::Parquet;
      break;
  }
  for (const auto& c : d.columns) {
    req.columns.push_back({c.name, data_types().at(c.data_type)});
    if (!c.identifier_type.empty()) req.pii[c.name] = identifier_types().at(c.identifier_type);
  }
  req.country = !s.country_code.empty()   ? s.country_code
                : !d.country_code.empty() ? d.country_code
                                          : "US";
  return req;
}

Result<catalog::InstanceRecord> AmcDataUploadService::instance(const AmcCaller& caller,
                                                               const std::string& id) {
  // Another AMC account's instance is NotFound, as for every instance call.
  CR_ASSIGN(auto view, instances_.get(caller, id));
  return view.instance;
}

Result<AmcDataSetRecord> AmcDataUploadService::create(const AmcCaller& caller,
                                                      const std::string& instance_id,
                                                      AmcDataSetRecord d) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  CR_TRY(check_amc_data_set(d));
  d.instance_id = inst.instance_id;
  d.account_id = inst.aws_account_id;
  d.created_at = d.updated_at = now_epoch_seconds();
  return ctx_.db.write<AmcDataSetRecord>([&](Tx& tx) -> Result<AmcDataSetRecord> {
    CR_ASSIGN(auto existing, repo::find(tx, d.instance_id, d.data_set_id));
    if (existing)
      return Error::conflict(
          "data set " + d.data_set_id + " already exists on instance " + d.instance_id,
          Cause::AlreadyExists, Resource::AmcDataSet, d.data_set_id);
    CR_TRY(repo::insert(tx, d));
    return d;
  });
}

Result<AmcDataSetPage> AmcDataUploadService::list(const AmcCaller& caller,
                                                  const std::string& instance_id,
                                                  const std::string& next_token, int limit) {
  if (limit < 1 || limit > 100)
    return Error::validation("limit must be between 1 and 100", "limit");
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<AmcDataSetPage>([&](Tx& tx) -> Result<AmcDataSetPage> {
    CR_ASSIGN(auto rows, repo::list(tx, inst.instance_id, next_token, limit + 1));
    AmcDataSetPage page;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; i++)
      page.data_sets.push_back(rows[i]);
    if (static_cast<int>(rows.size()) > limit) page.next_token = rows[limit - 1].data_set_id;
    return page;
  });
}

Result<AmcDataSetRecord> AmcDataUploadService::get(const AmcCaller& caller,
                                                   const std::string& instance_id,
                                                   const std::string& data_set_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<AmcDataSetRecord>([&](Tx& tx) -> Result<AmcDataSetRecord> {
    CR_ASSIGN(auto d, repo::find(tx, inst.instance_id, data_set_id));
    if (!d) return Error::not_found(Resource::AmcDataSet, data_set_id);
    return *d;
  });
}

Status AmcDataUploadService::remove(const AmcCaller& caller, const std::string& instance_id,
                                    const std::string& data_set_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  std::string account;
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto d, repo::find(tx, inst.instance_id, data_set_id));
    if (!d) return Error::not_found(Resource::AmcDataSet, data_set_id);
    account = d->account_id;
    // A configured table over the data would be left pointing at nothing.
    CR_ASSIGN(auto tables,
              catalog::configured_tables_repo::list_for_account(tx, account, "", 1000000));
    for (const auto& t : tables)
      if (t.database_name == inst.instance_id && t.table_name == data_set_id)
        return Error::conflict("data set " + data_set_id + " is used by configured table " + t.id +
                                   "; delete that first",
                               Cause::InUse, Resource::AmcDataSet, data_set_id);
    CR_TRY(repo::remove(tx, inst.instance_id, data_set_id));
    CR_TRY(catalog::datasets_repo::remove(tx, account, inst.instance_id, data_set_id));
    return true;
  })));
  // The files go after the rows that point at them; a crash in between leaves unreferenced
  // files, never a row without its file.
  return remove_files(ctx_, dataset_dir(account, inst.instance_id, data_set_id));
}

Result<AmcUploadRecord> AmcDataUploadService::upload(const AmcCaller& caller,
                                                     const std::string& instance_id,
                                                     const std::string& data_set_id,
                                                     const AmcUploadSource& source) {
  CR_ASSIGN(auto d, get(caller, instance_id, data_set_id));
  CR_ASSIGN(UploadRequest req, amc_upload_request(d, source));
  const std::string strategy =
      source.update_strategy.empty() ? "FULL_REPLACE" : source.update_strategy;
  CR_ASSIGN(req.merge, upload_merge(d, strategy));

  // What can be refused is refused now, before anything is recorded.
  if (source.bucket.empty())
    CR_TRY(datasets_.check_upload(d.account_id, req));
  else
    CR_TRY(datasets_.check_bucket_source(d.account_id, source.bucket, source.key, req,
                                         "dataSource.sourceS3Bucket"));

  AmcUploadRecord u;
  u.upload_id = crypto::uuid4();
  u.instance_id = d.instance_id;
  u.data_set_id = d.data_set_id;
  u.source = {{"fileFormat", wire_string(source.file_format.value_or(d.file_format))},
              {"countryCode", req.country},
              {"updateStrategy", strategy}};
  if (!source.bucket.empty())
    u.source["dataSource"] = {{"sourceS3Bucket", source.bucket}, {"sourceFileS3Key", source.key}};
  u.created_at = u.updated_at = now_epoch_seconds();
  u.status = UploadStatus::Pending;
  u.node_id = ctx_.node_id;
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    // A deletion request reads every data set's current version and writes the next one: an
    // upload committing in between would bring the rows it removes back.
    CR_ASSIGN(int64_t deleting, repo::unfinished_deletion_requests(tx, d.instance_id));
    if (deleting > 0)
      return Error::conflict("a user deletion request of instance " + d.instance_id +
                                 " is under way; upload when it has ended",
                             Cause::InvalidState, Resource::Upload, d.data_set_id);
    CR_TRY(repo::insert_upload(tx, u));
    return true;
  })));

  // The job holds what it needs by value: the context outlives the job pool, services may not.
  Context* ctx = &ctx_;
  auto record = [ctx, u](UploadStatus status, const UploadJob* job) {
    AmcUploadRecord r = u;
    r.status = status;
    if (job && job->dataset) {
      r.version = job->dataset->version;
      r.row_count = job->dataset->row_count;
    }
    if (job && job->error) r.message = job->error->message;
    r.updated_at = now_epoch_seconds();
    auto saved = ctx->db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::update_upload(tx, r));
      return true;
    });
    if (!saved.ok())
      spdlog::error("upload {}: cannot record its status: {}", r.upload_id, saved.error().message);
  };
  UploadWork ingest =
      source.bucket.empty()
          ? body_upload_work(ctx_, d.account_id, req, source.body)
          : [ctx, req, source, account = d.account_id](const data::ProgressCallback& progress) {
              UploadRequest r = req;
              r.progress = progress;
              return DatasetService(*ctx).register_from_bucket(account, source.bucket, source.key,
                                                               r, "dataSource.sourceS3Bucket");
            };
  auto work = [record, ingest](const data::ProgressCallback& progress) {
    record(UploadStatus::Running, nullptr);
    return ingest(progress);
  };
  // Every failure of an upload that passed the checks above is the data's or the server's stop:
  // either way the upload exists, FAILED with the reason, and wrote nothing.
  auto ended = [record](const UploadJob& job) { record(job.status, &job); };
  auto job = jobs_.submit(d.account_id, d.instance_id, d.data_set_id, work, ended);
  if (!job.ok()) {
    // Refused (a full queue): nothing is recorded after all.
    (void)ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::delete_upload(tx, u.upload_id));
      return true;
    });
    return job.error();
  }
  return u;
}

Status AmcDataUploadService::fail_lost_uploads(int64_t alive_since_ms) {
  return status_of(ctx_.db.write<int64_t>([&](Tx& tx) {
    return repo::fail_lost_uploads(tx, kUploadStopped, now_epoch_seconds(), alive_since_ms);
  }));
}

Result<AmcUploadRecord> AmcDataUploadService::get_upload(const AmcCaller& caller,
                                                         const std::string& instance_id,
                                                         const std::string& data_set_id,
                                                         const std::string& upload_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<AmcUploadRecord>([&](Tx& tx) -> Result<AmcUploadRecord> {
    CR_ASSIGN(auto u, repo::find_upload(tx, inst.instance_id, data_set_id, upload_id));
    if (!u) return Error::not_found(Resource::Upload, upload_id);
    return *u;
  });
}

Result<std::vector<AmcUploadRecord>> AmcDataUploadService::list_uploads(
    const AmcCaller& caller, const std::string& instance_id, const std::string& data_set_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<std::vector<AmcUploadRecord>>(
      [&](Tx& tx) { return repo::list_uploads(tx, inst.instance_id, data_set_id); });
}

}  // namespace cleanroom::core
