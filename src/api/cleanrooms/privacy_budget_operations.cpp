// CreatePrivacyBudgetTemplate, GetPrivacyBudgetTemplate, ListPrivacyBudgetTemplates,
// UpdatePrivacyBudgetTemplate, DeletePrivacyBudgetTemplate, ListPrivacyBudgets,
// PreviewPrivacyImpact, and the collaboration's views: GetCollaborationPrivacyBudgetTemplate,
// ListCollaborationPrivacyBudgetTemplates, ListCollaborationPrivacyBudgets.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

// The union member of PrivacyBudgetTemplateParametersOutput / PrivacyBudget for a type.
const char* union_name(const std::string& type) {
  return type == "DIFFERENTIAL_PRIVACY" ? "differentialPrivacy" : "accessBudget";
}

json base_json(const core::PrivacyBudgetTemplateView& v) {
  const auto& t = v.tmpl;
  return {{"id", t.id},
          {"arn", t.arn},
          {"collaborationId", v.collaboration.id},
          {"collaborationArn", collaboration_arn(v.collaboration)},
          {"createTime", t.created_at},
          {"updateTime", t.updated_at},
          {"privacyBudgetType", t.type}};
}

json summary_json(const core::PrivacyBudgetTemplateView& v) {
  json out = base_json(v);
  out["membershipId"] = v.tmpl.membership_id;
  out["membershipArn"] = membership_arn(v.tmpl.account_id, v.tmpl.membership_id);
  return out;
}

json collaboration_summary_json(const core::PrivacyBudgetTemplateView& v) {
  json out = base_json(v);
  out["creatorAccountId"] = v.tmpl.account_id;
  return out;
}

void add_body(json& out, const catalog::PrivacyBudgetTemplateRecord& t) {
  out["autoRefresh"] = t.auto_refresh;
  out["parameters"] = {{union_name(t.type), t.parameters}};
}

json template_json(const core::PrivacyBudgetTemplateView& v) {
  json out = summary_json(v);
  add_body(out, v.tmpl);
  return out;
}

json collaboration_template_json(const core::PrivacyBudgetTemplateView& v) {
  json out = collaboration_summary_json(v);
  add_body(out, v.tmpl);
  return out;
}

json budget_json(const core::PrivacyBudgetView& b) {
  if (b.tmpl.tmpl.type == "DIFFERENTIAL_PRIVACY") {
    json aggregations = json::array();
    for (const auto& a : b.aggregations)
      aggregations.push_back({{"type", std::string(policy::to_string(a.kind))},
                              {"maxCount", a.max_count},
                              {"remainingCount", a.remaining_count}});
    return {{"differentialPrivacy", {{"aggregations", aggregations}, {"epsilon", b.epsilon}}}};
  }
  json details = json::array();
  for (const auto& p : b.periods) {
    json d = {{"startTime", p.start},
              {"remainingBudget", p.remaining},
              {"budget", p.budget},
              {"budgetType", core::to_string(p.period)}};
    if (p.end) d["endTime"] = *p.end;
    if (!p.auto_refresh.empty()) d["autoRefresh"] = p.auto_refresh;
    details.push_back(d);
  }
  return {{"accessBudget",
           {{"resourceArn", b.resource_arn},
            {"details", details},
            {"aggregateRemainingBudget", b.aggregate_remaining}}}};
}

json budget_base_json(const core::PrivacyBudgetView& b) {
  const auto& t = b.tmpl.tmpl;
  return {{"id", t.budget_id},
          {"privacyBudgetTemplateId", t.id},
          {"privacyBudgetTemplateArn", t.arn},
          {"collaborationId", b.tmpl.collaboration.id},
          {"collaborationArn", collaboration_arn(b.tmpl.collaboration)},
          {"type", t.type},
          {"createTime", t.created_at},
          {"updateTime", b.updated_at},
          {"budget", budget_json(b)}};
}

json budget_summary_json(const core::PrivacyBudgetView& b) {
  json out = budget_base_json(b);
  out["membershipId"] = b.tmpl.tmpl.membership_id;
  out["membershipArn"] = membership_arn(b.tmpl.tmpl.account_id, b.tmpl.tmpl.membership_id);
  return out;
}

json collaboration_budget_summary_json(const core::PrivacyBudgetView& b) {
  json out = budget_base_json(b);
  out["creatorAccountId"] = b.tmpl.tmpl.account_id;
  return out;
}

core::PrivacyBudgetListRequest budget_list_request(const json& in) {
  return {in["privacyBudgetType"], in.value("accessBudgetResourceArn", ""), page_of(in)};
}

}  // namespace

