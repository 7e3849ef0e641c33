#pragma once
// /amc/audiences/query: AMC rule-based audiences (docs/amc-api.md, "Audiences").
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_audience_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
