#pragma once
// The AMC face's schedules: /amc/reporting/{instanceId}/schedules[/{scheduleId}], as the public
// AMC API shapes them (Schedule: scheduleId, workflowId, aggregationPeriod Daily|Weekly,
// aggregationHourUtc, aggregationStartDay, scheduleEnabled), mapped to core::WorkflowService
// (docs/amc-api.md, "Schedules").
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/workflows.h"

namespace cleanroom::api::amc {

void add_schedule_routes(Router& router, core::WorkflowService& service, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
