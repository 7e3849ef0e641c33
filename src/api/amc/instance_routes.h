#pragma once
// The AMC face's instance routes (/amc/instances...) and the account routes that act in one AMC
// account (/amc/accounts/{accountId}/invitations, .../users), mapped to the core. Free functions
// over a caller resolver, so the console serves the very same routes with its session in place
// of the bearer token (api/console/amc_routes.cpp).
#include "api/amc/amc_caller.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_instance_routes(Router& router, core::Services& services, AmcCallerResolver caller);
void add_account_member_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
