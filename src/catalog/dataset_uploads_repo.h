#pragma once
// The uploads of the data face (PUT /datasets, core/dataset_uploads.h), one row each, so that
// every node answers for them: the node running one writes its progress and end here, another
// node asks it to stop by setting cancel_requested.
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct DatasetUploadRecord {
  std::string upload_id;
  std::string account_id;  // the owner; no one else sees the upload
  std::string database_name;
  std::string table_name;
  UploadStatus status = UploadStatus::Pending;
  int64_t bytes_total = 0;
  int64_t bytes_done = 0;
  double fraction = 0;
  std::string dataset;  // once SUCCEEDED: the dataset JSON of the version it wrote
  std::string message;  // once FAILED or CANCELLED: why
  std::string node_id;  // the node that runs it (core/node_presence.h)
  bool cancel_requested = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace dataset_uploads_repo {

Status insert(Tx& tx, const DatasetUploadRecord& u);
Status remove(Tx& tx, const std::string& upload_id);
Result<std::optional<DatasetUploadRecord>> find(Tx& tx, const std::string& upload_id);
// PENDING -> RUNNING, unless a cancel was asked meanwhile; whether it moved.
Result<bool> start(Tx& tx, const std::string& upload_id, int64_t now);
// Writes the progress; whether a cancel has been asked.
Result<bool> progress(Tx& tx, const std::string& upload_id, int64_t bytes_done, int64_t bytes_total,
                      double fraction, int64_t now);
// Its end: status, progress, dataset, message.
Status end(Tx& tx, const DatasetUploadRecord& u);
// Asks the node running it to stop.
Status request_cancel(Tx& tx, const std::string& upload_id, int64_t now);
// Uploads left PENDING or RUNNING by a node silent since before `alive_since_ms` become FAILED
// with `message`; how many.
Result<int64_t> fail_lost(Tx& tx, const std::string& message, int64_t now, int64_t alive_since_ms);
// Forgets uploads that ended before `before`; how many.
Result<int64_t> forget_ended(Tx& tx, int64_t before);

}  // namespace dataset_uploads_repo
}  // namespace cleanroom::catalog
