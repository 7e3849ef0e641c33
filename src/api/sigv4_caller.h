#pragma once
// Who signed a request: the account owning the SigV4 access key, for every face that speaks
// the AWS protocol (the Clean Rooms API, the dataset upload).
#include <string>

#include "api/http.h"
#include "common/error.h"
#include "core/core.h"

namespace cleanroom::api {

// The account id, or an Unauthenticated error carrying the AWS error code as its reason.
Result<std::string> sigv4_caller(core::Services& services, const Request& req);

}  // namespace cleanroom::api
