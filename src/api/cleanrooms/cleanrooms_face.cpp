#include "api/cleanrooms/cleanrooms_face.h"

#include "api/cleanrooms/operation_dispatch.h"
#include "api/cleanrooms/operations.h"
#include "api/sigv4_caller.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

core::Page page_of(const json& input) {
  core::Page p;
  p.next_token = input.value("nextToken", "");
  p.max_results = input.value("maxResults", 100);
  return p;
}

CleanRoomsFace::CleanRoomsFace(core::Services& services) : s_(services) {
  add_collaboration_operations(operations_, s_);
  add_membership_operations(operations_, s_);
  add_configured_table_operations(operations_, s_);
  add_association_operations(operations_, s_);
  add_schema_operations(operations_, s_);
  add_protected_query_operations(operations_, s_);
  add_analysis_template_operations(operations_, s_);
  add_privacy_budget_operations(operations_, s_);
  add_tag_operations(operations_, s_);
  add_change_request_operations(operations_, s_);
  add_id_mapping_operations(operations_, s_);
}

std::vector<std::string> CleanRoomsFace::served_operations() const {
  std::vector<std::string> out;
  for (const auto& [name, op] : operations_) out.push_back(name);
  return out;
}

Result<std::string> CleanRoomsFace::authenticate(const Request& req) {
  return sigv4_caller(s_, req);
}

namespace {

// Why an operation of the model answers 501: the two families cleanroom does not run.
std::string unserved_reason(const std::string& operation) {
  std::string why = "docs/clean-rooms-api.md lists the served operations";
  if (operation.find("ProtectedJob") != std::string::npos)
    why = "cleanroom runs SQL queries, not PySpark jobs";
  else if (operation.find("AudienceModel") != std::string::npos)
    why = "cleanroom does not run Clean Rooms ML audience models";
  return "cleanroom does not serve " + operation + ": " + why;
}

}  // namespace

Response CleanRoomsFace::handle(Request& req) {
  // Authenticate before revealing anything, even which paths exist.
  auto account = authenticate(req);
  if (!account.ok()) return error_response(account.error());
  std::string raw_path = req.target.substr(0, req.target.find('?'));
  auto missing = [&](const std::optional<OperationMatch>& m) {
    if (m) return Error::not_implemented(unserved_reason(m->name));
    Error e = Error::not_found(Resource::Route, raw_path);
    e.message = "no Clean Rooms operation at " + req.method + " " + raw_path;
    return e;
  };
  return dispatch(operations_, req, raw_path, *account, missing);
}

}  // namespace cleanroom::api::cleanrooms
