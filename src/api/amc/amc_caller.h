#pragma once
// How the AMC face's route groups learn who is calling: the face resolves the AMC headers and
// the bearer token to a caller, as every AMC route does (docs/amc-api.md, "Headers and errors").
#include <functional>

#include "api/http.h"
#include "core/accounts.h"

namespace cleanroom::api::amc {

using AmcCallerResolver = std::function<Result<core::AmcCaller>(const Request&)>;

}  // namespace cleanroom::api::amc
