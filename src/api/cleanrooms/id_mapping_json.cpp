#include "api/cleanrooms/id_mapping_json.h"

#include "api/cleanrooms/wire_shapes.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

json input_reference_json(const std::string& arn, bool manage) {
  return {{"inputReferenceArn", arn}, {"manageResourcePolicies", manage}};
}

// The fields every shape of an association has.
json association_base(const core::IdNamespaceAssociationView& v) {
  const auto& a = v.association;
  json out = {{"id", a.id},
              {"arn", a.arn},
              {"collaborationId", a.collaboration_id},
              {"collaborationArn", collaboration_arn(v.collaboration)},
              {"name", a.name},
              {"createTime", a.created_at},
              {"updateTime", a.updated_at},
              {"inputReferenceConfig",
               input_reference_json(a.input_reference_arn, a.manage_resource_policies)}};
  if (!a.description.empty()) out["description"] = a.description;
  return out;
}

// IdNamespaceAssociationInputReferenceProperties: the type, and the one mapping method served.
json input_reference_properties(const catalog::IdNamespaceAssociationRecord& a) {
  return {{"idNamespaceType", a.namespace_type},
          {"idMappingWorkflowsSupported", json::array({{{"idMappingType", "RULE_BASED"}}})}};
}

void add_id_mapping_config(json& out, const catalog::IdNamespaceAssociationRecord& a) {
  if (a.allow_use_as_dimension_column)
    out["idMappingConfig"] = {{"allowUseAsDimensionColumn", *a.allow_use_as_dimension_column}};
}

json table_base(const core::IdMappingTableView& v) {
  const auto& t = v.table;
  json out = {{"id", t.id},
              {"arn", t.arn},
              {"membershipId", t.membership_id},
              {"membershipArn", membership_arn(t.account_id, t.membership_id)},
              {"collaborationId", t.collaboration_id},
              {"collaborationArn", collaboration_arn(v.collaboration)},
              {"name", t.name},
              {"createTime", t.created_at},
              {"updateTime", t.updated_at},
              {"inputReferenceConfig",
               input_reference_json(t.input_reference_arn, t.manage_resource_policies)}};
  if (!t.description.empty()) out["description"] = t.description;
  return out;
}

json input_sources(const catalog::IdMappingTableRecord& t) {
  return json::array({{{"idNamespaceAssociationId", t.source_association_id}, {"type", "SOURCE"}},
                      {{"idNamespaceAssociationId", t.target_association_id}, {"type", "TARGET"}}});
}

const json& mapping_columns() {
  static const json columns = json::array({core::kMappingSourceColumn, core::kMappingTargetColumn});
  return columns;
}

}  // namespace

json namespace_association_json(const core::IdNamespaceAssociationView& v) {
  json out = association_base(v);
  out["membershipId"] = v.association.membership_id;
  out["membershipArn"] = membership_arn(v.association.account_id, v.association.membership_id);
  out["inputReferenceProperties"] = input_reference_properties(v.association);
  add_id_mapping_config(out, v.association);
  return out;
}

json namespace_association_summary_json(const core::IdNamespaceAssociationView& v) {
  json out = association_base(v);
  out["membershipId"] = v.association.membership_id;
  out["membershipArn"] = membership_arn(v.association.account_id, v.association.membership_id);
  out["inputReferenceProperties"] = {{"idNamespaceType", v.association.namespace_type}};
  return out;
}

json collaboration_namespace_association_json(const core::IdNamespaceAssociationView& v) {
  json out = association_base(v);
  out["creatorAccountId"] = v.association.account_id;
  out["inputReferenceProperties"] = input_reference_properties(v.association);
  add_id_mapping_config(out, v.association);
  return out;
}

json collaboration_namespace_association_summary_json(const core::IdNamespaceAssociationView& v) {
  json out = association_base(v);
  out["creatorAccountId"] = v.association.account_id;
  out["inputReferenceProperties"] = {{"idNamespaceType", v.association.namespace_type}};
  return out;
}

json id_mapping_table_json(const core::IdMappingTableView& v) {
  json out = table_base(v);
  out["inputReferenceProperties"] = {{"idMappingTableInputSource", input_sources(v.table)}};
  if (!v.table.kms_key_arn.empty()) out["kmsKeyArn"] = v.table.kms_key_arn;
  return out;
}

json id_mapping_table_summary_json(const core::IdMappingTableView& v) { return table_base(v); }

json id_mapping_schema_summary_json(const core::IdMappingTableView& v) {
  const auto& t = v.table;
  return {{"name", t.name},
          {"type", "ID_MAPPING_TABLE"},
          {"creatorAccountId", t.account_id},
          {"createTime", t.created_at},
          {"updateTime", t.updated_at},
          {"collaborationId", t.collaboration_id},
          {"collaborationArn", collaboration_arn(v.collaboration)},
          {"analysisRuleTypes", json::array({"ID_MAPPING_TABLE"})},
          {"analysisMethod", "DIRECT_QUERY"},
          {"resourceArn", t.arn}};
}

json id_mapping_schema_json(const core::IdMappingTableView& v) {
  const auto& t = v.table;
  json out = id_mapping_schema_summary_json(v);
  // The ids' types are known once the mapping is populated (the namespaces' id columns').
  out["columns"] =
      json::array({{{"name", core::kMappingSourceColumn}, {"type", t.source_id_type}},
                   {{"name", core::kMappingTargetColumn}, {"type", t.target_id_type}}});
  out["partitionKeys"] = json::array();
  out["description"] = t.description;
  const bool populated = !t.mapping_path.empty();
  json status = {{"status", populated ? "READY" : "NOT_READY"},
                 {"analysisRuleType", "ID_MAPPING_TABLE"},
                 {"analysisType", "DIRECT_ANALYSIS"}};
  if (!populated)
    status["reasons"] =
        json::array({{{"code", "ID_MAPPING_TABLE_NOT_POPULATED"},
                      {"message", "ID mapping table " + t.id + " has not been populated yet"}}});
  out["schemaStatusDetails"] = json::array({status});
  out["schemaTypeProperties"] = {
      {"idMappingTable", {{"idMappingTableInputSource", input_sources(t)}}}};
  return out;
}

json id_mapping_analysis_rule_json(const core::IdMappingTableView& v) {
  const auto& t = v.table;
  return {{"collaborationId", t.collaboration_id},
          {"type", "ID_MAPPING_TABLE"},
          {"name", t.name},
          {"createTime", t.created_at},
          {"updateTime", t.updated_at},
          {"policy",
           {{"v1",
             {{"idMappingTable",
               {{"joinColumns", mapping_columns()},
                {"queryConstraints",
                 json::array({{{"requireOverlap", {{"columns", mapping_columns()}}}}})},
                {"dimensionColumns", json::array()}}}}}}}};
}

}  // namespace cleanroom::api::cleanrooms
