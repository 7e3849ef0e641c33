#include "core/dataset_uploads.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/clock.h"
#include "common/crypto.h"
#include "core/body_upload.h"

namespace cleanroom::core {
namespace repo = catalog::dataset_uploads_repo;
using catalog::DatasetUploadRecord;
using catalog::Tx;

namespace {

// How often the running node writes an upload's progress, and so reads whether another node
// asked to cancel it.
constexpr auto kProgressEvery = std::chrono::milliseconds(250);
// How long an ended upload can still be read.
constexpr int64_t kEndedKeptSeconds = 7 * 24 * 3600;

// The account's upload `upload_id`, found under its own table only (an id does not tell whose
// table it is); any other is NotFound, as an id that does not exist.
Result<DatasetUploadRecord> owned(Tx& tx, const std::string& account,
                                  const std::string& database_name, const std::string& table_name,
                                  const std::string& upload_id) {
  CR_ASSIGN(auto u, repo::find(tx, upload_id));
  if (!u || u->account_id != account || u->database_name != database_name ||
      u->table_name != table_name)
    return Error::not_found(Resource::Upload, upload_id);
  return *u;
}

}  // namespace

Result<DatasetUploadRecord> DatasetUploadService::submit(
    const std::string& account, UploadRequest req, std::shared_ptr<const data::MemoryFile> body) {
  DatasetUploadRecord u;
  u.upload_id = crypto::uuid4();
  u.account_id = account;
  u.database_name = req.database_name;
  u.table_name = req.table_name;
  u.node_id = ctx_.node_id;
  u.created_at = u.updated_at = now_epoch_seconds();
  // Recorded before it is queued: a worker may start it before submit returns.
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(repo::insert(tx, u));
    return true;
  })));

  // The job holds what it needs by value: the context and the pool outlive the job.
  Context* ctx = &ctx_;
  UploadJobs* jobs = &jobs_;
  const std::string id = u.upload_id;
  UploadWork ingest = body_upload_work(ctx_, account, std::move(req), std::move(body));
  auto work = [ctx, jobs, ingest, id,
               account](const data::ProgressCallback& progress) -> Result<catalog::DatasetRecord> {
    CR_ASSIGN(bool started, ctx->db.write<bool>(
                                [&](Tx& tx) { return repo::start(tx, id, now_epoch_seconds()); }));
    if (!started) {
      // Cancelled through another node while it waited: the pool ends it CANCELLED.
      (void)jobs->cancel(account, id);
      return Error::cancelled(kUploadCancelled);
    }
    auto written = std::chrono::steady_clock::now();
    auto report = [&](const data::IngestProgress& p) {
      if (!progress(p)) return false;
      const auto now = std::chrono::steady_clock::now();
      if (now - written < kProgressEvery) return true;
      written = now;
      auto asked = ctx->db.write<bool>([&](Tx& tx) {
        return repo::progress(tx, id, static_cast<int64_t>(p.bytes_done),
                              static_cast<int64_t>(p.bytes_total), p.fraction, now_epoch_seconds());
      });
      if (!asked.ok() || !*asked) return true;  // a lost progress write is not worth the upload
      (void)jobs->cancel(account, id);
      return false;
    };
    return ingest(report);
  };
  auto ended = [ctx, id](const UploadJob& job) {
    DatasetUploadRecord r;
    r.upload_id = id;
    r.status = job.status;
    r.bytes_total = static_cast<int64_t>(job.progress.bytes_total);
    r.bytes_done = static_cast<int64_t>(job.progress.bytes_done);
    r.fraction = job.progress.fraction;
    if (job.dataset) r.dataset = dataset_json(*job.dataset).dump();
    if (job.error) r.message = job.error->message;
    r.node_id = ctx->node_id;
    r.updated_at = now_epoch_seconds();
    auto saved = ctx->db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::end(tx, r));
      return true;
    });
    if (!saved.ok())
      spdlog::error("upload {}: cannot record its end: {}", id, saved.error().message);
  };
  auto job = jobs_.submit(account, u.database_name, u.table_name, work, ended, id);
  if (!job.ok()) {
    // Refused (a full queue): nothing is recorded after all.
    (void)ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::remove(tx, id));
      return true;
    });
    return job.error();
  }
  return u;
}

Result<DatasetUploadRecord> DatasetUploadService::get(const std::string& account,
                                                      const std::string& database_name,
                                                      const std::string& table_name,
                                                      const std::string& upload_id) {
  return ctx_.db.read<DatasetUploadRecord>(
      [&](Tx& tx) { return owned(tx, account, database_name, table_name, upload_id); });
}

Result<DatasetUploadRecord> DatasetUploadService::cancel(const std::string& account,
                                                         const std::string& database_name,
                                                         const std::string& table_name,
                                                         const std::string& upload_id) {
  CR_ASSIGN(auto u, ctx_.db.write<DatasetUploadRecord>([&](Tx& tx) -> Result<DatasetUploadRecord> {
    CR_ASSIGN(auto u, owned(tx, account, database_name, table_name, upload_id));
    if (u.status != UploadStatus::Pending && u.status != UploadStatus::Running)
      return upload_ended(upload_id, u.status);
    CR_TRY(repo::request_cancel(tx, upload_id, now_epoch_seconds()));
    return u;
  }));
  // On this node it ends at once when it waits; elsewhere its node reads the request.
  if (u.node_id == ctx_.node_id) (void)jobs_.cancel(account, upload_id);
  return get(account, database_name, table_name, upload_id);
}

Status DatasetUploadService::fail_lost_uploads(int64_t alive_since_ms) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    const int64_t now = now_epoch_seconds();
    CR_TRY(status_of(repo::fail_lost(tx, kUploadStopped, now, alive_since_ms)));
    CR_TRY(status_of(repo::forget_ended(tx, now - kEndedKeptSeconds)));
    return true;
  }));
}

}  // namespace cleanroom::core
