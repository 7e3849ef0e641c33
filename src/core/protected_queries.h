#pragma once
// Protected queries: an analyst's SQL, checked against the analysis rule of every table it reads
// (src/policy), run in the engine's sandbox on a bounded pool of workers (never on the caller's
// thread), and its result delivered to the receiver's bucket. The state of every query is in the
// catalog, so a restart loses none: what was running ends FAILED with the reason.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/protected_queries_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/difference_checks.h"
#include "core/privacy_budgets.h"
#include "core/result_destinations.h"
#include "core/workflow_output.h"
#include "engine/engine.h"

namespace cleanroom::core {

struct QueryLimits {
  int workers = 2;                      // queries that run at once; the rest wait SUBMITTED
  int threads_per_query = 2;            // engine threads of one query
  std::string memory_limit = "4GB";     // per query
  int64_t timeout_ms = 30 * 60 * 1000;  // then TIMED_OUT
  // Admission: queries waiting SUBMITTED at most, in all; a start beyond it is Throttled, so a
  // burst cannot queue without bound.
  int queued = 200;
  // An AMC instance's workflow executions pending or running at once, as AMC allows; another is
  // Throttled until one ends.
  int executions_per_instance = 10;
  // Per query: the most its engine may spill (engine::EngineOptions::spill_limit); one that needs
  // more ends FAILED, saying so. Last, so that initialisers that list the fields above in order
  // keep their meaning.
  std::string spill_limit = engine::kDefaultSpillLimit;
};

struct StartQueryRequest {
  std::string membership_id;
  std::string type = "SQL";
  std::optional<std::string> query_string;
  std::optional<std::string> analysis_template_arn;
  std::map<std::string, std::string> parameters;
  std::optional<ResultDestination> destination;  // unset: the membership's default
  DestinationNames destination_names;            // how errors name it: the face's fields
  std::string filtered_rows_column;              // AMC's filteredMetricsDiscriminatorColumn, or ""
  // An AMC workflow execution's time window, [first, second) in epoch seconds (UTC): every
  // platform table is read only for it (limit_platform_rows). Unset (the Clean Rooms face):
  // every row.
  std::optional<std::pair<int64_t, int64_t>> time_window;
  // An AMC workflow's other filtered-row options and outputColumns (core/workflow_output.h).
  OutputOptions output_options;
  // What the caller records beside the query (an AMC execution), in the transaction that records
  // it SUBMITTED: a crash leaves both or neither, and an error records neither.
  std::function<Status(catalog::Tx&, const catalog::ProtectedQueryRecord&)> record_with;
};

// What a dry run found: the SQL the engine would run and the columns it would answer.
struct QueryPlanView {
  std::string sql;
  std::vector<engine::ResultColumn> columns;
};

struct ProtectedQueryView {
  catalog::ProtectedQueryRecord query;
  std::string membership_account_id;         // owner of query.membership_id
  std::optional<engine::Progress> progress;  // while STARTED
  // Only the member that started it and the receiver see where the result went.
  bool shows_result = false;
};

class QueryWorkers;

// How busy the query pool is, for the metrics: queries waiting and running now, and how many
// were submitted and ended in each final state since the service started.
struct QueryCounts {
  size_t queued = 0;
  size_t running = 0;
  uint64_t submitted = 0;
  std::map<QueryStatus, uint64_t> ended;  // SUCCESS, FAILED, CANCELLED, TIMED_OUT
};

class ProtectedQueryService {
 public:
  ProtectedQueryService(Context& ctx, QueryLimits limits = {});
  // Stops the workers; the queries this node held, queued or running, are released to the other
  // nodes or the next start, which run them (a query being cancelled ends CANCELLED).
  ~ProtectedQueryService();

  // Checks the caller may query and the SQL against every rule, records the query SUBMITTED and
  // queues it. A refused query is a Validation error (reason INVALID_QUERY) and is not recorded.
  Result<ProtectedQueryView> start(const std::string& caller, const StartQueryRequest& req);
  // The same checks as start, then the query bound (never run) in the sandbox to name its
  // columns; nothing is recorded (AMC's dryRun).
  Result<QueryPlanView> dry_run(const std::string& caller, const StartQueryRequest& req);
  // The caller's own queries; with the query log enabled on its membership, every query of the
  // collaboration (clean-rooms-semantics.md: queryLogStatus).
  Result<ProtectedQueryView> get(const std::string& caller, const std::string& membership_id,
                                 const std::string& id);
  // How far a running query is; none when it is not running. For services that already showed
  // the caller what the query belongs to (an AMC workflow execution).
  std::optional<engine::Progress> progress_of(const std::string& id);
  Result<std::pair<std::vector<ProtectedQueryView>, std::string>> list(
      const std::string& caller, const std::string& membership_id,
      std::optional<QueryStatus> status, const Page& page);
  // UpdateProtectedQuery targetStatus CANCELLED; only by the member that started it, only while
  // it has not ended (Conflict INVALID_STATE otherwise).
  Result<ProtectedQueryView> cancel(const std::string& caller, const std::string& membership_id,
                                    const std::string& id);

  // Removes the result files this node's previous life was writing; run by `serve` at start.
  Status clear_result_staging();
  // On each beat of this node (core/node_presence.h): takes the unfinished queries of nodes
  // silent since `alive_since_ms` (or released) and runs them here, ending those already taken
  // kMaxAttempts times FAILED (NODE_LOST); and stops the queries running here that a member
  // cancelled through another node.
  Status adopt_orphans(int64_t alive_since_ms);
  static constexpr int64_t kMaxAttempts = 3;
  // Blocks until no query is queued or running (tests, shutdown).
  void wait_idle();
  const QueryLimits& limits() const { return limits_; }
  QueryCounts counts() const;

 private:
  void run(const std::string& id);
  // Where results are written before delivery: DATA_DIR/staging/results/<query id>.<format>.
  std::string results_staging_dir() const;
  // start, or with `dry` a dry run that fills it and records nothing.
  Result<ProtectedQueryView> submit(const std::string& caller, const StartQueryRequest& req,
                                    QueryPlanView* dry);
  Context& ctx_;
  QueryLimits limits_;
  DifferenceChecks difference_checks_;  // before workers_: their runs use it
  PrivacyBudgetService budgets_{ctx_};
  std::unique_ptr<QueryWorkers> workers_;
  mutable std::mutex counts_mu_;
  uint64_t submitted_ = 0;
  std::map<QueryStatus, uint64_t> ended_;
  void count_ended(QueryStatus s);
};

}  // namespace cleanroom::core
