#pragma once
// Rows of protected queries: what was asked, where the result goes, and how far it got.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct ProtectedQueryRecord {
  std::string id;
  std::string collaboration_id;
  std::string membership_id;
  std::string account_id;  // the member that started it
  std::string query_text;
  std::string analysis_template_arn;  // "" when the SQL was given directly
  nlohmann::json parameters;          // object; empty without a template
  std::string receiver_account_id;
  std::string result_bucket;
  std::string result_key_prefix;
  ResultFormat result_format = ResultFormat::Csv;
  QueryStatus status = QueryStatus::Submitted;
  std::string error_code;  // "" unless Failed, Cancelled or TimedOut
  std::string error_message;
  std::string result_location;  // set on Success
  int64_t rows_written = 0;
  int64_t created_at_ms = 0;
  int64_t started_at_ms = 0;   // 0 until Started
  int64_t finished_at_ms = 0;  // 0 until terminal
  // AMC's filteredMetricsDiscriminatorColumn: "" drops the rows under a threshold; a name folds
  // them into one thresholded row flagged in that column (policy/filtered_rows.h).
  std::string filtered_rows_column;
  // An AMC execution's other output options (core/workflow_output.h): a JSON object, or null.
  nlohmann::json output_options;
  // A differentially private query's aggregations and their bounds (policy::DpSensitivity) as
  // JSON [{aggregationType, aggregationExpression, userContributionLimit, minColumnValue,
  // maxColumnValue}], or null.
  nlohmann::json differential_privacy;
  // The node running it, or that will (core/node_presence.h); "" when none holds it. attempts:
  // how many nodes have taken it.
  std::string node_id;
  int64_t attempts = 1;
};

namespace protected_queries_repo {

Status insert(Tx& tx, const ProtectedQueryRecord& q);
Result<std::optional<ProtectedQueryRecord>> find(Tx& tx, const std::string& id);
// Newest first; `membership_id` empty lists the whole collaboration (the query log). `status`
// nullopt means any. Paging: rows strictly older than the row `after` (its id), at most `limit`.
Result<std::vector<ProtectedQueryRecord>> list(Tx& tx, const std::string& collaboration_id,
                                               const std::string& membership_id,
                                               std::optional<QueryStatus> status,
                                               const std::string& after, int limit);
// Writes the mutable part: status, error, result, counts, times.
Status update_state(Tx& tx, const ProtectedQueryRecord& q);
// Queries in `status`, of every collaboration (admission).
Result<int64_t> count_in_status(Tx& tx, QueryStatus status);
// An unfinished query no live node holds (its node beat last before `alive_since_ms`, or it
// was released), oldest first.
struct Orphan {
  std::string id;
  std::string collaboration_id;
  QueryStatus status = QueryStatus::Submitted;
  int64_t attempts = 0;
};
Result<std::vector<Orphan>> orphans(Tx& tx, int64_t alive_since_ms);
// Gives the query to `node_id` to run: SUBMITTED again, one more attempt.
Status take(Tx& tx, const std::string& id, const std::string& node_id);
// Ends a query no node holds any more: `status` with its error.
Status end_orphan(Tx& tx, const std::string& id, QueryStatus status, const std::string& code,
                  const std::string& message, int64_t now_ms);
// The queries `node_id` holds in `status`: SUBMITTED ones wait to run there (another node may
// have given them), CANCELLING ones a member asked to cancel through any node.
Result<std::vector<std::string>> held_by(Tx& tx, const std::string& node_id, QueryStatus status);
// The error message of a CANCELLED query, whichever node ended it.
inline constexpr const char* kQueryCancelled = "the query was cancelled";
// A node that stops: what it holds becomes any node's (SUBMITTED, no node), but what was being
// cancelled is CANCELLED. Returns how many.
Result<int64_t> release(Tx& tx, const std::string& node_id, int64_t now_ms);

}  // namespace protected_queries_repo
}  // namespace cleanroom::catalog
