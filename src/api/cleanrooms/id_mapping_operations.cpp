// CreateIdNamespaceAssociation, GetIdNamespaceAssociation, ListIdNamespaceAssociations,
// UpdateIdNamespaceAssociation, DeleteIdNamespaceAssociation,
// GetCollaborationIdNamespaceAssociation, ListCollaborationIdNamespaceAssociations,
// CreateIdMappingTable, GetIdMappingTable, ListIdMappingTables, UpdateIdMappingTable,
// DeleteIdMappingTable, PopulateIdMappingTable (docs/id-mapping-tables.md).
#include "api/cleanrooms/id_mapping_json.h"
#include "api/cleanrooms/operations.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

std::optional<bool> allow_dimension_of(const json& in) {
  if (!in.contains("idMappingConfig")) return std::nullopt;
  return in["idMappingConfig"]["allowUseAsDimensionColumn"].get<bool>();
}

template <typename V, typename F>
json page_json(const std::pair<std::vector<V>, std::string>& page, const char* list, F item) {
  json out = {{list, json::array()}};
  for (const auto& v : page.first) out[list].push_back(item(v));
  if (!page.second.empty()) out["nextToken"] = page.second;
  return out;
}

}  // namespace

void add_id_mapping_operations(OperationTable& t, core::Services& s) {
  t["CreateIdNamespaceAssociation"] = [&s](const std::string& account,
                                           const json& in) -> Result<json> {
    core::CreateIdNamespaceAssociationRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.name = in["name"];
    r.description = in.value("description", "");
    r.input_reference_arn = in["inputReferenceConfig"]["inputReferenceArn"];
    r.manage_resource_policies = in["inputReferenceConfig"]["manageResourcePolicies"];
    r.allow_use_as_dimension_column = allow_dimension_of(in);
    r.tags = tags_of(in);
    CR_ASSIGN(auto v, s.id_mappings.create_namespace_association(account, r));
    return json{{"idNamespaceAssociation", namespace_association_json(v)}};
  };
  t["GetIdNamespaceAssociation"] = [&s](const std::string& account,
                                        const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.id_mappings.get_namespace_association(account, in["membershipIdentifier"],
                                                      in["idNamespaceAssociationIdentifier"]));
    return json{{"idNamespaceAssociation", namespace_association_json(v)}};
  };
  t["ListIdNamespaceAssociations"] = [&s](const std::string& account,
                                          const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.id_mappings.list_namespace_associations(
                             account, in["membershipIdentifier"], page_of(in)));
    return page_json(page, "idNamespaceAssociationSummaries", namespace_association_summary_json);
  };
  t["UpdateIdNamespaceAssociation"] = [&s](const std::string& account,
                                           const json& in) -> Result<json> {
    core::UpdateIdNamespaceAssociationRequest r;
    r.name = optional_string(in, "name");
    r.description = optional_string(in, "description");
    r.allow_use_as_dimension_column = allow_dimension_of(in);
    CR_ASSIGN(auto v,
              s.id_mappings.update_namespace_association(
                  account, in["membershipIdentifier"], in["idNamespaceAssociationIdentifier"], r));
    return json{{"idNamespaceAssociation", namespace_association_json(v)}};
  };
  t["DeleteIdNamespaceAssociation"] = [&s](const std::string& account,
                                           const json& in) -> Result<json> {
    CR_TRY(s.id_mappings.remove_namespace_association(account, in["membershipIdentifier"],
                                                      in["idNamespaceAssociationIdentifier"]));
    return json::object();
  };
  t["GetCollaborationIdNamespaceAssociation"] = [&s](const std::string& account,
                                                     const json& in) -> Result<json> {
    CR_ASSIGN(auto v,
              s.id_mappings.get_collaboration_namespace_association(
                  account, in["collaborationIdentifier"], in["idNamespaceAssociationIdentifier"]));
    return json{
        {"collaborationIdNamespaceAssociation", collaboration_namespace_association_json(v)}};
  };
  t["ListCollaborationIdNamespaceAssociations"] = [&s](const std::string& account,
                                                       const json& in) -> Result<json> {
    CR_ASSIGN(auto page, s.id_mappings.list_collaboration_namespace_associations(
                             account, in["collaborationIdentifier"], page_of(in)));
    return page_json(page, "collaborationIdNamespaceAssociationSummaries",
                     collaboration_namespace_association_summary_json);
  };

  t["CreateIdMappingTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::CreateIdMappingTableRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.name = in["name"];
    r.description = in.value("description", "");
    r.input_reference_arn = in["inputReferenceConfig"]["inputReferenceArn"];
    r.manage_resource_policies = in["inputReferenceConfig"]["manageResourcePolicies"];
    r.kms_key_arn = in.value("kmsKeyArn", "");
    r.tags = tags_of(in);
    CR_ASSIGN(auto v, s.id_mappings.create_table(account, r));
    return json{{"idMappingTable", id_mapping_table_json(v)}};
  };
  t["GetIdMappingTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.id_mappings.get_table(account, in["membershipIdentifier"],
                                              in["idMappingTableIdentifier"]));
    return json{{"idMappingTable", id_mapping_table_json(v)}};
  };
  t["ListIdMappingTables"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto page,
              s.id_mappings.list_tables(account, in["membershipIdentifier"], page_of(in)));
    return page_json(page, "idMappingTableSummaries", id_mapping_table_summary_json);
  };
  t["UpdateIdMappingTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::UpdateIdMappingTableRequest r;
    r.description = optional_string(in, "description");
    r.kms_key_arn = optional_string(in, "kmsKeyArn");
    CR_ASSIGN(auto v, s.id_mappings.update_table(account, in["membershipIdentifier"],
                                                 in["idMappingTableIdentifier"], r));
    return json{{"idMappingTable", id_mapping_table_json(v)}};
  };
  t["DeleteIdMappingTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.id_mappings.remove_table(account, in["membershipIdentifier"],
                                      in["idMappingTableIdentifier"]));
    return json::object();
  };
  t["PopulateIdMappingTable"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto job,
              s.id_mappings.populate(account, in["membershipIdentifier"],
                                     in["idMappingTableIdentifier"], in.value("jobType", "BATCH")));
    return json{{"idMappingJobId", job}};
  };
}

}  // namespace cleanroom::api::cleanrooms
