#pragma once
// AMC rule-based audiences (/amc/audiences/query; docs/amc-api.md, "Audiences"): a SQL query
// over the instance's `*_for_audiences` tables picks people; at least 2,000 of them are delivered
// to the advertiser's results bucket as opaque records, refreshed every `refreshRateDays`.
//
// What an advertiser must never learn from it, and why it does not:
// - who a record is: each record is an HMAC of the person under a key of that one delivery, so a
//   record cannot be computed from anything the advertiser knows, nor linked to a record of
//   another audience or another refresh of the same one;
// - whether one person is in a set: a delivery needs 2,000 people who are people of the tables
//   read (values the SQL makes up are not people), and a set that differs from any set the
//   instance was already delivered by fewer than 2,000 people is not delivered (the difference
//   checks of core/difference_checks.h, over the instance's own audience history);
// - its own uploads: audiences read the platform's tables only.
#include <optional>
#include <string>
#include <vector>

#include "catalog/amc_audiences_repo.h"
#include "core/accounts.h"
#include "core/context.h"
#include "core/difference_checks.h"
#include "core/instances.h"
#include "core/upload_jobs.h"
#include "core/workflows.h"

namespace cleanroom::core {

inline constexpr int64_t kMinAudiencePeople = 2000;
inline constexpr int64_t kMaxRefreshRateDays = 30;

struct CreateAudienceRequest {
  std::string name;
  std::string description;
  std::string query_text;
  std::string window_type;  // as a workflow execution's timeWindowType
  std::string window_start;
  std::string window_end;
  std::string window_zone;
  int64_t refresh_rate_days = 0;
};

class AmcAudienceService {
 public:
  // Windows and refreshes read the workflows' clock (serve --clock-start), whenever it is set.
  AmcAudienceService(Context& ctx, UploadJobs& jobs, const WorkflowService& workflows);

  // Checks the definition and the SQL (Validation, nothing recorded), needs the instance ACTIVE
  // (its results bucket), records the audience PENDING and queues its first run.
  Result<catalog::AmcAudienceRecord> create(const AmcCaller& caller, const std::string& instance_id,
                                            const CreateAudienceRequest& req);
  Result<catalog::AmcAudienceRecord> get(const AmcCaller& caller, const std::string& instance_id,
                                         const std::string& audience_id);
  Result<std::vector<catalog::AmcAudienceRecord>> list(const AmcCaller& caller,
                                                       const std::string& instance_id);
  // Stops its refreshes and forgets it; delivered records stay in the advertiser's bucket.
  // Refused (Conflict) while a run is queued or running.
  Status remove(const AmcCaller& caller, const std::string& instance_id,
                const std::string& audience_id);
  // Queues a run of every audience whose refresh is due now; how many.
  Result<int> run_due_refreshes();
  // Runs whose node is silent since before `alive_since_ms` (core/node_presence.h) are FAILED,
  // to run again at the next refresh.
  Status fail_lost_runs(int64_t alive_since_ms);

 private:
  Status queue_run(const catalog::AmcAudienceRecord& a, const std::string& account);
  Context& ctx_;
  UploadJobs& jobs_;
  const WorkflowService& workflows_;
  InstanceService instances_;
  std::shared_ptr<DifferenceChecks> checks_;
};

}  // namespace cleanroom::core
