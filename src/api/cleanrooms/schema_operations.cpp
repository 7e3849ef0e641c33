// ListSchemas, GetSchema, BatchGetSchema, GetSchemaAnalysisRule, BatchGetSchemaAnalysisRule: the
// configured tables of a collaboration as its members see them.
#include "api/cleanrooms/id_mapping_json.h"
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json summary_json(const core::SchemaView& v) {
  const auto& a = v.association;
  return {
      {"name", a.name},
      {"type", "TABLE"},
      {"creatorAccountId", v.owner_account_id},
      {"createTime", a.created_at},
      {"updateTime", a.updated_at},
      {"collaborationId", v.collaboration.id},
      {"collaborationArn", collaboration_arn(v.collaboration)},
      {"analysisRuleTypes", analysis_rule_types(v.rule)},
      {"analysisMethod", v.analysis_method},
      {"resourceArn", core::access_budget_resource_arn(v.owner_account_id, a.membership_id, a.id)}};
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

// ListSchemas without a schemaType lists the tables, then the ID mapping tables: a nextToken with
// this prefix continues in the second list.
constexpr std::string_view kMappingPages = "ID_MAPPING_TABLE/";

// An ID mapping table answers for a name no configured table association has.
template <typename F>
Result<json> or_id_mapping(Result<json> table, F mapping) {
  if (table.ok() || table.error().kind != ErrorKind::NotFound) return table;
  auto m = mapping();
  if (m.ok()) return m;
  return table;
}

}  // namespace

void add_schema_operations(OperationTable& t, core::Services& s) {
  t["ListSchemas"] = [&s](const std::string& account, const json& in) -> Result<json> {
    const std::string type = in.value("schemaType", "");
    const std::string token = in.value("nextToken", "");
    json out = {{"schemaSummaries", json::array()}};
    const bool mappings_only = type == "ID_MAPPING_TABLE";
    if (mappings_only || (type.empty() && token.starts_with(kMappingPages))) {
      core::Page page = page_of(in);
      if (!mappings_only) page.next_token = token.substr(kMappingPages.size());
      CR_ASSIGN(auto mappings,
                s.id_mappings.list_schemas(account, in["collaborationIdentifier"], page));
      for (const auto& v : mappings.first)
        out["schemaSummaries"].push_back(id_mapping_schema_summary_json(v));
      if (!mappings.second.empty())
        out["nextToken"] = (mappings_only ? "" : std::string(kMappingPages)) + mappings.second;
      return out;
    }
    CR_ASSIGN(auto page, s.configured_tables.list_schemas(account, in["collaborationIdentifier"],
                                                          type, page_of(in)));
    for (const auto& v : page.first) out["schemaSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) {
      out["nextToken"] = page.second;
    } else if (type.empty()) {
      CR_ASSIGN(auto first, s.id_mappings.list_schemas(account, in["collaborationIdentifier"],
                                                       core::Page{"", 1}));
      if (!first.first.empty()) out["nextToken"] = std::string(kMappingPages);
    }
    return out;
  };
  t["GetSchema"] = [&s](const std::string& account, const json& in) -> Result<json> {
    const std::string collaboration = in["collaborationIdentifier"];
    const std::string name = in["name"];
    auto table = [&]() -> Result<json> {
      CR_ASSIGN(auto v, s.configured_tables.get_schema(account, collaboration, name));
      return json{{"schema", schema_json(v)}};
    };
    return or_id_mapping(table(), [&]() -> Result<json> {
      CR_ASSIGN(auto v, s.id_mappings.get_schema(account, collaboration, name));
      return json{{"schema", id_mapping_schema_json(v)}};
    });
  };
  t["BatchGetSchema"] = [&s](const std::string& account, const json& in) -> Result<json> {
    auto names = in["names"].get<std::vector<std::string>>();
    CR_ASSIGN(auto results,
              s.configured_tables.get_schemas(account, in["collaborationIdentifier"], names));
    json out = {{"schemas", json::array()}, {"errors", json::array()}};
    for (size_t i = 0; i < names.size(); ++i) {
      auto one = or_id_mapping(
          results[i].ok() ? Result<json>(schema_json(*results[i])) : results[i].error(),
          [&]() -> Result<json> {
            CR_ASSIGN(auto v,
                      s.id_mappings.get_schema(account, in["collaborationIdentifier"], names[i]));
            return id_mapping_schema_json(v);
          });
      if (one.ok())
        out["schemas"].push_back(*one);
      else
        out["errors"].push_back({{"name", names[i]},
                                 {"code", error_type(one.error())},
                                 {"message", one.error().message}});
    }
    return out;
  };
  t["GetSchemaAnalysisRule"] = [&s](const std::string& account, const json& in) -> Result<json> {
    if (in["type"] == "ID_MAPPING_TABLE") {
      CR_ASSIGN(auto m,
                s.id_mappings.get_schema(account, in["collaborationIdentifier"], in["name"]));
      return json{{"analysisRule", id_mapping_analysis_rule_json(m)}};
    }
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
      Result<json> one = results[i].ok() ? Result<json>(analysis_rule_json(*results[i]))
                                         : Result<json>(results[i].error());
      if (reqs[i].type == "ID_MAPPING_TABLE") {
        auto m = s.id_mappings.get_schema(account, in["collaborationIdentifier"], reqs[i].name);
        one = m.ok() ? Result<json>(id_mapping_analysis_rule_json(*m)) : Result<json>(m.error());
      }
      if (one.ok())
        out["analysisRules"].push_back(*one);
      else
        out["errors"].push_back({{"name", reqs[i].name},
                                 {"type", reqs[i].type},
                                 {"code", error_type(one.error())},
                                 {"message", one.error().message}});
    }
    return out;
  };
}

}  // namespace cleanroom::api::cleanrooms
