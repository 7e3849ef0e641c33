// CreateConfiguredTable, GetConfiguredTable, ListConfiguredTables, UpdateConfiguredTable,
// DeleteConfiguredTable, and the table's analysis rule:
// Create/Get/Update/DeleteConfiguredTableAnalysisRule.
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"
#include "common/arn.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json summary_json(const core::ConfiguredTableView& v) {
  const auto& t = v.table;
  return {{"id", t.id},
          {"arn", configured_table_arn(t.account_id, t.id)},
          {"name", t.name},
          {"createTime", t.created_at},
          {"updateTime", t.updated_at},
          {"analysisRuleTypes", analysis_rule_types(v.rule)},
          {"analysisMethod", t.analysis_method}};
}

json configured_table_json(const core::ConfiguredTableView& v) {
  json out = summary_json(v);
  const auto& t = v.table;
  out["tableReference"] = {
      {"glue", {{"databaseName", t.database_name}, {"tableName", t.table_name}}}};
  out["allowedColumns"] = t.allowed_columns;
  if (t.description) out["description"] = *t.description;
  return {{"configuredTable", out}};
}

json analysis_rule_json(const core::ConfiguredTableView& v) {
  return {{"analysisRule",
           {{"configuredTableId", v.table.id},
            {"configuredTableArn", configured_table_arn(v.table.account_id, v.table.id)},
            {"policy", v.rule->policy},
            {"type", v.rule->type},
            {"createTime", v.rule->created_at},
            {"updateTime", v.rule->updated_at}}}};
}

// Datasets live in cleanroom and are named as Glue tables are; other sources are not served.
Result<core::TableReference> table_reference(const json& ref) {
  if (!ref.contains("glue"))
    return Error::validation(
        "only tableReference.glue is supported: it names one of the caller's datasets",
        "tableReference");
  const json& glue = ref["glue"];
  if (glue.contains("region") && glue["region"] != kRegion)
    return Error::validation(std::string("tableReference.glue.region must be ") + kRegion,
                             "tableReference.glue.region");
  return core::TableReference{glue["databaseName"], glue["tableName"]};
}

std::vector<std::string> strings(const json& in, const char* name) {
  return in.value(name, json::array()).get<std::vector<std::string>>();
}

}  // namespace

void add_configured_table_operations(OperationTable& t, core::Services& s) {
  t["CreateConfiguredTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto table, table_reference(in["tableReference"]));
    core::CreateConfiguredTableRequest r{in["name"],
                                         optional_string(in, "description"),
                                         table,
                                         strings(in, "allowedColumns"),
                                         in["analysisMethod"],
                                         strings(in, "selectedAnalysisMethods"),
                                         tags_of(in)};
    CR_ASSIGN(auto v, s.configured_tables.create(account, r));
    return configured_table_json(v);
  };
  t["GetConfiguredTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.configured_tables.get(account, in["configuredTableIdentifier"]));
    return configured_table_json(v);
  };
  t["ListConfiguredTables"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.configured_tables.list(account, page_of(in)));
    json out = {{"configuredTableSummaries", json::array()}};
    for (const auto& v : page.first) out["configuredTableSummaries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateConfiguredTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::UpdateConfiguredTableRequest r;
    r.name = optional_string(in, "name");
    r.description = optional_string(in, "description");
    if (in.contains("tableReference")) {
      CR_ASSIGN(r.table, table_reference(in["tableReference"]));
    }
    if (in.contains("allowedColumns")) r.allowed_columns = strings(in, "allowedColumns");
    r.analysis_method = optional_string(in, "analysisMethod");
    if (in.contains("selectedAnalysisMethods"))
      r.selected_analysis_methods = strings(in, "selectedAnalysisMethods");
    CR_ASSIGN(auto v, s.configured_tables.update(account, in["configuredTableIdentifier"], r));
    return configured_table_json(v);
  };
  t["DeleteConfiguredTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.configured_tables.remove(account, in["configuredTableIdentifier"]));
    return json::object();
  };

  t["CreateConfiguredTableAnalysisRule"] = [&s](const std::string& account,
                                                const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.configured_tables.create_rule(account, in["configuredTableIdentifier"],
                                              in["analysisRuleType"], in["analysisRulePolicy"]));
    return analysis_rule_json(v);
  };
  t["GetConfiguredTableAnalysisRule"] = [&s](const std::string& account,
                                             const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.configured_tables.get_rule(account, in["configuredTableIdentifier"],
                                                   in["analysisRuleType"]));
    return analysis_rule_json(v);
  };
  t["UpdateConfiguredTableAnalysisRule"] = [&s](const std::string& account,
                                                const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.configured_tables.update_rule(account, in["configuredTableIdentifier"],
                                              in["analysisRuleType"], in["analysisRulePolicy"]));
    return analysis_rule_json(v);
  };
  t["DeleteConfiguredTableAnalysisRule"] = [&s](const std::string& account,
                                                const json& in) -> Result<json> {
    CR_TRY(s.configured_tables.remove_rule(account, in["configuredTableIdentifier"],
                                           in["analysisRuleType"]));
    return json::object();
  };
}

}  // namespace cleanroom::api::cleanrooms
