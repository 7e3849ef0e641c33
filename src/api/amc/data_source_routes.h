#pragma once
// /amc/reporting/{instanceId}/dataSources: the tables an instance's SQL reads, with their
// columns and classes (docs/amc-api.md, "Data sources").
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_data_source_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
