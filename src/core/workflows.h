#pragma once
// AMC reporting (reference/amc-api-facts.md, "Reporting: workflows and executions"): saved
// workflows, and workflow executions that run a workflow's SQL, with its time window and
// parameters filled in, as a protected query of the platform's Query Submitter whose result goes
// to the advertiser's primary account (amc-clean-rooms-collaboration-setup.md: "The query
// results will be sent to the primary AWS account ID"). The SQL is checked by the protected
// query service, so a workflow can do nothing a protected query could not.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/workflows_repo.h"
#include "core/accounts.h"
#include "core/context.h"
#include "core/instances.h"
#include "core/protected_queries.h"

namespace cleanroom::core {

struct StartExecutionRequest {
  std::optional<std::string> workflow_id;           // a saved workflow, or
  std::optional<catalog::WorkflowRecord> workflow;  // one given inline
  std::string time_window_start;                    // yyyy-MM-ddTHH:mm:ss
  std::string time_window_end;
  std::string time_window_time_zone;  // "" = UTC
  std::string time_window_type;       // "" = EXPLICIT
  nlohmann::json parameter_values = nlohmann::json::object();
};

struct WorkflowExecutionView {
  catalog::WorkflowExecutionRecord execution;
  std::string status;           // PENDING RUNNING SUCCEEDED FAILED CANCELLED
  std::string status_reason;    // why it failed or was cancelled
  std::string output_location;  // s3://bucket/key, once SUCCEEDED
  int64_t rows_written = 0;
  int64_t started_at_ms = 0;
  int64_t finished_at_ms = 0;
  std::optional<engine::Progress> progress;  // while RUNNING, from get_execution
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
      : ctx_(ctx), instances_(instances), queries_(queries) {}

  // Saved workflows. The definition's instance_id, created_by and times are filled in here.
  Result<catalog::WorkflowRecord> create(const AmcCaller& caller, const std::string& instance_id,
                                         catalog::WorkflowRecord definition);
  Result<catalog::WorkflowRecord> get(const AmcCaller& caller, const std::string& instance_id,
                                      const std::string& workflow_id);
  Result<WorkflowPage> list(const AmcCaller& caller, const std::string& instance_id,
                            const std::string& next_token, int limit);
  Result<catalog::WorkflowRecord> update(const AmcCaller& caller, const std::string& instance_id,
                                         catalog::WorkflowRecord definition);
  Status remove(const AmcCaller& caller, const std::string& instance_id,
                const std::string& workflow_id);

  // Fills in the parameters and starts the protected query. A query the policy refuses is a
  // Validation error with the policy's message, and no execution is recorded.
  Result<WorkflowExecutionView> start(const AmcCaller& caller, const std::string& instance_id,
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

 private:
  Result<catalog::InstanceRecord> instance(const AmcCaller& caller, const std::string& id);
  Context& ctx_;
  InstanceService& instances_;
  ProtectedQueryService& queries_;
};

// The definition rules: workflowId of letters, digits, '.', '-', '_' (1 to 128), a SQL text,
// parameters with unique names and known types, and defaults of their type.
Status check_workflow(const catalog::WorkflowRecord& w);

struct TimeWindow {
  std::string start;  // yyyy-MM-ddTHH:mm:ss
  std::string end;
};

// The SQL with BUILT_IN_PARAMETER('TIME_WINDOW_START'|'TIME_WINDOW_END') replaced by TIMESTAMP
// literals and CUSTOM_PARAMETER('x') by a literal of x's value (from `values`, else the declared
// default), rendered by its declared dataType and quoted so that no value can change the
// query's shape. Text inside string literals, quoted identifiers and comments is left alone.
Result<std::string> fill_parameters(const std::string& sql, const TimeWindow& window,
                                    const nlohmann::json& values,
                                    const std::vector<catalog::WorkflowParameter>& declared);

// The AMC status of a protected query status.
std::string execution_status(const std::string& protected_query_status);

}  // namespace cleanroom::core
