// CreateCollaboration, GetCollaboration, ListCollaborations, UpdateCollaboration,
// DeleteCollaboration, ListMembers, DeleteMember.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

Result<std::vector<MemberAbility>> member_abilities(const json& names, const std::string& field) {
  std::vector<MemberAbility> out;
  for (const auto& name : names.get<std::vector<std::string>>()) {
    auto ability = parse_wire<MemberAbility>(name);
    if (!ability) return Error::validation(field + " has an unknown ability '" + name + "'", field);
    out.push_back(*ability);
  }
  return out;
}

namespace {

std::optional<std::string> optional(const json& input, const char* name) {
  if (!input.contains(name)) return std::nullopt;
  return input[name].get<std::string>();
}

Result<core::CreateCollaborationRequest> create_request(const json& in) {
  core::CreateCollaborationRequest r;
  r.name = in["name"];
  r.description = in["description"];
  r.creator_display_name = in["creatorDisplayName"];
  CR_ASSIGN(r.creator_abilities,
            member_abilities(in["creatorMemberAbilities"], "creatorMemberAbilities"));
  r.creator_pays_for_queries = pays_for_queries_of(in.value("creatorPaymentConfiguration", json()));
  r.query_log_status = in["queryLogStatus"];
  r.data_encryption_metadata = in.value("dataEncryptionMetadata", json());
  r.analytics_engine = in.value("analyticsEngine", "");
  r.tags = tags_of(in);
  r.auto_approved_change_types =
      in.value("autoApprovedChangeRequestTypes", std::vector<std::string>{});
  for (const auto& m : in["members"]) {
    CR_ASSIGN(auto member_abilities,
              member_abilities(m["memberAbilities"], "members.memberAbilities"));
    r.members.push_back({m["accountId"], m["displayName"], std::move(member_abilities),
                         pays_for_queries_of(m.value("paymentConfiguration", json()))});
  }
  return r;
}

}  // namespace

void add_collaboration_operations(OperationTable& t, core::Services& s) {
  t["CreateCollaboration"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto request, create_request(in));
    CR_ASSIGN(auto v, s.collaborations.create(account, request));
    return json{{"collaboration", collaboration_json(v)}};
  };
  t["GetCollaboration"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.collaborations.get(account, in["collaborationIdentifier"]));
    return json{{"collaboration", collaboration_json(v)}};
  };
  t["ListCollaborations"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto status, optional_state<MemberStatus>(in, "memberStatus"));
    CR_ASSIGN(auto page, s.collaborations.list(account, status, page_of(in)));
    json out = {{"collaborationList", json::array()}};
    for (const auto& v : page.first)
      out["collaborationList"].push_back(collaboration_summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateCollaboration"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.collaborations.update(account, in["collaborationIdentifier"],
                                              optional(in, "name"), optional(in, "description"),
                                              optional(in, "analyticsEngine")));
    return json{{"collaboration", collaboration_json(v)}};
  };
  t["DeleteCollaboration"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.collaborations.remove(account, in["collaborationIdentifier"]));
    return json::object();
  };
  t["ListMembers"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page,
              s.collaborations.members(account, in["collaborationIdentifier"], page_of(in)));
    json out = {{"memberSummaries", json::array()}};
    for (const auto& v : page.first) out["memberSummaries"].push_back(member_summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["DeleteMember"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.collaborations.remove_member(account, in["collaborationIdentifier"], in["accountId"]));
    return json::object();
  };
}

}  // namespace cleanroom::api::cleanrooms
