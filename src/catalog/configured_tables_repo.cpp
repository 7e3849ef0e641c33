#include "catalog/configured_tables_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::configured_tables_repo {
namespace {

using nlohmann::json;

Value text_or_null(const std::optional<std::string>& s) { return s ? Value(*s) : Value(nullptr); }

ConfiguredTableRecord table_from(const Row& r) {
  return {r.str("configured_table_id"),
          r.str("account_id"),
          r.str("name"),
          r.opt_str("description"),
          r.str("database_name"),
          r.str("table_name"),
          json::parse(r.str("allowed_columns")).get<std::vector<std::string>>(),
          r.str("analysis_method"),
          r.integer("created_at"),
          r.integer("updated_at")};
}

AnalysisRuleRecord rule_from(const Row& r) {
  return {r.str("configured_table_id"), r.str("type"), json::parse(r.str("policy")),
          r.integer("created_at"), r.integer("updated_at")};
}

AssociationRecord association_from(const Row& r) {
  return {r.str("association_id"), r.str("membership_id"),   r.str("configured_table_id"),
          r.str("name"),           r.opt_str("description"), r.str("role_arn"),
          r.integer("created_at"), r.integer("updated_at")};
}

}  // namespace

Status insert(Tx& tx, const ConfiguredTableRecord& t) {
  return tx.exec(
      "INSERT INTO configured_tables (configured_table_id, account_id, name, description, "
      "database_name, "
      "table_name, allowed_columns, analysis_method, created_at, updated_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?)",
      {t.id, t.account_id, t.name, text_or_null(t.description), t.database_name, t.table_name,
       json(t.allowed_columns).dump(), t.analysis_method, t.created_at, t.updated_at});
}

Result<std::optional<ConfiguredTableRecord>> find(Tx& tx, const std::string& id) {
  return fetch_one<ConfiguredTableRecord>(
      tx, "SELECT * FROM configured_tables WHERE configured_table_id = ?", {id}, table_from);
}

Result<std::vector<ConfiguredTableRecord>> list_for_account(Tx& tx, const std::string& account_id,
                                                            const std::string& after, int limit) {
  return fetch_all<ConfiguredTableRecord>(tx,
                                          "SELECT * FROM configured_tables WHERE account_id = ?1 "
                                          "AND (?2 = '' OR configured_table_id > ?2) "
                                          "ORDER BY configured_table_id LIMIT ?3",
                                          {account_id, after, static_cast<int64_t>(limit)},
                                          table_from);
}

Status update(Tx& tx, const ConfiguredTableRecord& t) {
  return tx.exec(
      "UPDATE configured_tables SET name = ?, description = ?, database_name = ?, table_name = ?, "
      "allowed_columns = ?, analysis_method = ?, updated_at = ? WHERE configured_table_id = ?",
      {t.name, text_or_null(t.description), t.database_name, t.table_name,
       json(t.allowed_columns).dump(), t.analysis_method, t.updated_at, t.id});
}

Status remove(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM configured_tables WHERE configured_table_id = ?", {id});
}

Status insert_rule(Tx& tx, const AnalysisRuleRecord& r) {
  return tx.exec(
      "INSERT INTO configured_table_analysis_rules (configured_table_id, type, policy, created_at, "
      "updated_at) "
      "VALUES (?,?,?,?,?)",
      {r.configured_table_id, r.type, r.policy.dump(), r.created_at, r.updated_at});
}

Result<std::optional<AnalysisRuleRecord>> find_rule(Tx& tx,
                                                    const std::string& configured_table_id) {
  return fetch_one<AnalysisRuleRecord>(
      tx, "SELECT * FROM configured_table_analysis_rules WHERE configured_table_id = ?",
      {configured_table_id}, rule_from);
}

Status update_rule(Tx& tx, const AnalysisRuleRecord& r) {
  return tx.exec(
      "UPDATE configured_table_analysis_rules SET type = ?, policy = ?, updated_at = ? WHERE "
      "configured_table_id = ?",
      {r.type, r.policy.dump(), r.updated_at, r.configured_table_id});
}

Status remove_rule(Tx& tx, const std::string& configured_table_id) {
  return tx.exec("DELETE FROM configured_table_analysis_rules WHERE configured_table_id = ?",
                 {configured_table_id});
}

