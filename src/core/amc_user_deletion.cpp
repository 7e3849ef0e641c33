#include "core/amc_user_deletion.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "catalog/datasets_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/dataset_files.h"
#include "core/datasets.h"
#include "data/identity.h"
#include "data/ingest.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace repo = catalog::amc_datasets_repo;
using catalog::AmcDataSetRecord;
using catalog::AmcDeletionRequestRecord;
using catalog::Tx;
using engine::sql_identifier;
using engine::sql_literal;

namespace {

// The identifier types the resolution rules match on, and their identity rules.
const std::map<std::string, data::PiiType>& matching_types() {
  static const std::map<std::string, data::PiiType> types = {
      {"EMAIL", data::PiiType::Email},
      {"PHONE", data::PiiType::Phone},
      {"FIRST_NAME", data::PiiType::FirstName},
      {"LAST_NAME", data::PiiType::LastName},
      {"ZIP", data::PiiType::PostalCode}};
  return types;
}

// A data set's identity columns by identifier type.
std::map<std::string, std::vector<std::string>> identity_columns(const AmcDataSetRecord& d) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& c : d.columns)
    if (matching_types().count(c.identifier_type)) out[c.identifier_type].push_back(c.name);
  return out;
}

// The rows of cleanroom_current that no identity of cleanroom_identities matches, by the
// resolution rules the data set's columns allow. A NULL identity value or column matches nothing.
std::string kept_rows_select(const std::map<std::string, std::vector<std::string>>& columns,
                             const std::string& country) {
  std::string hashed = "CASE kind";
  for (const auto& [kind, type] : matching_types())
    hashed += " WHEN " + sql_literal(kind) + " THEN " + data::hashed_sql(type, "v", country);
  hashed += " END";
  std::string sql = "WITH ids AS (SELECT n, kind, " + hashed +
                    " AS h FROM cleanroom_identities) SELECT d.* FROM cleanroom_current AS d "
                    "WHERE NOT (false";
  for (const char* kind : {"EMAIL", "PHONE"}) {
    auto it = columns.find(kind);
    if (it == columns.end()) continue;
    for (const auto& c : it->second)
      sql += " OR coalesce(d." + sql_identifier(c) +
             " IN (SELECT h FROM ids WHERE kind = " + sql_literal(kind) +
             " AND h IS NOT NULL), false)";
  }
  if (columns.count("FIRST_NAME") && columns.count("LAST_NAME") && columns.count("ZIP")) {
    sql +=
        " OR EXISTS (SELECT 1 FROM ids f JOIN ids l ON l.n = f.n AND l.kind = 'LAST_NAME' "
        "JOIN ids z ON z.n = f.n AND z.kind = 'ZIP' WHERE f.kind = 'FIRST_NAME' AND f.h = d." +
        sql_identifier(columns.at("FIRST_NAME")[0]) + " AND l.h = d." +
        sql_identifier(columns.at("LAST_NAME")[0]) + " AND z.h = d." +
        sql_identifier(columns.at("ZIP")[0]) + ")";
  }
  return sql + ")";
}

// The identities go in through a prepared statement, never into the SQL text.
Status load_identities(engine::Connection& con,
                       const std::vector<std::map<std::string, std::string>>& identities) {
  CR_TRY(
      con.run("CREATE TEMPORARY TABLE cleanroom_identities (n BIGINT, kind VARCHAR, v VARCHAR)"));
  CR_ASSIGN(auto insert, con.prepare("INSERT INTO cleanroom_identities VALUES (?, ?, ?)"));
  for (size_t i = 0; i < identities.size(); ++i)
    for (const auto& [kind, value] : identities[i]) {
      CR_TRY(insert.bind(1, static_cast<int64_t>(i)));
      CR_TRY(insert.bind(2, kind));
      CR_TRY(insert.bind(3, value));
      CR_TRY(status_of(insert.execute()));
    }
  return {};
}

