// ListSchemas, GetSchema, BatchGetSchema, GetSchemaAnalysisRule, BatchGetSchemaAnalysisRule: the
// configured tables of a collaboration as its members see them.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"
#include "common/arn.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json summary_json(const core::SchemaView& v) {
  const auto& a = v.association;
  return {{"name", a.name},
          {"type", "TABLE"},
          {"creatorAccountId", v.owner_account_id},
          {"createTime", a.created_at},
          {"updateTime", a.updated_at},
          {"collaborationId", v.collaboration.id},
          {"collaborationArn", collaboration_arn(v.collaboration)},
          {"analysisRuleTypes", analysis_rule_types(v.rule)},
          {"analysisMethod", v.analysis_method},
          {"resourceArn",
           cleanrooms_arn(v.owner_account_id, "membership/" + a.membership_id +
                                                  "/configuredtableassociation/" + a.id)}};
}

json schema_json(const core::SchemaView& v) {
  json out = summary_json(v);
  out["columns"] = json::array();
  for (const auto& c : v.columns) out["columns"].push_back({{"name", c.name}, {"type", c.type}});
  out["partitionKeys"] = json::array();
  out["description"] = v.association.description.value_or("");
  json status = {{"status", v.not_ready ? "NOT_READY" : "READY"},
                 {"analysisType", "DIRECT_ANALYSIS"}};
  if (v.rule) status["analysisRuleType"] = v.rule->type;
  if (v.not_ready)
    status["reasons"] =
        json::array({{{"code", v.not_ready->first}, {"message", v.not_ready->second}}});
  out["schemaStatusDetails"] = json::array({status});
  return out;
}

json analysis_rule_json(const core::SchemaView& v) {
  return {{"collaborationId", v.collaboration.id},
          {"type", v.rule->type},
          {"name", v.association.name},
          {"createTime", v.rule->created_at},
          {"updateTime", v.rule->updated_at},
          {"policy", v.rule->policy}};
}

}  // namespace

void add_schema_operations(OperationTable& t, core::Services& s) {
  t["ListSchemas"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.configured_tables.list_schemas(account, in["collaborationIdentifier"],
                                                          in.value("schemaType", ""), page_of(in)));
    json out = {{"schemaSummaries", json::array()}};
    for (const auto& v : page.first) out["schemaSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["GetSchema"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.configured_tables.get_schema(account, in["collaborationIdentifier"], in["name"]));
    return json{{"schema", schema_json(v)}};
  };
  t["BatchGetSchema"] = [&s](const std::string& account, const json& in) -> Result<json> {
    auto names = in["names"].get<std::vector<std::string>>();
    CR_ASSIGN(auto results,
              s.configured_tables.get_schemas(account, in["collaborationIdentifier"], names));
    json out = {{"schemas", json::array()}, {"errors", json::array()}};
    for (size_t i = 0; i < names.size(); ++i) {
      if (results[i].ok())
        out["schemas"].push_back(schema_json(*results[i]));
      else
        out["errors"].push_back({{"name", names[i]},
                                 {"code", error_type(results[i].error())},
                                 {"message", results[i].error().message}});
    }
    return out;
  };
  t["GetSchemaAnalysisRule"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.configured_tables.get_schema_rule(account, in["collaborationIdentifier"],
                                                          {in["name"], in["type"]}));
    return json{{"analysisRule", analysis_rule_json(v)}};
  };
  t["BatchGetSchemaAnalysisRule"] = [&s](const std::string& account,
                                         const json& in) -> Result<json> {
    std::vector<core::SchemaRuleRequest> reqs;
    for (const auto& r : in["schemaAnalysisRuleRequests"]) reqs.push_back({r["name"], r["type"]});
    CR_ASSIGN(auto results,
              s.configured_tables.get_schema_rules(account, in["collaborationIdentifier"], reqs));
    json out = {{"analysisRules", json::array()}, {"errors", json::array()}};
    for (size_t i = 0; i < reqs.size(); ++i) {
      if (results[i].ok())
        out["analysisRules"].push_back(analysis_rule_json(*results[i]));
      else
        out["errors"].push_back({{"name", reqs[i].name},
                                 {"type", reqs[i].type},
                                 {"code", error_type(results[i].error())},
                                 {"message", results[i].error().message}});
    }
    return out;
  };
}

}  // namespace cleanroom::api::cleanrooms
