#include "catalog/id_mappings_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::id_mappings_repo {
namespace {

IdNamespaceAssociationRecord namespace_from(const Row& r) {
  IdNamespaceAssociationRecord a;
  a.id = r.str("id_namespace_association_id");
  a.arn = r.str("arn");
  a.collaboration_id = r.str("collaboration_id");
  a.membership_id = r.str("membership_id");
  a.account_id = r.str("account_id");
  a.name = r.str("name");
  a.description = r.str("description");
  a.input_reference_arn = r.str("input_reference_arn");
  a.manage_resource_policies = r.integer("manage_resource_policies") != 0;
  a.namespace_type = r.str("namespace_type");
  a.configured_table_id = r.str("configured_table_id");
  if (!r.is_null("allow_use_as_dimension_column"))
    a.allow_use_as_dimension_column = r.integer("allow_use_as_dimension_column") != 0;
  a.created_at = r.integer("created_at");
  a.updated_at = r.integer("updated_at");
  return a;
}

IdMappingTableRecord table_from(const Row& r) {
  IdMappingTableRecord t;
  t.id = r.str("id_mapping_table_id");
  t.arn = r.str("arn");
  t.collaboration_id = r.str("collaboration_id");
  t.membership_id = r.str("membership_id");
  t.account_id = r.str("account_id");
  t.name = r.str("name");
  t.description = r.str("description");
  t.input_reference_arn = r.str("input_reference_arn");
  t.manage_resource_policies = r.integer("manage_resource_policies") != 0;
  t.source_association_id = r.str("source_association_id");
  t.target_association_id = r.str("target_association_id");
  t.kms_key_arn = r.str("kms_key_arn");
  t.mapping_path = r.str("mapping_path");
  t.source_id_type = r.str("source_id_type");
  t.target_id_type = r.str("target_id_type");
  t.last_job_id = r.str("last_job_id");
  t.populated_at = r.integer("populated_at");
  t.created_at = r.integer("created_at");
  t.updated_at = r.integer("updated_at");
  return t;
}

Value optional_bool(const std::optional<bool>& b) {
  if (!b) return nullptr;
  return static_cast<int64_t>(*b ? 1 : 0);
}

}  // namespace

Status insert_namespace(Tx& tx, const IdNamespaceAssociationRecord& a) {
  return tx.exec(
      "INSERT INTO id_namespace_associations (id_namespace_association_id, arn, collaboration_id, "
      "membership_id, account_id, name, description, input_reference_arn, "
      "manage_resource_policies, namespace_type, configured_table_id, "
      "allow_use_as_dimension_column, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {a.id, a.arn, a.collaboration_id, a.membership_id, a.account_id, a.name, a.description,
       a.input_reference_arn, static_cast<int64_t>(a.manage_resource_policies ? 1 : 0),
       a.namespace_type, a.configured_table_id, optional_bool(a.allow_use_as_dimension_column),
       a.created_at, a.updated_at});
}

Result<std::optional<IdNamespaceAssociationRecord>> find_namespace(Tx& tx, const std::string& id) {
  return fetch_one<IdNamespaceAssociationRecord>(
      tx, "SELECT * FROM id_namespace_associations WHERE id_namespace_association_id = ?", {id},
      namespace_from);
}

Result<std::vector<IdNamespaceAssociationRecord>> namespaces_of_membership(
    Tx& tx, const std::string& membership_id, const std::string& after, int limit) {
  return fetch_all<IdNamespaceAssociationRecord>(
      tx,
      "SELECT * FROM id_namespace_associations WHERE membership_id = ? AND "
      "id_namespace_association_id > ? ORDER BY id_namespace_association_id LIMIT ?",
      {membership_id, after, static_cast<int64_t>(limit)}, namespace_from);
}

