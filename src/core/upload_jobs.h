#pragma once
// Uploads run as jobs on a small pool of threads of their own, so ingesting a large file never
// holds a request thread: the request that brings the data queues a job and answers at once with
// its id; GET on the job shows its progress; its owner can cancel it. The queue is bounded in all
// and per account, so one party cannot make everyone's uploads wait without end: over a bound a
// submit is Throttled. Jobs live in memory, as their data does (raw identity values never reach
// disk before they are hashed), and a dataset changes only when a job commits its version: a
// crash loses the job and leaves the previous version the one that is read. Each service that
// queues jobs also records them in the catalog with this node's id, so any node answers for them
// and a lost node's are ended FAILED (core/node_presence.h).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/datasets_repo.h"
#include "common/error.h"
#include "common/states.h"
#include "data/ingest.h"

namespace cleanroom::core {

struct UploadJobLimits {
  int workers = 2;      // ingests at a time; each uses every core, so more would only add memory
  int queue = 32;       // jobs waiting, in all
  int per_account = 8;  // jobs waiting or running, of one account
};

struct UploadJob {
  std::string id;
  std::string account;  // the owner; no one else sees the job
  std::string database_name;
  std::string table_name;
  UploadStatus status = UploadStatus::Pending;
  data::IngestProgress progress;
  std::optional<catalog::DatasetRecord> dataset;  // once Succeeded
  std::optional<Error> error;                     // once Failed or Cancelled
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A job's work: the ingest, reporting progress to the callback, which answers false once the job
// is to stop.
using UploadWork = std::function<Result<catalog::DatasetRecord>(const data::ProgressCallback&)>;
// Called once when a job has ended, on the job's thread (an AMC upload records its end here).
using UploadEnded = std::function<void(const UploadJob&)>;

// Why an upload ended FAILED when the server running it stopped: cleanly (stop()) or not (another
// node, or the next start, finds it held by a silent node).
inline constexpr const char* kUploadStopped =
    "the server stopped before the upload finished; upload the data again";
inline constexpr const char* kUploadCancelled = "the upload was cancelled";
// The Conflict of cancelling upload `id`, which has ended in `status`.
Error upload_ended(const std::string& id, UploadStatus status);

class UploadJobs {
 public:
  explicit UploadJobs(UploadJobLimits limits = {});
  ~UploadJobs();  // stop()
  UploadJobs(const UploadJobs&) = delete;
  UploadJobs& operator=(const UploadJobs&) = delete;

  // The job's id is `id`, or a new one when "" (a caller that records the job elsewhere first
  // names it: core/dataset_uploads.h).
  Result<UploadJob> submit(const std::string& account, const std::string& database_name,
                           const std::string& table_name, UploadWork work, UploadEnded ended = {},
                           const std::string& id = "");
  // Another account's job is NotFound, as one that does not exist.
  Result<UploadJob> get(const std::string& account, const std::string& id) const;
  // A pending job ends at once, a running one at its next progress report; an ended one is a
  // Conflict.
  Result<UploadJob> cancel(const std::string& account, const std::string& id);
  // Ends every job (as Failed: the server stopped) and waits for the workers.
  void stop();

  struct Counts {
    int pending = 0;
    int running = 0;
  };
  Counts counts() const;

 private:
  struct Entry {
    UploadJob job;
    std::string request_id;  // of the request that queued it: its log lines name it too
    UploadWork work;
    UploadEnded ended;
    bool cancel = false;
  };
  void work_loop();
  // Under mu_: records the end and keeps the newest ended jobs only.
  void end(Entry& e, UploadStatus status, std::optional<Error> error);

  UploadJobLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Entry>> jobs_;
  std::deque<std::shared_ptr<Entry>> queue_;
  std::deque<std::string> ended_;  // oldest first
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cleanroom::core
