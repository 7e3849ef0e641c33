#pragma once
// Rows of AMC rule-based audiences (/amc/audiences/query): the definition, and how its latest
// delivery went. The people never enter the catalog.
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct AmcAudienceRecord {
  std::string audience_id;
  std::string instance_id;
  std::string name;
  std::string description;
  std::string query_text;
  int64_t window_start = 0;  // epoch seconds, UTC, [start, end)
  int64_t window_end = 0;
  int64_t refresh_rate_days = 0;  // 0: delivered once
  UploadStatus status = UploadStatus::Pending;
  std::string status_reason;
  int64_t audience_count = 0;   // people in the latest delivery; 0 before one
  std::string output_location;  // s3://bucket/key of the latest delivery, "" before one
  int64_t deliveries = 0;
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t last_run_at = 0;  // when the latest run started; 0 before one
  std::string node_id;      // the node that runs it (core/node_presence.h)
};

namespace amc_audiences_repo {

Status insert(Tx& tx, const AmcAudienceRecord& a);
// Status, reason, count, location, deliveries and times.
Status update_state(Tx& tx, const AmcAudienceRecord& a);
Result<std::optional<AmcAudienceRecord>> find(Tx& tx, const std::string& instance_id,
                                              const std::string& audience_id);
// Newest first.
Result<std::vector<AmcAudienceRecord>> list(Tx& tx, const std::string& instance_id);
Status remove(Tx& tx, const std::string& audience_id);
// Audiences that refresh and whose last run is at least their rate old at `now`, and are not
// queued or running.
Result<std::vector<AmcAudienceRecord>> due_refreshes(Tx& tx, int64_t now);
// Runs left PENDING or RUNNING by a node silent since before `alive_since_ms` become FAILED with
// `message`; how many.
Result<int64_t> fail_lost_runs(Tx& tx, const std::string& message, int64_t now,
                               int64_t alive_since_ms);

}  // namespace amc_audiences_repo
}  // namespace cleanroom::catalog
