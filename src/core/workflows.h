#pragma once
// AMC reporting (reference/amc-api-facts.md, "Reporting: workflows and executions"): saved
// workflows, and workflow executions that run a workflow's SQL, with its time window and
// parameters filled in, as a protected query of the platform's Query Submitter whose result goes
// to the advertiser's primary account (amc-clean-rooms-collaboration-setup.md: "The query
// results will be sent to the primary AWS account ID"). The SQL is checked by the protected
// query service, so a workflow can do nothing a protected query could not.
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/workflows_repo.h"
#include "core/accounts.h"
#include "core/context.h"
#include "core/instances.h"
#include "core/protected_queries.h"
#include "core/time_window.h"

namespace cleanroom::core {

struct StartExecutionRequest {
  std::optional<std::string> workflow_id;           // a saved workflow, or
  std::optional<catalog::WorkflowRecord> workflow;  // one given inline
  std::string time_window_start;                    // yyyy-MM-ddTHH:mm:ss, in the zone
  std::string time_window_end;
  std::string time_window_time_zone;  // IANA name; "" = UTC
  std::string time_window_type;       // "" = EXPLICIT with a start or end, else MOST_RECENT_DAY
  nlohmann::json parameter_values = nlohmann::json::object();
};

// AMC's dryRun: the execution as it would start, checked and planned but never run or recorded.
struct DryRunView {
  catalog::WorkflowExecutionRecord execution;  // no id, no protected query
  std::vector<engine::ResultColumn> columns;   // what the result would hold
};

// A schedule as the public API shapes it; the definition's instance_id, created_by, times and
// last run are filled in by the service.
using catalog::ScheduleRecord;

struct SchedulePage {
  std::vector<ScheduleRecord> schedules;
  std::string next_token;
};

struct WorkflowExecutionView {
  catalog::WorkflowExecutionRecord execution;
  ExecutionStatus status = ExecutionStatus::Pending;
  std::string status_reason;    // why it failed or was cancelled
  std::string output_location;  // s3://bucket/key, once Succeeded
  int64_t rows_written = 0;
  int64_t started_at_ms = 0;
  int64_t finished_at_ms = 0;
  std::optional<engine::Progress> progress;  // while Running, from get_execution
};

struct WorkflowPage {
  std::vector<catalog::WorkflowRecord> workflows;
  std::string next_token;  // "" on the last page
};

struct ExecutionPage {
  std::vector<WorkflowExecutionView> executions;
  std::string next_token;
};

class WorkflowService {
 public:
  WorkflowService(Context& ctx, InstanceService& instances, ProtectedQueryService& queries)
      : ctx_(ctx),
        instances_(instances),
        queries_(queries),
        clock_(std::make_shared<SystemClock>()) {}

  // Where relative time windows and schedules read "now" (the system clock by default).
  void set_clock(std::shared_ptr<const Clock> clock) { clock_ = std::move(clock); }
  const Clock& clock() const { return *clock_; }

  // Saved workflows. The definition's instance_id, created_by and times are filled in here.
  Result<catalog::WorkflowRecord> create(const AmcCaller& caller, const std::string& instance_id,
                                         catalog::WorkflowRecord definition);
  Result<catalog::WorkflowRecord> get(const AmcCaller& caller, const std::string& instance_id,
                                      const std::string& workflow_id);
  Result<WorkflowPage> list(const AmcCaller& caller, const std::string& instance_id,
                            const std::string& next_token, int limit);
  Result<catalog::WorkflowRecord> update(const AmcCaller& caller, const std::string& instance_id,
                                         catalog::WorkflowRecord definition);
  // Refused (Validation) while a schedule runs the workflow.
  Status remove(const AmcCaller& caller, const std::string& instance_id,
                const std::string& workflow_id);