// Removes the rows from one data set: a new version without them (committed only if no other
// version came meanwhile; then read again), then the older versions' files.
Status remove_from_data_set(Context& ctx, const AmcDataSetRecord& d,
                            const std::vector<std::map<std::string, std::string>>& identities,
                            const std::string& request_country) {
  auto columns = identity_columns(d);
  bool email_or_phone = columns.count("EMAIL") || columns.count("PHONE");
  bool name_postal =
      columns.count("FIRST_NAME") && columns.count("LAST_NAME") && columns.count("ZIP");
  if (!email_or_phone && !name_postal) return {};  // nothing in it identifies a person
  CR_ASSIGN(std::string country, data::identity_country(!request_country.empty()  ? request_country
                                                        : !d.country_code.empty() ? d.country_code
                                                                                  : "US"));
  const std::string relative_dir = dataset_dir(d.account_id, d.instance_id, d.data_set_id);
  for (int attempt = 0;; ++attempt) {
    CR_ASSIGN(auto current, ctx.db.read<std::optional<catalog::DatasetRecord>>([&](Tx& tx) {
      return catalog::datasets_repo::find(tx, d.account_id, d.instance_id, d.data_set_id);
    }));
    if (!current) return {};
    CR_TRY(ensure_local(ctx, {ctx.data_dir + "/" + current->path}));
    data::RewriteRequest rewrite{
        {{"cleanroom_current", ctx.data_dir + "/" + current->path}},
        [&](engine::Connection& con) { return load_identities(con, identities); },
        kept_rows_select(columns, country),
        {},
        ctx.data_dir + "/" + relative_dir,
        dataset_engine_options(ctx)};
    for (const auto& c : current->columns)
      if (!c.pii.empty()) rewrite.pii[c.name] = c.pii;
    CR_ASSIGN(auto staged, data::rewrite(rewrite));
    StagedVersion version;
    for (const auto& c : staged.columns) version.columns.push_back({c.name, c.type, c.pii});
    version.rows = staged.rows;
    version.bytes = staged.bytes;
    version.source_bucket = current->source_bucket;
    version.base_version = current->version;
    auto committed = commit_dataset_version(ctx, d.account_id, d.instance_id, d.data_set_id,
                                            version, staged.file);
    if (committed.ok()) {
      // Every other version goes, here and in the store: a version a query can no longer read
      // must not keep the rows either. Other nodes' cached copies go at their next sweep.
      return remove_files(ctx, relative_dir, committed->path);
    }
    if (committed.error().kind != ErrorKind::Conflict || attempt >= 3) return committed.error();
  }
}

}  // namespace

Status check_user_deletion_request(const UserDeletionRequest& req) {
  if (req.identities.empty())
    return Error::validation("identities must list at least one identity", "identities");
  if (req.identities.size() > kMaxDeletionIdentities)
    return Error::validation("identities may list at most " +
                                 std::to_string(kMaxDeletionIdentities) +
                                 " identities a request; split them into several requests",
                             "identities");
  for (size_t i = 0; i < req.identities.size(); ++i) {
    const auto& id = req.identities[i];
    const std::string field = "identities[" + std::to_string(i) + "]";
    for (const auto& [kind, value] : id) {
      if (!matching_types().count(kind))
        return Error::validation(field + "." + kind +
                                     " is not an identifier deletion matches on; use EMAIL, "
                                     "PHONE, FIRST_NAME, LAST_NAME, ZIP",
                                 field + "." + kind);
      if (value.empty() || value.size() > 1000)
        return Error::validation(field + "." + kind + " must be 1 to 1000 characters",
                                 field + "." + kind);
    }
    bool name_postal = id.count("FIRST_NAME") && id.count("LAST_NAME") && id.count("ZIP");
    if (!id.count("EMAIL") && !id.count("PHONE") && !name_postal)
      return Error::validation(
          field +
              " must give EMAIL, PHONE, or FIRST_NAME, LAST_NAME and ZIP together (the "
              "resolution rules: a part of a name matches nobody)",
          field);
  }
  if (!req.country_code.empty()) {
    auto country = data::identity_country(req.country_code);
    if (!country.ok())
      return Error::validation("countryCode: " + country.error().message, "countryCode");
  }
  return {};
}