Status insert_association(Tx& tx, const AssociationRecord& a) {
  return tx.exec(
      "INSERT INTO configured_table_associations (association_id, membership_id, "
      "configured_table_id, name, "
      "description, role_arn, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
      {a.id, a.membership_id, a.configured_table_id, a.name, text_or_null(a.description),
       a.role_arn, a.created_at, a.updated_at});
}

Result<std::optional<AssociationRecord>> find_association(Tx& tx, const std::string& id) {
  return fetch_one<AssociationRecord>(
      tx, "SELECT * FROM configured_table_associations WHERE association_id = ?", {id},
      association_from);
}

Result<std::vector<AssociationRecord>> associations_of_membership(Tx& tx,
                                                                  const std::string& membership_id,
                                                                  const std::string& after,
                                                                  int limit) {
  return fetch_all<AssociationRecord>(tx,
                                      "SELECT * FROM configured_table_associations WHERE "
                                      "membership_id = ?1 AND (?2 = '' OR association_id > ?2) "
                                      "ORDER BY association_id LIMIT ?3",
                                      {membership_id, after, static_cast<int64_t>(limit)},
                                      association_from);
}

Result<std::vector<AssociationRecord>> associations_of_table(
    Tx& tx, const std::string& configured_table_id) {
  return fetch_all<AssociationRecord>(tx,
                                      "SELECT * FROM configured_table_associations WHERE "
                                      "configured_table_id = ? ORDER BY association_id",
                                      {configured_table_id}, association_from);
}

Result<std::vector<AssociationRecord>> active_associations_in_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit) {
  return fetch_all<AssociationRecord>(
      tx,
      "SELECT a.* FROM configured_table_associations a JOIN "
      "memberships m ON m.membership_id = a.membership_id "
      "WHERE m.collaboration_id = ?1 AND m.status = ?4 AND "
      "(?2 = '' OR lower(a.name) > lower(?2)) "
      "ORDER BY lower(a.name) LIMIT ?3",
      {collaboration_id, after, static_cast<int64_t>(limit), wire_string(MembershipStatus::Active)},
      association_from);
}

Result<std::optional<AssociationRecord>> find_active_association_by_name(
    Tx& tx, const std::string& collaboration_id, const std::string& name) {
  return fetch_one<AssociationRecord>(
      tx,
      "SELECT a.* FROM configured_table_associations a JOIN memberships m ON m.membership_id = "
      "a.membership_id "
      "WHERE m.collaboration_id = ? AND m.status = ? AND lower(a.name) = lower(?)",
      {collaboration_id, wire_string(MembershipStatus::Active), name}, association_from);
}

Result<std::vector<AssociationRecord>> associations_of_account_tables(
    Tx& tx, const std::string& account_id) {
  return fetch_all<AssociationRecord>(
      tx,
      "SELECT a.* FROM configured_tables t JOIN configured_table_associations a "
      "ON a.configured_table_id = t.configured_table_id WHERE t.account_id = ? "
      "ORDER BY a.association_id",
      {account_id}, association_from);
}

Result<std::vector<NameInCollaboration>> active_association_names_where_member(
    Tx& tx, const std::string& account_id) {
  CR_ASSIGN(
      auto rows,
      tx.query("SELECT other.collaboration_id, a.name FROM memberships own "
               "JOIN memberships other ON other.collaboration_id = own.collaboration_id "
               "AND other.status = ?2 "
               "JOIN configured_table_associations a ON a.membership_id = other.membership_id "
               "WHERE own.account_id = ?1 AND own.status = ?2",
               {account_id, wire_string(MembershipStatus::Active)}));
  std::vector<NameInCollaboration> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.str("collaboration_id"), r.str("name")});
  return out;
}

Status update_association(Tx& tx, const AssociationRecord& a) {
  return tx.exec(
      "UPDATE configured_table_associations SET description = ?, role_arn = ?, updated_at = ? "
      "WHERE association_id = ?",
      {text_or_null(a.description), a.role_arn, a.updated_at, a.id});
}

Status remove_association(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM configured_table_associations WHERE association_id = ?", {id});
}

}  // namespace cleanroom::catalog::configured_tables_repo
