#pragma once
// The data face's uploads (PUT /datasets): each is a job of the receiving node's pool
// (core/upload_jobs.h) and a catalog row (catalog/dataset_uploads_repo.h), so that any node of a
// cluster shows its progress and cancels it, and a node that stops leaves its uploads FAILED with
// the reason instead of lost. The body stays in the receiving node's memory (raw identity values
// reach no disk and no store before they are hashed), so that node alone can run the upload; when
// it is lost, the upload is FAILED, to be sent again.
#include <cstdint>
#include <memory>
#include <string>

#include "catalog/dataset_uploads_repo.h"
#include "core/context.h"
#include "core/datasets.h"
#include "core/upload_jobs.h"
#include "data/memory_file.h"

namespace cleanroom::core {

class DatasetUploadService {
 public:
  DatasetUploadService(Context& ctx, UploadJobs& jobs) : ctx_(ctx), jobs_(jobs) {}

  // Queues the ingest of `body` into the account's table as `req` says (checked already:
  // DatasetService::check_upload). Throttled when the pool is full.
  Result<catalog::DatasetUploadRecord> submit(const std::string& account, UploadRequest req,
                                              std::shared_ptr<const data::MemoryFile> body);
  // Another account's upload, or another table's, is NotFound, as one that does not exist.
  Result<catalog::DatasetUploadRecord> get(const std::string& account,
                                           const std::string& database_name,
                                           const std::string& table_name,
                                           const std::string& upload_id);
  // A waiting upload on this node ends at once; a running one, or one on another node, at its
  // node's next progress report (within a second). An ended one is a Conflict.
  Result<catalog::DatasetUploadRecord> cancel(const std::string& account,
                                              const std::string& database_name,
                                              const std::string& table_name,
                                              const std::string& upload_id);
  // Uploads whose node is silent since before `alive_since_ms` (core/node_presence.h) are FAILED;
  // uploads ended a week ago are forgotten.
  Status fail_lost_uploads(int64_t alive_since_ms);

 private:
  Context& ctx_;
  UploadJobs& jobs_;
};

}  // namespace cleanroom::core
