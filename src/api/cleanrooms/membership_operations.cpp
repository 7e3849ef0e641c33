// CreateMembership, GetMembership, ListMemberships, UpdateMembership, DeleteMembership.
#include "api/cleanrooms/destination_json.h"
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

void add_membership_operations(OperationTable& t, core::Services& s) {
  t["CreateMembership"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::CreateMembershipRequest r;
    r.collaboration_id = in["collaborationIdentifier"];
    r.query_log_status = in["queryLogStatus"];
    CR_ASSIGN(r.default_destination,
              membership_destination_of(in.value("defaultResultConfiguration", json())));
    r.destination_names = destination_names("defaultResultConfiguration");
    r.pays_for_queries = pays_for_queries_of(in.value("paymentConfiguration", json()));
    r.tags = tags_of(in);
    CR_ASSIGN(auto v, s.memberships.create(account, r));
    return json{{"membership", membership_json(v)}};
  };
  t["GetMembership"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.memberships.get(account, in["membershipIdentifier"]));
    return json{{"membership", membership_json(v)}};
  };
  t["ListMemberships"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto status, optional_state<MembershipStatus>(in, "status"));
    CR_ASSIGN(auto page, s.memberships.list(account, status, page_of(in)));
    json out = {{"membershipSummaries", json::array()}};
    for (const auto& v : page.first)
      out["membershipSummaries"].push_back(membership_summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateMembership"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::UpdateMembershipRequest r;
    if (in.contains("queryLogStatus")) r.query_log_status = in["queryLogStatus"].get<std::string>();
    CR_ASSIGN(r.default_destination,
              membership_destination_of(in.value("defaultResultConfiguration", json())));
    r.destination_names = destination_names("defaultResultConfiguration");
    CR_ASSIGN(auto v, s.memberships.update(account, in["membershipIdentifier"], r));
    return json{{"membership", membership_json(v)}};
  };
  t["DeleteMembership"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.memberships.remove(account, in["membershipIdentifier"]));
    return json::object();
  };
}

}  // namespace cleanroom::api::cleanrooms
