#include "api/console/amc_routes.h"

#include "api/amc/amc_face.h"
#include "api/amc/instance_routes.h"
#include "api/amc/workflow_routes.h"
#include "api/console/result_download.h"

namespace cleanroom::api::console {
using amc::guarded;
using nlohmann::json;

namespace {

void add_execution_extras(Router& r, core::Services& s, const amc::AmcCallerResolver& caller) {
  const std::string execution =
      "/amc/reporting/{instanceId}/workflowExecutions/{workflowExecutionId}";
  // The result file itself, for the download link and the preview (downloadUrls names where it is).
  r.add("GET", execution + "/result", guarded([&s, caller](Request& req) -> Result<Response> {
          CR_ASSIGN(auto c, caller(req));
          const std::string id = req.params.at("workflowExecutionId");
          CR_ASSIGN(auto locations,
                    s.workflows.download_locations(c, req.params.at("instanceId"), id));
          if (locations.empty()) return Error::not_found(Resource::Result, id);
          return result_file(s, locations.front(), "workflow-execution-" + id);
        }));
}

}  // namespace

void add_amc_routes(Router& router, core::Services& s, amc::AmcCallerResolver caller) {
  amc::add_instance_routes(router, s, caller);
  amc::add_account_member_routes(router, s, caller);
  amc::add_workflow_routes(router, s, caller);
  add_execution_extras(router, s, caller);
}

}  // namespace cleanroom::api::console
