#pragma once
// Rows of ID namespace associations (a member's identity table offered to a collaboration for
// matching) and ID mapping tables (the matching between a SOURCE and a TARGET namespace, whose
// mapping file only the engine reads). docs/id-mapping-tables.md.
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct IdNamespaceAssociationRecord {
  std::string id;
  std::string arn;
  std::string collaboration_id;
  std::string membership_id;
  std::string account_id;  // the creator, owner of the configured table it names
  std::string name;
  std::string description;
  std::string input_reference_arn;  // arn:aws:entityresolution:...:idnamespace/<type>-<tableId>
  bool manage_resource_policies = false;
  std::string namespace_type;  // SOURCE or TARGET
  std::string configured_table_id;
  std::optional<bool> allow_use_as_dimension_column;  // IdMappingConfig; unset: not given
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct IdMappingTableRecord {
  std::string id;
  std::string arn;
  std::string collaboration_id;
  std::string membership_id;
  std::string account_id;  // the creator
  std::string name;
  std::string description;
  std::string input_reference_arn;  // ...:idmappingworkflow/<source assoc id>/<target assoc id>
  bool manage_resource_policies = false;
  std::string source_association_id;
  std::string target_association_id;
  std::string kms_key_arn;  // "" when not given
  // The mapping's Parquet file under the data dir, "" until populated; only the engine reads it.
  std::string mapping_path;
  std::string source_id_type;  // the DuckDB types of its two columns, as populated
  std::string target_id_type;
  std::string last_job_id;  // of the last PopulateIdMappingTable, "" before
  int64_t populated_at = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace id_mappings_repo {

Status insert_namespace(Tx& tx, const IdNamespaceAssociationRecord& a);
Result<std::optional<IdNamespaceAssociationRecord>> find_namespace(Tx& tx, const std::string& id);
// Ordered by id; paging: ids strictly after `after`, at most `limit`.
Result<std::vector<IdNamespaceAssociationRecord>> namespaces_of_membership(
    Tx& tx, const std::string& membership_id, const std::string& after, int limit);
Result<std::vector<IdNamespaceAssociationRecord>> namespaces_of_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit);
Status update_namespace(Tx& tx, const IdNamespaceAssociationRecord& a);
Status remove_namespace(Tx& tx, const std::string& id);

Status insert_table(Tx& tx, const IdMappingTableRecord& t);
Result<std::optional<IdMappingTableRecord>> find_table(Tx& tx, const std::string& id);
Result<std::vector<IdMappingTableRecord>> tables_of_membership(Tx& tx,
                                                               const std::string& membership_id,
                                                               const std::string& after, int limit);
Result<std::vector<IdMappingTableRecord>> tables_of_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit);
// The mapping tables reading a namespace association, as SOURCE or TARGET.
Result<std::vector<IdMappingTableRecord>> tables_using_namespace(Tx& tx,
                                                                 const std::string& association_id);
Status update_table(Tx& tx, const IdMappingTableRecord& t);
Status remove_table(Tx& tx, const std::string& id);

}  // namespace id_mappings_repo
}  // namespace cleanroom::catalog
