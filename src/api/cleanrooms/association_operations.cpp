// CreateConfiguredTableAssociation, GetConfiguredTableAssociation, ListConfiguredTableAssociations,
// UpdateConfiguredTableAssociation, DeleteConfiguredTableAssociation.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"
#include "common/arn.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json summary_json(const core::AssociationView& v) {
  const auto& a = v.association;
  return {{"id", a.id},
          {"arn", cleanrooms_arn(v.account_id,
                                 "configuredtableassociation/" + a.membership_id + "/" + a.id)},
          {"configuredTableId", a.configured_table_id},
          {"membershipId", a.membership_id},
          {"membershipArn", membership_arn(v.account_id, a.membership_id)},
          {"name", a.name},
          {"createTime", a.created_at},
          {"updateTime", a.updated_at}};
}

json association_json(const core::AssociationView& v) {
  json out = summary_json(v);
  const auto& a = v.association;
  out["configuredTableArn"] = configured_table_arn(v.account_id, a.configured_table_id);
  out["roleArn"] = a.role_arn;
  if (a.description) out["description"] = *a.description;
  return {{"configuredTableAssociation", out}};
}

}  // namespace

void add_association_operations(OperationTable& t, core::Services& s) {
  t["CreateConfiguredTableAssociation"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    core::CreateAssociationRequest r{in["membershipIdentifier"],
                                     in["configuredTableIdentifier"],
                                     in["name"],
                                     optional_string(in, "description"),
                                     in["roleArn"],
                                     tags_of(in)};
    CR_ASSIGN(auto v, s.configured_tables.create_association(account, r));
    return association_json(v);
  };
  t["GetConfiguredTableAssociation"] = [&s](const std::string& account,
                                            const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.configured_tables.get_association(account, in["membershipIdentifier"],
                                                  in["configuredTableAssociationIdentifier"]));
    return association_json(v);
  };
  t["ListConfiguredTableAssociations"] = [&s](const std::string& account,
                                              const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.configured_tables.list_associations(account, in["membershipIdentifier"],
                                                               page_of(in)));
    json out = {{"configuredTableAssociationSummaries", json::array()}};
    for (const auto& v : page.first)
      out["configuredTableAssociationSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateConfiguredTableAssociation"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    core::UpdateAssociationRequest r{optional_string(in, "description"),
                                     optional_string(in, "roleArn")};
    CR_ASSIGN(auto v, s.configured_tables.update_association(
                          account, in["membershipIdentifier"],
                          in["configuredTableAssociationIdentifier"], r));
    return association_json(v);
  };
  t["DeleteConfiguredTableAssociation"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    CR_TRY(s.configured_tables.remove_association(account, in["membershipIdentifier"],
                                                  in["configuredTableAssociationIdentifier"]));
    return json::object();
  };
}

}  // namespace cleanroom::api::cleanrooms
