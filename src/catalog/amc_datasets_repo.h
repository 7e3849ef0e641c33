#pragma once
// Rows of AMC advertiser data sets (the definition an upload is read by) and their uploads. The
// data itself is an ordinary dataset (datasets_repo) of the instance's AWS account.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct AmcColumnDef {
  std::string name;
  std::string description;
  std::string data_type;    // STRING, DECIMAL, INTEGER, LONG, TIMESTAMP, DATE
  std::string column_type;  // DIMENSION, METRIC
  bool nullable = true;
  bool main_event_time = false;
  std::string identifier_type;  // "" or EMAIL, PHONE, FIRST_NAME, ... (hashed identifiers)
};

struct AmcDataSetRecord {
  std::string instance_id;
  std::string data_set_id;
  std::string account_id;  // owner of the data: the instance's AWS account
  std::string description;
  std::string data_set_type;                 // FACT, DIMENSION
  std::string period;                        // PT1M, PT1H, P1D, P7D, P1M
  DataFormat file_format = DataFormat::Csv;  // CSV or JSON: the default format of uploads
  std::string country_code;                  // "" when not given
  std::vector<AmcColumnDef> columns;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct AmcUploadRecord {
  std::string upload_id;
  std::string instance_id;
  std::string data_set_id;
  UploadStatus status = UploadStatus::Pending;
  std::string message;    // "" or why it failed
  nlohmann::json source;  // {dataSource?, fileFormat, countryCode, ...} as used
  int64_t version = 0;    // the dataset version written; 0 when it failed
  int64_t row_count = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string node_id;  // the node that runs it (core/node_presence.h)
};

// A user deletion request (/userDeletionRequest): how many identities it named and how far it
// is, never the identities themselves (they live in memory until the job has run).
struct AmcDeletionRequestRecord {
  std::string request_id;
  std::string instance_id;
  UploadStatus status = UploadStatus::Pending;
  int64_t identity_count = 0;
  std::string message;  // "" or why it failed
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string node_id;  // the node that runs it (core/node_presence.h)
};

namespace amc_datasets_repo {

Status insert(Tx& tx, const AmcDataSetRecord& d);
Result<std::optional<AmcDataSetRecord>> find(Tx& tx, const std::string& instance_id,
                                             const std::string& data_set_id);
// The instance's data sets by id, after `after` (paging).
Result<std::vector<AmcDataSetRecord>> list(Tx& tx, const std::string& instance_id,
                                           const std::string& after, int limit);
// Removes the definition and its uploads.
Status remove(Tx& tx, const std::string& instance_id, const std::string& data_set_id);

Status insert_upload(Tx& tx, const AmcUploadRecord& u);
// Its status, message, version, row count and update time.
Status update_upload(Tx& tx, const AmcUploadRecord& u);
Status delete_upload(Tx& tx, const std::string& upload_id);
// Uploads left PENDING or RUNNING by a node silent since before `alive_since_ms` become FAILED
// with `message`; how many.
Result<int64_t> fail_lost_uploads(Tx& tx, const std::string& message, int64_t now,
                                  int64_t alive_since_ms);
Result<std::optional<AmcUploadRecord>> find_upload(Tx& tx, const std::string& instance_id,
                                                   const std::string& data_set_id,
                                                   const std::string& upload_id);
// Newest first; all of the instance's when data_set_id is "".
Result<std::vector<AmcUploadRecord>> list_uploads(Tx& tx, const std::string& instance_id,
                                                  const std::string& data_set_id);

Status insert_deletion_request(Tx& tx, const AmcDeletionRequestRecord& r);
// Its status, message and update time.
Status update_deletion_request(Tx& tx, const AmcDeletionRequestRecord& r);
Result<std::optional<AmcDeletionRequestRecord>> find_deletion_request(
    Tx& tx, const std::string& instance_id, const std::string& request_id);
// Newest first.
Result<std::vector<AmcDeletionRequestRecord>> list_deletion_requests(
    Tx& tx, const std::string& instance_id);
// Requests (uploads) of the instance that are PENDING or RUNNING.
Result<int64_t> unfinished_deletion_requests(Tx& tx, const std::string& instance_id);
Result<int64_t> unfinished_uploads(Tx& tx, const std::string& instance_id);
// As fail_lost_uploads, for deletion requests.
Result<int64_t> fail_lost_deletion_requests(Tx& tx, const std::string& message, int64_t now,
                                            int64_t alive_since_ms);

}  // namespace amc_datasets_repo
}  // namespace cleanroom::catalog
