#pragma once
// The AMC face's advertiser data upload: /amc/advertiserData/{instanceId}/dataSets... and
// .../uploads..., the paths and shapes of Amazon's Advertiser Data Upload API, mapped to
// core::AmcDataUploadService (docs/amc-api.md, "Advertiser data upload").
#include "api/amc/amc_caller.h"
#include "api/http.h"
#include "api/router.h"
#include "core/core.h"

namespace cleanroom::api::amc {

void add_data_upload_routes(Router& router, core::Services& services, AmcCallerResolver caller);

}  // namespace cleanroom::api::amc