Result<AmcDeletionRequestRecord> AmcUserDeletionService::create(const AmcCaller& caller,
                                                                const std::string& instance_id,
                                                                const UserDeletionRequest& req) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  CR_TRY(check_user_deletion_request(req));
  const auto inst = view.instance;
  AmcDeletionRequestRecord r;
  r.request_id = crypto::uuid4();
  r.instance_id = inst.instance_id;
  r.status = UploadStatus::Pending;
  r.identity_count = static_cast<int64_t>(req.identities.size());
  r.created_by = caller.user.user_id;
  r.created_at = r.updated_at = now_epoch_seconds();
  r.node_id = ctx_.node_id;
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(int64_t uploads, repo::unfinished_uploads(tx, inst.instance_id));
    if (uploads > 0)
      return Error::conflict("instance " + inst.instance_id +
                                 " has uploads queued or running; send the deletion request "
                                 "when they have ended",
                             Cause::InvalidState, Resource::Upload, inst.instance_id);
    CR_TRY(repo::insert_deletion_request(tx, r));
    return true;
  })));

  Context* ctx = &ctx_;
  auto record = [ctx, r](UploadStatus status, const std::string& message) {
    AmcDeletionRequestRecord done = r;
    done.status = status;
    done.message = message;
    done.updated_at = now_epoch_seconds();
    auto saved = ctx->db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::update_deletion_request(tx, done));
      return true;
    });
    if (!saved.ok())
      spdlog::error("user deletion request {}: cannot record its status: {}", r.request_id,
                    saved.error().message);
  };
  auto work = [ctx, record, identities = req.identities, country = req.country_code,
               instance = inst.instance_id](
                  const data::ProgressCallback&) -> Result<catalog::DatasetRecord> {
    record(UploadStatus::Running, "");
    CR_ASSIGN(auto sets, ctx->db.read<std::vector<AmcDataSetRecord>>(
                             [&](Tx& tx) { return repo::list(tx, instance, "", 1000000); }));
    for (const auto& d : sets) {
      auto removed = remove_from_data_set(*ctx, d, identities, country);
      if (!removed.ok()) {
        // Details stay in the server's log: an engine message could quote rows.
        spdlog::error("user deletion request on {}.{}: {}", instance, d.data_set_id,
                      removed.error().message);
        return Error::internal("the rows could not be removed from every data set");
      }
    }
    return catalog::DatasetRecord{};
  };
  auto ended = [record](const UploadJob& job) {
    record(job.status, job.status == UploadStatus::Succeeded
                           ? ""
                           : "the rows could not be removed from every data set; send the "
                             "request again");
  };
  auto job =
      jobs_.submit(inst.aws_account_id, inst.instance_id, "userDeletionRequest", work, ended);
  if (!job.ok()) {
    (void)ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(
          tx.exec("DELETE FROM amc_user_deletion_requests WHERE request_id = ?", {r.request_id}));
      return true;
    });
    return job.error();
  }
  return r;
}

Result<AmcDeletionRequestRecord> AmcUserDeletionService::get(const AmcCaller& caller,
                                                             const std::string& instance_id,
                                                             const std::string& request_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  return ctx_.db.read<AmcDeletionRequestRecord>([&](Tx& tx) -> Result<AmcDeletionRequestRecord> {
    CR_ASSIGN(auto r, repo::find_deletion_request(tx, view.instance.instance_id, request_id));
    if (!r) return Error(ErrorKind::NotFound, "user deletion request " + request_id + " not found");
    return *r;
  });
}

Result<std::vector<AmcDeletionRequestRecord>> AmcUserDeletionService::list(
    const AmcCaller& caller, const std::string& instance_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  return ctx_.db.read<std::vector<AmcDeletionRequestRecord>>(
      [&](Tx& tx) { return repo::list_deletion_requests(tx, view.instance.instance_id); });
}

Status AmcUserDeletionService::fail_lost_requests(int64_t alive_since_ms) {
  return status_of(ctx_.db.write<int64_t>([&](Tx& tx) {
    return repo::fail_lost_deletion_requests(
        tx, "the server stopped before the request finished; send it again", now_epoch_seconds(),
        alive_since_ms);
  }));
}

}  // namespace cleanroom::core