void add_privacy_budget_operations(OperationTable& t, core::Services& s) {
  t["CreatePrivacyBudgetTemplate"] = [&s](const std::string& account,
                                          const json& in) -> Result<json> {
    core::CreatePrivacyBudgetTemplateRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.type = in["privacyBudgetType"];
    r.auto_refresh = in.value("autoRefresh", "");
    r.parameters = in.value("parameters", json());
    r.tags = tags_of(in);
    CR_ASSIGN(auto v, s.privacy_budgets.create_template(account, r));
    return json{{"privacyBudgetTemplate", template_json(v)}};
  };
  t["GetPrivacyBudgetTemplate"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.privacy_budgets.get_template(account, in["membershipIdentifier"],
                                                     in["privacyBudgetTemplateIdentifier"]));
    return json{{"privacyBudgetTemplate", template_json(v)}};
  };
  t["ListPrivacyBudgetTemplates"] = [&s](const std::string& account,
                                         const json& in) -> Result<json> {
    CR_ASSIGN(auto page,
              s.privacy_budgets.list_templates(account, in["membershipIdentifier"], page_of(in)));
    json out = {{"privacyBudgetTemplateSummaries", json::array()}};
    for (const auto& v : page.first)
      out["privacyBudgetTemplateSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdatePrivacyBudgetTemplate"] = [&s](const std::string& account,
                                          const json& in) -> Result<json> {
    core::UpdatePrivacyBudgetTemplateRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.template_id = in["privacyBudgetTemplateIdentifier"];
    r.type = in["privacyBudgetType"];
    r.parameters = in.value("parameters", json());
    CR_ASSIGN(auto v, s.privacy_budgets.update_template(account, r));
    return json{{"privacyBudgetTemplate", template_json(v)}};
  };
  t["DeletePrivacyBudgetTemplate"] = [&s](const std::string& account,
                                          const json& in) -> Result<json> {
    CR_TRY(s.privacy_budgets.remove_template(account, in["membershipIdentifier"],
                                             in["privacyBudgetTemplateIdentifier"]));
    return json::object();
  };
  t["ListPrivacyBudgets"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.privacy_budgets.list_budgets(account, in["membershipIdentifier"],
                                                        budget_list_request(in)));
    json out = {{"privacyBudgetSummaries", json::array()}};
    for (const auto& b : page.first)
      out["privacyBudgetSummaries"].push_back(budget_summary_json(b));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["PreviewPrivacyImpact"] = [&s](const std::string& account, const json& in) -> Result<json> {
    const json dp = in["parameters"].value("differentialPrivacy", json::object());
    CR_ASSIGN(auto counts, s.privacy_budgets.preview_impact(account, in["membershipIdentifier"],
                                                            dp.value("epsilon", 0),
                                                            dp.value("usersNoisePerQuery", 0)));
    json aggregations = json::array();
    for (const auto& c : counts)
      aggregations.push_back(
          {{"type", std::string(policy::to_string(c.kind))}, {"maxCount", c.max_count}});
    return json{{"privacyImpact", {{"differentialPrivacy", {{"aggregations", aggregations}}}}}};
  };
  t["GetCollaborationPrivacyBudgetTemplate"] = [&s](const std::string& account,
                                                    const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.privacy_budgets.get_template_in_collaboration(
                  account, in["collaborationIdentifier"], in["privacyBudgetTemplateIdentifier"]));
    return json{{"collaborationPrivacyBudgetTemplate", collaboration_template_json(v)}};
  };
  t["ListCollaborationPrivacyBudgetTemplates"] = [&s](const std::string& account,
                                                      const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.privacy_budgets.list_templates_in_collaboration(
                             account, in["collaborationIdentifier"], page_of(in)));
    json out = {{"collaborationPrivacyBudgetTemplateSummaries", json::array()}};
    for (const auto& v : page.first)
      out["collaborationPrivacyBudgetTemplateSummaries"].push_back(collaboration_summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["ListCollaborationPrivacyBudgets"] = [&s](const std::string& account,
                                              const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.privacy_budgets.list_budgets_in_collaboration(
                             account, in["collaborationIdentifier"], budget_list_request(in)));
    json out = {{"collaborationPrivacyBudgetSummaries", json::array()}};
    for (const auto& b : page.first)
      out["collaborationPrivacyBudgetSummaries"].push_back(collaboration_budget_summary_json(b));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
}

}  // namespace cleanroom::api::cleanrooms
