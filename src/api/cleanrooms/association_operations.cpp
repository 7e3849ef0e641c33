// CreateConfiguredTableAssociation, GetConfiguredTableAssociation, ListConfiguredTableAssociations,
// UpdateConfiguredTableAssociation, DeleteConfiguredTableAssociation, and the association's
// analysis rules: Create/Get/Update/DeleteConfiguredTableAssociationAnalysisRule.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"
#include "policy/analysis_rule.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json summary_json(const core::AssociationView& v) {
  const auto& a = v.association;
  return {{"id", a.id},
          {"arn", association_arn(v.account_id, a.membership_id, a.id)},
          {"configuredTableId", a.configured_table_id},
          {"membershipId", a.membership_id},
          {"membershipArn", membership_arn(v.account_id, a.membership_id)},
          {"name", a.name},
          {"createTime", a.created_at},
          {"updateTime", a.updated_at}};
}

// The policy's union member for a rule type the model's enum let through: AGGREGATION ->
// "aggregation".
std::string union_member(const std::string& type) {
  return policy::v1_member(*policy::parse_rule_type(type));
}

std::optional<std::vector<std::string>> optional_strings(const json& in, const char* name) {
  if (!in.contains(name)) return std::nullopt;
  return in[name].get<std::vector<std::string>>();
}

Result<core::AssociationRuleRequest> rule_request(const json& in) {
  core::AssociationRuleRequest r{in["membershipIdentifier"],
                                 in["configuredTableAssociationIdentifier"], in["analysisRuleType"],
                                 std::nullopt, std::nullopt};
  const json& v1 = in["analysisRulePolicy"].value("v1", json::object());
  const std::string member = union_member(r.type);
  if (!v1.contains(member))
    return Error::invalid_configuration(
        "analysisRulePolicy.v1 must hold " + member + ", the member of analysisRuleType " + r.type,
        "analysisRulePolicy.v1");
  r.result_receivers = optional_strings(v1[member], "allowedResultReceivers");
  r.additional_analyses = optional_strings(v1[member], "allowedAdditionalAnalyses");
  return r;
}

json rule_json(const core::AssociationRuleView& v) {
  const auto& r = v.rule;
  json policy = json::object();
  if (r.result_receivers) policy["allowedResultReceivers"] = *r.result_receivers;
  if (r.additional_analyses) policy["allowedAdditionalAnalyses"] = *r.additional_analyses;
  return {{"analysisRule",
           {{"membershipIdentifier", v.membership_id},
            {"configuredTableAssociationId", r.association_id},
            {"configuredTableAssociationArn",
             association_arn(v.owner_account_id, v.membership_id, r.association_id)},
            {"policy", {{"v1", {{union_member(r.type), policy}}}}},
            {"type", r.type},
            {"createTime", r.created_at},
            {"updateTime", r.updated_at}}}};
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
  t["CreateConfiguredTableAssociationAnalysisRule"] = [&s](const std::string& account,
                                                           const json& in) -> Result<json> {
    CR_ASSIGN(auto r, rule_request(in));
    CR_ASSIGN(auto v, s.association_rules.create(account, r));
    return rule_json(v);
  };
  t["GetConfiguredTableAssociationAnalysisRule"] = [&s](const std::string& account,
                                                        const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.association_rules.get(account, in["membershipIdentifier"],
                                              in["configuredTableAssociationIdentifier"],
                                              in["analysisRuleType"]));
    return rule_json(v);
  };
  t["UpdateConfiguredTableAssociationAnalysisRule"] = [&s](const std::string& account,
                                                           const json& in) -> Result<json> {
    CR_ASSIGN(auto r, rule_request(in));
    CR_ASSIGN(auto v, s.association_rules.update(account, r));
    return rule_json(v);
  };
  t["DeleteConfiguredTableAssociationAnalysisRule"] = [&s](const std::string& account,
                                                           const json& in) -> Result<json> {
    CR_TRY(s.association_rules.remove(account, in["membershipIdentifier"],
                                      in["configuredTableAssociationIdentifier"],
                                      in["analysisRuleType"]));
    return json::object();
  };
}

}  // namespace cleanroom::api::cleanrooms
