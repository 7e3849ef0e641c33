#pragma once
// The console's reads of an AWS account's own data: its datasets (as GET /datasets answers),
// and the result file of one of its protected queries.
#include <functional>
#include <string>

#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::console {

// The AWS account a request acts as, or why it may not.
using AwsAccountResolver = std::function<Result<std::string>(const Request&)>;

void add_data_routes(Router& router, core::Services& s, AwsAccountResolver account);

}  // namespace cleanroom::api::console
