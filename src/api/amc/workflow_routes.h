#pragma once
// The AMC face's reporting: /amc/reporting/{instanceId}/workflows... and
// .../workflowExecutions..., the paths and shapes of reference/amc-api-facts.md "Reporting:
// workflows and executions", mapped to core::WorkflowService (docs/amc-api.md, "Reporting:
// workflows and executions").
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_workflow_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
