#pragma once
// Output shapes of ID namespace associations and ID mapping tables, and of an ID mapping table as
// a schema (type ID_MAPPING_TABLE) and its analysis rule.
#include <nlohmann/json.hpp>

#include "core/id_mappings.h"

namespace cleanroom::api::cleanrooms {

nlohmann::json namespace_association_json(const core::IdNamespaceAssociationView& v);
nlohmann::json namespace_association_summary_json(const core::IdNamespaceAssociationView& v);
nlohmann::json collaboration_namespace_association_json(const core::IdNamespaceAssociationView& v);
nlohmann::json collaboration_namespace_association_summary_json(
    const core::IdNamespaceAssociationView& v);
nlohmann::json id_mapping_table_json(const core::IdMappingTableView& v);
nlohmann::json id_mapping_table_summary_json(const core::IdMappingTableView& v);
// Schema, SchemaSummary and AnalysisRule of an ID mapping table.
nlohmann::json id_mapping_schema_json(const core::IdMappingTableView& v);
nlohmann::json id_mapping_schema_summary_json(const core::IdMappingTableView& v);
nlohmann::json id_mapping_analysis_rule_json(const core::IdMappingTableView& v);

}  // namespace cleanroom::api::cleanrooms
