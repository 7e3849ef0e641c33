// CreateAnalysisTemplate, GetAnalysisTemplate, ListAnalysisTemplates, UpdateAnalysisTemplate,
// DeleteAnalysisTemplate, and the collaboration's views of them: GetCollaborationAnalysisTemplate,
// ListCollaborationAnalysisTemplates, BatchGetCollaborationAnalysisTemplate.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json base_json(const core::AnalysisTemplateView& v) {
  const auto& t = v.tmpl;
  json out = {{"id", t.id},
              {"arn", t.arn},
              {"name", t.name},
              {"createTime", t.created_at},
              {"updateTime", t.updated_at},
              {"collaborationId", v.collaboration.id},
              {"collaborationArn", collaboration_arn(v.collaboration)}};
  if (!t.description.empty()) out["description"] = t.description;
  return out;
}

json summary_json(const core::AnalysisTemplateView& v) {
  json out = base_json(v);
  out["membershipId"] = v.tmpl.membership_id;
  out["membershipArn"] = membership_arn(v.tmpl.account_id, v.tmpl.membership_id);
  return out;
}

json collaboration_summary_json(const core::AnalysisTemplateView& v) {
  json out = base_json(v);
  out["creatorAccountId"] = v.tmpl.account_id;
  return out;
}

// The parts of a full template both views share: format, source, schema, parameters.
void add_body(json& out, const catalog::AnalysisTemplateRecord& t) {
  out["format"] = t.format;
  out["source"] = {{"text", t.source_text}};
  // Which tables a template reads is known only when it runs against the rules in force then.
  out["schema"] = {{"referencedTables", json::array()}};
  out["analysisParameters"] = t.parameters;
}

json template_json(const core::AnalysisTemplateView& v) {
  json out = summary_json(v);
  add_body(out, v.tmpl);
  return out;
}

json collaboration_template_json(const core::AnalysisTemplateView& v) {
  json out = collaboration_summary_json(v);
  add_body(out, v.tmpl);
  return out;
}

}  // namespace

void add_analysis_template_operations(OperationTable& t, core::Services& s) {
  t["CreateAnalysisTemplate"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::CreateAnalysisTemplateRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.name = in["name"];
    r.description = in.value("description", "");
    r.format = in["format"];
    const json source = in.value("source", json::object());
    if (source.contains("artifacts"))
      return Error::validation("source.artifacts (PySpark code) is not served; give source.text",
                               "source.artifacts");
    r.source_text = source.value("text", "");
    r.parameters = in.value("analysisParameters", json::array());
    r.tags = tags_of(in);
    CR_ASSIGN(auto v, s.analysis_templates.create(account, r));
    return json{{"analysisTemplate", template_json(v)}};
  };
  t["GetAnalysisTemplate"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.analysis_templates.get(account, in["membershipIdentifier"],
                                               in["analysisTemplateIdentifier"]));
    return json{{"analysisTemplate", template_json(v)}};
  };
  t["ListAnalysisTemplates"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page,
              s.analysis_templates.list(account, in["membershipIdentifier"], page_of(in)));
    json out = {{"analysisTemplateSummaries", json::array()}};
    for (const auto& v : page.first) out["analysisTemplateSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateAnalysisTemplate"] = [&s](const std::string& account, const json& in) -> Result<json> {
    // Templates are immutable; the model's only updatable member is the description.
    CR_ASSIGN(auto v, s.analysis_templates.update_description(account, in["membershipIdentifier"],
                                                              in["analysisTemplateIdentifier"],
                                                              in.value("description", "")));
    return json{{"analysisTemplate", template_json(v)}};
  };
  t["DeleteAnalysisTemplate"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.analysis_templates.remove(account, in["membershipIdentifier"],
                                       in["analysisTemplateIdentifier"]));
    return json::object();
  };
  t["GetCollaborationAnalysisTemplate"] = [&s](const std::string& account,
                                               const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.analysis_templates.get_in_collaboration(
                          account, in["collaborationIdentifier"], in["analysisTemplateArn"]));
    return json{{"collaborationAnalysisTemplate", collaboration_template_json(v)}};
  };
  t["ListCollaborationAnalysisTemplates"] = [&s](const std::string& account,
                                                 const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.analysis_templates.list_in_collaboration(
                             account, in["collaborationIdentifier"], page_of(in)));
    json out = {{"collaborationAnalysisTemplateSummaries", json::array()}};
    for (const auto& v : page.first)
      out["collaborationAnalysisTemplateSummaries"].push_back(collaboration_summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["BatchGetCollaborationAnalysisTemplate"] = [&s](const std::string& account,
                                                    const json& in) -> Result<json> {
    auto arns = in["analysisTemplateArns"].get<std::vector<std::string>>();
    CR_ASSIGN(auto results, s.analysis_templates.get_many_in_collaboration(
                                account, in["collaborationIdentifier"], arns));
    json out = {{"collaborationAnalysisTemplates", json::array()}, {"errors", json::array()}};
    for (size_t i = 0; i < arns.size(); ++i) {
      if (results[i].ok())
        out["collaborationAnalysisTemplates"].push_back(collaboration_template_json(*results[i]));
      else
        out["errors"].push_back({{"arn", arns[i]},
                                 {"code", error_type(results[i].error())},
                                 {"message", results[i].error().message}});
    }
    return out;
  };
}

}  // namespace cleanroom::api::cleanrooms
