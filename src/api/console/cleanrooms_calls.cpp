#include "api/console/cleanrooms_calls.h"

#include <algorithm>
#include <set>

#include "api/cleanrooms/operation_dispatch.h"
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::console {
using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "/cleanrooms";

// What the console's pages call: browsing collaborations, joining and leaving, reading tables
// and rules, running protected queries, voting on change requests and tagging resources.
const std::set<std::string>& console_operations() {
  static const std::set<std::string> ops = {"ListCollaborations",
                                            "GetCollaboration",
                                            "ListMembers",
                                            "CreateMembership",
                                            "GetMembership",
                                            "ListMemberships",
                                            "DeleteMembership",
                                            "ListConfiguredTables",
                                            "GetConfiguredTable",
                                            "GetConfiguredTableAnalysisRule",
                                            "ListConfiguredTableAssociations",
                                            "ListSchemas",
                                            "GetSchema",
                                            "GetSchemaAnalysisRule",
                                            "StartProtectedQuery",
                                            "GetProtectedQuery",
                                            "ListProtectedQueries",
                                            "UpdateProtectedQuery",
                                            "CreateCollaborationChangeRequest",
                                            "GetCollaborationChangeRequest",
                                            "ListCollaborationChangeRequests",
                                            "UpdateCollaborationChangeRequest",
                                            "ListTagsForResource",
                                            "TagResource",
                                            "UntagResource"};
  return ops;
}

// The Clean Rooms shapes plus amcInstanceId, a field only the console reads: it marks the
// collaborations of AMC instances, which a look-alike name cannot (collaboration_names.h).
json with_instance(json shape, const core::CollaborationView& v) {
  if (!v.amc_instance_id.empty()) shape["amcInstanceId"] = v.amc_instance_id;
  return shape;
}

void add_console_collaboration_reads(cleanrooms::OperationTable& t, core::Services& s) {
  t["GetCollaboration"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.collaborations.get(account, in["collaborationIdentifier"]));
    return json{{"collaboration", with_instance(cleanrooms::collaboration_json(v), v)}};
  };
  t["ListCollaborations"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto status, cleanrooms::optional_state<MemberStatus>(in, "memberStatus"));
    CR_ASSIGN(auto page, s.collaborations.list(account, status, cleanrooms::page_of(in)));
    json out = {{"collaborationList", json::array()}};
    for (const auto& v : page.first)
      out["collaborationList"].push_back(
          with_instance(cleanrooms::collaboration_summary_json(v), v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
}

}  // namespace

CleanRoomsCalls::CleanRoomsCalls(core::Services& s) {
  cleanrooms::OperationTable all;
  cleanrooms::add_collaboration_operations(all, s);
  cleanrooms::add_membership_operations(all, s);
  cleanrooms::add_configured_table_operations(all, s);
  cleanrooms::add_association_operations(all, s);
  cleanrooms::add_schema_operations(all, s);
  cleanrooms::add_protected_query_operations(all, s);
  cleanrooms::add_change_request_operations(all, s);
  cleanrooms::add_tag_operations(all, s);
  add_console_collaboration_reads(all, s);
  for (const auto& name : console_operations())
    if (auto op = all.find(name); op != all.end()) operations_.emplace(name, op->second);
}

Response CleanRoomsCalls::handle(Request& req, const std::string& account) {
  std::string raw_path = req.target.substr(0, req.target.find('?'));
  raw_path = raw_path.substr(std::min(raw_path.size(), kPrefix.size()));
  // An operation the console does not call is as absent as a path the model does not know.
  auto missing = [&](const std::optional<cleanrooms::OperationMatch>&) {
    Error e = Error::not_found(Resource::Route, raw_path);
    e.message = "the console makes no Clean Rooms call at " + req.method + " " + raw_path;
    return e;
  };
  return cleanrooms::dispatch(operations_, req, raw_path, account, missing);
}

}  // namespace cleanroom::api::console
