#pragma once
// The console's AMC calls, under the AMC face's own paths (/amc/instances, /amc/accounts/...,
// /amc/reporting/...), for the AMC account the caller resolver picks: the same wire shapes,
// core calls and error messages as the AMC face, plus two console-only reads of a workflow
// execution (its progress and its result file).
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::console {

void add_amc_routes(Router& router, core::Services& s, amc::AmcCallerResolver caller);

}  // namespace cleanroom::api::console
