#include "catalog/association_rules_repo.h"

#include <nlohmann/json.hpp>

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::association_rules_repo {
namespace {

Value json_list(const std::optional<std::vector<std::string>>& list) {
  if (!list) return nullptr;
  return nlohmann::json(*list).dump();
}

std::optional<std::vector<std::string>> list_of(const Row& r, std::string_view col) {
  auto text = r.opt_str(col);
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text).get<std::vector<std::string>>();
}

AssociationRuleRecord rule_from(const Row& r) {
  return {r.str("association_id"),        r.str("rule_type"),
          list_of(r, "result_receivers"), list_of(r, "additional_analyses"),
          r.integer("created_at"),        r.integer("updated_at")};
}

}  // namespace

Status insert(Tx& tx, const AssociationRuleRecord& r) {
  return tx.exec(
      "INSERT INTO association_analysis_rules (association_id, rule_type, result_receivers, "
      "additional_analyses, created_at, updated_at) VALUES (?,?,?,?,?,?)",
      {r.association_id, r.type, json_list(r.result_receivers), json_list(r.additional_analyses),
       r.created_at, r.updated_at});
}

Status update(Tx& tx, const AssociationRuleRecord& r) {
  return tx.exec(
      "UPDATE association_analysis_rules SET result_receivers = ?, additional_analyses = ?, "
      "updated_at = ? WHERE association_id = ? AND rule_type = ?",
      {json_list(r.result_receivers), json_list(r.additional_analyses), r.updated_at,
       r.association_id, r.type});
}

Status remove(Tx& tx, const std::string& association_id, const std::string& type) {
  return tx.exec(
      "DELETE FROM association_analysis_rules WHERE association_id = ? AND rule_type = ?",
      {association_id, type});
}

Result<std::optional<AssociationRuleRecord>> find(Tx& tx, const std::string& association_id,
                                                  const std::string& type) {
  return fetch_one<AssociationRuleRecord>(
      tx, "SELECT * FROM association_analysis_rules WHERE association_id = ? AND rule_type = ?",
      {association_id, type}, rule_from);
}

}  // namespace cleanroom::catalog::association_rules_repo
