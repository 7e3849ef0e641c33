#include "core/upload_jobs.h"

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/logging.h"

namespace cleanroom::core {
namespace {

// Ended jobs kept for GET, newest first; older ones are NotFound.
constexpr size_t kEndedKept = 1000;

}  // namespace

Error upload_ended(const std::string& id, UploadStatus status) {
  return Error::conflict(
      "upload " + id + " has already ended (" + std::string(wire_name(status)) + ")",
      Cause::InvalidState, Resource::Upload, id);
}

UploadJobs::UploadJobs(UploadJobLimits limits) : limits_(limits) {
  for (int i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { work_loop(); });
}

UploadJobs::~UploadJobs() { stop(); }

Result<UploadJob> UploadJobs::submit(const std::string& account, const std::string& database_name,
                                     const std::string& table_name, UploadWork work,
                                     UploadEnded ended, const std::string& id) {
  std::lock_guard lock(mu_);
  if (stopping_) return Error::throttled("the server is stopping; upload again once it is back");
  int own = 0;
  for (const auto& [id, e] : jobs_)
    if (e->job.account == account &&
        (e->job.status == UploadStatus::Pending || e->job.status == UploadStatus::Running))
      own++;
  if (own >= limits_.per_account)
    return Error::throttled("this account already has " + std::to_string(own) +
                            " uploads waiting or running; upload again when one has ended");
  if (static_cast<int>(queue_.size()) >= limits_.queue)
    // The bound, not the count: how many other parties' uploads wait is not the caller's to learn.
    return Error::throttled("the server's queue of " + std::to_string(limits_.queue) +
                            " uploads waiting is full; upload again shortly");
  auto e = std::make_shared<Entry>();
  e->job.id = id.empty() ? crypto::uuid4() : id;
  e->job.account = account;
  e->job.database_name = database_name;
  e->job.table_name = table_name;
  e->job.created_at = e->job.updated_at = now_epoch_seconds();
  e->request_id = logging::context_value("requestId");
  e->work = std::move(work);
  e->ended = std::move(ended);
  jobs_[e->job.id] = e;
  queue_.push_back(e);
  wake_.notify_one();
  return e->job;
}

Result<UploadJob> UploadJobs::get(const std::string& account, const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->job.account != account)
    return Error::not_found(Resource::Upload, id);
  return it->second->job;
}

Result<UploadJob> UploadJobs::cancel(const std::string& account, const std::string& id) {
  std::shared_ptr<Entry> ended_now;
  UploadJob answer;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second->job.account != account)
      return Error::not_found(Resource::Upload, id);
    Entry& e = *it->second;
    if (e.job.status != UploadStatus::Pending && e.job.status != UploadStatus::Running)
      return upload_ended(id, e.job.status);
    e.cancel = true;
    if (e.job.status == UploadStatus::Pending) {
      std::erase(queue_, it->second);
      end(e, UploadStatus::Cancelled, Error::cancelled(kUploadCancelled));
      ended_now = it->second;
    }
    answer = e.job;
  }
  if (ended_now && ended_now->ended) ended_now->ended(ended_now->job);
  return answer;
}

void UploadJobs::stop() {
  std::vector<std::shared_ptr<Entry>> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& e : queue_) {
      end(*e, UploadStatus::Failed,
          Error::cancelled("the server stopped before the upload started; upload again"));
      dropped.push_back(e);
    }
    queue_.clear();
  }
  wake_.notify_all();
  for (auto& e : dropped)
    if (e->ended) e->ended(e->job);
  for (auto& t : workers_) t.join();
  workers_.clear();
}

UploadJobs::Counts UploadJobs::counts() const {
  std::lock_guard lock(mu_);
  Counts c;
  for (const auto& [id, e] : jobs_) {
    if (e->job.status == UploadStatus::Pending) c.pending++;
    if (e->job.status == UploadStatus::Running) c.running++;
  }
  return c;
}

void UploadJobs::work_loop() {
  for (;;) {
    std::shared_ptr<Entry> e;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      e = queue_.front();
      queue_.pop_front();
      e->job.status = UploadStatus::Running;
      e->job.updated_at = now_epoch_seconds();
    }
    auto progress = [this, e](const data::IngestProgress& p) {
      std::lock_guard lock(mu_);
      e->job.progress = p;
      return !e->cancel && !stopping_;
    };
    logging::Scope log_context({{"requestId", e->request_id}, {"uploadId", e->job.id}});
    Result<catalog::DatasetRecord> r = e->work(progress);
    if (!r.ok() && r.error().kind == ErrorKind::Internal) {
      // The detail names the server's own paths: the log has it, the job's owner does not.
      spdlog::error("upload failed: {}", logging::printable(r.error().message));
      r = Error::internal("internal error; the server's log has its detail under upload id " +
                          e->job.id);
    }
    {
      std::lock_guard lock(mu_);
      if (r.ok()) {
        e->job.dataset = *r;
        e->job.progress.fraction = 1;
        e->job.progress.bytes_done = e->job.progress.bytes_total;
        end(*e, UploadStatus::Succeeded, std::nullopt);
      } else if (e->cancel) {
        end(*e, UploadStatus::Cancelled, Error::cancelled(kUploadCancelled));
      } else if (stopping_) {
        end(*e, UploadStatus::Failed, Error::cancelled(kUploadStopped));
      } else {
        end(*e, UploadStatus::Failed, r.error());
      }
    }
    if (e->ended) e->ended(e->job);
  }
}

void UploadJobs::end(Entry& e, UploadStatus status, std::optional<Error> error) {
  e.job.status = status;
  e.job.error = std::move(error);
  e.job.updated_at = now_epoch_seconds();
  e.work = nullptr;  // it holds the data (a request body, say), no longer needed
  ended_.push_back(e.job.id);
  while (ended_.size() > kEndedKept) {
    jobs_.erase(ended_.front());
    ended_.pop_front();
  }
}

}  // namespace cleanroom::core
