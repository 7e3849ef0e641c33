#pragma once
// /amc/advertiserData/{instanceId}/userDeletionRequest: removing people's rows from an
// instance's data sets (docs/amc-api.md, "User deletion requests").
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_user_deletion_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