  // Fills in the parameters and starts the protected query. A query the policy refuses is a
  // Validation error with the policy's message, and no execution is recorded.
  Result<WorkflowExecutionView> start(const AmcCaller& caller, const std::string& instance_id,
                                      const StartExecutionRequest& req);
  // The same checks and plan as start, the result's columns named by binding the query in the
  // engine's sandbox; nothing runs and nothing is recorded. A refusal is start's.
  Result<DryRunView> dry_run(const AmcCaller& caller, const std::string& instance_id,
                             const StartExecutionRequest& req);
  Result<WorkflowExecutionView> get_execution(const AmcCaller& caller,
                                              const std::string& instance_id,
                                              const std::string& execution_id);
  // Newest first; `workflow_id` empty means every workflow's.
  Result<ExecutionPage> list_executions(const AmcCaller& caller, const std::string& instance_id,
                                        const std::string& workflow_id,
                                        const std::string& next_token, int limit);
  // Only while PENDING or RUNNING (Validation otherwise, as the AMC API answers 400).
  Result<WorkflowExecutionView> cancel(const AmcCaller& caller, const std::string& instance_id,
                                       const std::string& execution_id);
  // Where the result is, once SUCCEEDED (Validation otherwise).
  Result<std::vector<std::string>> download_locations(const AmcCaller& caller,
                                                      const std::string& instance_id,
                                                      const std::string& execution_id);

  // Schedules (workflow_schedules.cpp): a saved workflow run Daily or Weekly by the server.
  Result<ScheduleRecord> create_schedule(const AmcCaller& caller, const std::string& instance_id,
                                         ScheduleRecord definition);
  Result<ScheduleRecord> get_schedule(const AmcCaller& caller, const std::string& instance_id,
                                      const std::string& schedule_id);
  Result<SchedulePage> list_schedules(const AmcCaller& caller, const std::string& instance_id,
                                      const std::string& next_token, int limit);
  Result<ScheduleRecord> update_schedule(const AmcCaller& caller, const std::string& instance_id,
                                         ScheduleRecord definition);
  Status remove_schedule(const AmcCaller& caller, const std::string& instance_id,
                         const std::string& schedule_id);
  // Starts the executions of every enabled schedule due at clock().now() (at most one per
  // schedule: a run missed while the server was down runs once, for the latest window). Returns
  // how many it started; a schedule whose run fails to start is logged and waits for its next.
  Result<int> run_due_schedules();

 private:
  Result<catalog::InstanceRecord> instance(const AmcCaller& caller, const std::string& id);
  // start and dry_run, and the scheduler's runs (`schedule_id` set).
  Result<WorkflowExecutionView> submit(const AmcCaller& caller, const std::string& instance_id,
                                       const StartExecutionRequest& req,
                                       const std::string& schedule_id, DryRunView* dry);
  Context& ctx_;
  InstanceService& instances_;
  ProtectedQueryService& queries_;
  std::shared_ptr<const Clock> clock_;
};

// The latest instant a schedule runs at that is after `after` and not after `now`, or none.
// Daily: every day at aggregationHourUtc; Weekly: on aggregationStartDay at that hour.
std::optional<int64_t> latest_due(const ScheduleRecord& s, int64_t after, int64_t now);
// The window a scheduled run at `due` covers: the day or the week before it.
std::pair<int64_t, int64_t> scheduled_window(const ScheduleRecord& s, int64_t due);

// Runs WorkflowService::run_due_schedules every `interval` on its own thread until stopped.
class WorkflowScheduler {
 public:
  explicit WorkflowScheduler(WorkflowService& workflows,
                             std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~WorkflowScheduler();  // stops
  void start();
  void stop();
  // Another periodic task run on the same thread after the schedules (AMC audience refreshes);
  // before start().
  void add_task(std::function<void()> task);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The definition rules: workflowId of letters, digits, '.', '-', '_' (1 to 128), a SQL text,
// parameters with unique names and known types, and defaults of their type.
Status check_workflow(const catalog::WorkflowRecord& w);

struct TimeWindow {
  std::string start;  // yyyy-MM-ddTHH:mm:ss, UTC
  std::string end;
};

// The SQL with BUILT_IN_PARAMETER('TIME_WINDOW_START'|'TIME_WINDOW_END') replaced by TIMESTAMP
// literals and CUSTOM_PARAMETER('x') by a literal of x's value (from `values`, else the declared
// default), rendered by its declared dataType and quoted so that no value can change the
// query's shape. Text inside string literals, quoted identifiers and comments is left alone.
Result<std::string> fill_parameters(const std::string& sql, const TimeWindow& window,
                                    const nlohmann::json& values,
                                    const std::vector<catalog::WorkflowParameter>& declared);

// The AMC status of a protected query status (docs/amc-api.md).
ExecutionStatus execution_status(QueryStatus protected_query_status);

}  // namespace cleanroom::core
