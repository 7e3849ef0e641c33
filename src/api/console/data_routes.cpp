#include "api/console/data_routes.h"

#include "api/amc/amc_face.h"
#include "api/console/result_download.h"

namespace cleanroom::api::console {
using amc::guarded;
using nlohmann::json;

void add_data_routes(Router& r, core::Services& s, AwsAccountResolver account) {
  r.add("GET", "/datasets", guarded([&s, account](Request& req) -> Result<Response> {
          CR_ASSIGN(auto caller, account(req));
          CR_ASSIGN(auto list, s.datasets.list(caller));
          json out = json::array();
          for (const auto& d : list) out.push_back(core::dataset_json(d));
          return Response::json(200, {{"datasets", out}});
        }));
  // The core shows a result's location only to the member that ran the query and its receiver.
  r.add("GET", "/results/memberships/{membershipId}/protectedQueries/{protectedQueryId}",
        guarded([&s, account](Request& req) -> Result<Response> {
          CR_ASSIGN(auto caller, account(req));
          const std::string id = req.params.at("protectedQueryId");
          CR_ASSIGN(auto v, s.protected_queries.get(caller, req.params.at("membershipId"), id));
          if (!v.shows_result || v.query.result_location.empty())
            return Error::validation("protected query " + id + " is " +
                                         wire_string(v.query.status) +
                                         " and has no result this account can read",
                                     "protectedQueryId");
          return result_file(s, v.query.result_location, "protected-query-" + id);
        }));
}

}  // namespace cleanroom::api::console