Result<std::vector<IdNamespaceAssociationRecord>> namespaces_of_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit) {
  return fetch_all<IdNamespaceAssociationRecord>(
      tx,
      "SELECT * FROM id_namespace_associations WHERE collaboration_id = ? AND "
      "id_namespace_association_id > ? ORDER BY id_namespace_association_id LIMIT ?",
      {collaboration_id, after, static_cast<int64_t>(limit)}, namespace_from);
}

Status update_namespace(Tx& tx, const IdNamespaceAssociationRecord& a) {
  return tx.exec(
      "UPDATE id_namespace_associations SET name = ?, description = ?, "
      "allow_use_as_dimension_column = ?, updated_at = ? WHERE id_namespace_association_id = ?",
      {a.name, a.description, optional_bool(a.allow_use_as_dimension_column), a.updated_at, a.id});
}

Status remove_namespace(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM id_namespace_associations WHERE id_namespace_association_id = ?",
                 {id});
}

Status insert_table(Tx& tx, const IdMappingTableRecord& t) {
  return tx.exec(
      "INSERT INTO id_mapping_tables (id_mapping_table_id, arn, collaboration_id, membership_id, "
      "account_id, name, description, input_reference_arn, manage_resource_policies, "
      "source_association_id, target_association_id, kms_key_arn, mapping_path, source_id_type, "
      "target_id_type, last_job_id, populated_at, created_at, updated_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {t.id, t.arn, t.collaboration_id, t.membership_id, t.account_id, t.name, t.description,
       t.input_reference_arn, static_cast<int64_t>(t.manage_resource_policies ? 1 : 0),
       t.source_association_id, t.target_association_id, t.kms_key_arn, t.mapping_path,
       t.source_id_type, t.target_id_type, t.last_job_id, t.populated_at, t.created_at,
       t.updated_at});
}

Result<std::optional<IdMappingTableRecord>> find_table(Tx& tx, const std::string& id) {
  return fetch_one<IdMappingTableRecord>(
      tx, "SELECT * FROM id_mapping_tables WHERE id_mapping_table_id = ?", {id}, table_from);
}

Result<std::vector<IdMappingTableRecord>> tables_of_membership(Tx& tx,
                                                               const std::string& membership_id,
                                                               const std::string& after,
                                                               int limit) {
  return fetch_all<IdMappingTableRecord>(
      tx,
      "SELECT * FROM id_mapping_tables WHERE membership_id = ? AND id_mapping_table_id > ? "
      "ORDER BY id_mapping_table_id LIMIT ?",
      {membership_id, after, static_cast<int64_t>(limit)}, table_from);
}

Result<std::vector<IdMappingTableRecord>> tables_of_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit) {
  return fetch_all<IdMappingTableRecord>(
      tx,
      "SELECT * FROM id_mapping_tables WHERE collaboration_id = ? AND id_mapping_table_id > ? "
      "ORDER BY id_mapping_table_id LIMIT ?",
      {collaboration_id, after, static_cast<int64_t>(limit)}, table_from);
}

Result<std::vector<IdMappingTableRecord>> tables_using_namespace(
    Tx& tx, const std::string& association_id) {
  return fetch_all<IdMappingTableRecord>(
      tx,
      "SELECT * FROM id_mapping_tables WHERE source_association_id = ? OR "
      "target_association_id = ? ORDER BY id_mapping_table_id",
      {association_id, association_id}, table_from);
}

Status update_table(Tx& tx, const IdMappingTableRecord& t) {
  return tx.exec(
      "UPDATE id_mapping_tables SET description = ?, kms_key_arn = ?, mapping_path = ?, "
      "source_id_type = ?, target_id_type = ?, last_job_id = ?, populated_at = ?, updated_at = ? "
      "WHERE id_mapping_table_id = ?",
      {t.description, t.kms_key_arn, t.mapping_path, t.source_id_type, t.target_id_type,
       t.last_job_id, t.populated_at, t.updated_at, t.id});
}

Status remove_table(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM id_mapping_tables WHERE id_mapping_table_id = ?", {id});
}

}  // namespace cleanroom::catalog::id_mappings_repo
