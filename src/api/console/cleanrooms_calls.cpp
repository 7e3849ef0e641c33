#include "api/console/cleanrooms_calls.h"

#include <algorithm>
#include <set>

#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/service_model.h"

namespace cleanroom::api::console {
namespace {

constexpr std::string_view kPrefix = "/cleanrooms";

// What the console's pages call: browsing collaborations, joining and leaving, reading tables
// and rules, and running protected queries.
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
                                            "UpdateProtectedQuery"};
  return ops;
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
  for (const auto& name : console_operations())
    if (auto op = all.find(name); op != all.end()) operations_.emplace(name, op->second);
}

Response CleanRoomsCalls::handle(const Request& req, const std::string& account) {
  const auto& model = cleanrooms::ServiceModel::instance();
  std::string raw_path = req.target.substr(0, req.target.find('?'));
  raw_path = raw_path.substr(std::min(raw_path.size(), kPrefix.size()));
  auto match = model.match(req.method, raw_path);
  auto op = match ? operations_.find(match->name) : operations_.end();
  if (op == operations_.end()) {
    Error e = Error::not_found("resource", raw_path);
    e.message = "the console makes no Clean Rooms call at " + req.method + " " + raw_path;
    return cleanrooms::error_response(e);
  }
  auto input = model.parse_input(*match, req.raw_query, req.headers, req.body);
  if (!input.ok()) return cleanrooms::error_response(input.error());
  if (Status s = model.validate_input(match->name, *input); !s.ok())
    return cleanrooms::error_response(s.error());
  auto output = op->second(account, *input);
  if (!output.ok()) return cleanrooms::error_response(output.error());
  int code = model.response_code(match->name);
  if (code == 204) return Response::empty(204);
  return Response::json(code, *output);
}

}  // namespace cleanroom::api::console
