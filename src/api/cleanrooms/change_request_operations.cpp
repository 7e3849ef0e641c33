// CreateCollaborationChangeRequest, GetCollaborationChangeRequest,
// ListCollaborationChangeRequests, UpdateCollaborationChangeRequest (core/change_requests.h).
#include "api/cleanrooms/operations.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

Result<std::vector<core::ChangeSpec>> changes_of(const json& in) {
  std::vector<core::ChangeSpec> out;
  for (const auto& c : in["changes"]) {
    const std::string type = c["specificationType"];
    const json& spec = c["specification"];
    core::ChangeSpec change;
    if (type == "MEMBER" && spec.contains("member")) {
      const json& m = spec["member"];
      CR_ASSIGN(auto abilities, member_abilities(m["memberAbilities"],
                                                 "changes.specification.member.memberAbilities"));
      change.member = core::MemberChange{m["accountId"], abilities, m.value("displayName", "")};
    } else if (type == "COLLABORATION" && spec.contains("collaboration")) {
      change.auto_approved_types =
          spec["collaboration"].value("autoApprovedChangeTypes", std::vector<std::string>{});
    } else {
      return Error::validation(
          "specificationType " + type + " must come with the specification's member of that name",
          "changes.specification");
    }
    out.push_back(std::move(change));
  }
  return out;
}

json summary_json(const core::ChangeRequestView& v) {
  const auto& r = v.request;
  json out = {{"id", r.id},
              {"collaborationId", r.collaboration_id},
              {"createTime", r.created_at},
              {"updateTime", r.updated_at},
              {"status", r.status},
              {"isAutoApproved", r.is_auto_approved},
              {"changes", r.changes}};
  if (!r.approvals.empty()) {
    out["approvals"] = json::object();
    for (const auto& [account, status] : r.approvals)
      out["approvals"][account] = {{"status", status}};
  }
  return out;
}

json request_json(const core::ChangeRequestView& v) {
  return {{"collaborationChangeRequest", summary_json(v)}};
}

}  // namespace

void add_change_request_operations(OperationTable& t, core::Services& s) {
  t["CreateCollaborationChangeRequest"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    CR_ASSIGN(auto changes, changes_of(in));
    CR_ASSIGN(auto v, s.change_requests.create(account, in["collaborationIdentifier"], changes));
    return request_json(v);
  };
  t["GetCollaborationChangeRequest"] = [&s](const std::string& account,
                                            const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.change_requests.get(account, in["collaborationIdentifier"],
                                            in["changeRequestIdentifier"]));
    return request_json(v);
  };
  t["ListCollaborationChangeRequests"] = [&s](const std::string& account,
                                              const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.change_requests.list(account, in["collaborationIdentifier"],
                                                in.value("status", ""), page_of(in)));
    json out = {{"collaborationChangeRequestSummaries", json::array()}};
    for (const auto& v : page.first)
      out["collaborationChangeRequestSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateCollaborationChangeRequest"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.change_requests.update(account, in["collaborationIdentifier"],
                                               in["changeRequestIdentifier"], in["action"]));
    return request_json(v);
  };
}

}  // namespace cleanroom::api::cleanrooms
