#include "catalog/privacy_budgets_repo.h"

#include <string>

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::privacy_budgets_repo {
namespace {
using nlohmann::json;

PrivacyBudgetTemplateRecord template_from(const Row& r) {
  PrivacyBudgetTemplateRecord t;
  t.id = r.str("privacy_budget_template_id");
  t.arn = r.str("arn");
  t.budget_id = r.str("privacy_budget_id");
  t.collaboration_id = r.str("collaboration_id");
  t.membership_id = r.str("membership_id");
  t.account_id = r.str("account_id");
  t.type = r.str("privacy_budget_type");
  t.auto_refresh = r.str("auto_refresh");
  t.parameters = json::parse(r.str("parameters"));
  t.association_id = r.opt_str("association_id");
  t.created_at = r.integer("created_at");
  t.updated_at = r.integer("updated_at");
  return t;
}

BudgetUsageRecord usage_from(const Row& r) {
  BudgetUsageRecord u;
  u.template_id = r.str("privacy_budget_template_id");
  u.period = r.str("period");
  u.spent = r.real("spent");
  u.period_start = r.integer("period_start");
  if (!r.is_null("first_spent_at")) u.first_spent_at = r.integer("first_spent_at");
  u.updated_at = r.integer("updated_at");
  return u;
}

Value optional_value(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return *s;
}

// `scope_column` is membership_id or collaboration_id; never user input.
Result<std::vector<PrivacyBudgetTemplateRecord>> list(Tx& tx, const char* scope_column,
                                                      const std::string& scope,
                                                      const PrivacyBudgetFilter& filter,
                                                      const std::string& after, int limit) {
  return fetch_all<PrivacyBudgetTemplateRecord>(
      tx,
      std::string("SELECT * FROM privacy_budget_templates WHERE ") + scope_column +
          " = ?1 AND (?2 = '' OR privacy_budget_type = ?2) AND "
          "(?3 = '' OR association_id = ?3) AND privacy_budget_template_id > ?4 "
          "ORDER BY privacy_budget_template_id LIMIT ?5",
      {scope, filter.type, filter.association_id, after, static_cast<int64_t>(limit)},
      template_from);
}

}  // namespace

Status insert(Tx& tx, const PrivacyBudgetTemplateRecord& t) {
  return tx.exec(
      "INSERT INTO privacy_budget_templates (privacy_budget_template_id, arn, privacy_budget_id, "
      "collaboration_id, membership_id, account_id, privacy_budget_type, auto_refresh, parameters, "
      "association_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {t.id, t.arn, t.budget_id, t.collaboration_id, t.membership_id, t.account_id, t.type,
       t.auto_refresh, t.parameters.dump(), optional_value(t.association_id), t.created_at,
       t.updated_at});
}

Result<std::optional<PrivacyBudgetTemplateRecord>> find(Tx& tx, const std::string& id) {
  return fetch_one<PrivacyBudgetTemplateRecord>(
      tx, "SELECT * FROM privacy_budget_templates WHERE privacy_budget_template_id = ?", {id},
      template_from);
}

Result<std::optional<PrivacyBudgetTemplateRecord>> find_differential_privacy(
    Tx& tx, const std::string& collaboration_id) {
  return fetch_one<PrivacyBudgetTemplateRecord>(
      tx,
      "SELECT * FROM privacy_budget_templates WHERE collaboration_id = ? AND "
      "privacy_budget_type = 'DIFFERENTIAL_PRIVACY'",
      {collaboration_id}, template_from);
}

Result<std::optional<PrivacyBudgetTemplateRecord>> find_for_association(
    Tx& tx, const std::string& association_id) {
  return fetch_one<PrivacyBudgetTemplateRecord>(
      tx, "SELECT * FROM privacy_budget_templates WHERE association_id = ?", {association_id},
      template_from);
}

Result<std::vector<PrivacyBudgetTemplateRecord>> of_membership(Tx& tx,
                                                               const std::string& membership_id,
                                                               const PrivacyBudgetFilter& filter,
                                                               const std::string& after,
                                                               int limit) {
  return list(tx, "membership_id", membership_id, filter, after, limit);
}

Result<std::vector<PrivacyBudgetTemplateRecord>> of_collaboration(
    Tx& tx, const std::string& collaboration_id, const PrivacyBudgetFilter& filter,
    const std::string& after, int limit) {
  return list(tx, "collaboration_id", collaboration_id, filter, after, limit);
}

Status update(Tx& tx, const PrivacyBudgetTemplateRecord& t) {
  return tx.exec(
      "UPDATE privacy_budget_templates SET parameters = ?, updated_at = ? "
      "WHERE privacy_budget_template_id = ?",
      {t.parameters.dump(), t.updated_at, t.id});
}

Status remove(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM privacy_budget_templates WHERE privacy_budget_template_id = ?", {id});
}

Result<std::vector<BudgetUsageRecord>> usage_of(Tx& tx, const std::string& template_id) {
  return fetch_all<BudgetUsageRecord>(tx,
                                      // spent is read with Row::real, exact: str() would give six
                                      // decimals and lose epsilon over many spends.
                                      "SELECT * FROM privacy_budget_usage "
                                      "WHERE privacy_budget_template_id = ? ORDER BY period",
                                      {template_id}, usage_from);
}

Status put_usage(Tx& tx, const BudgetUsageRecord& u) {
  Value first = nullptr;
  if (u.first_spent_at) first = *u.first_spent_at;
  return tx.exec(
      "INSERT INTO privacy_budget_usage (privacy_budget_template_id, period, spent, "
      "period_start, first_spent_at, updated_at) VALUES (?,?,?,?,?,?) "
      "ON CONFLICT (privacy_budget_template_id, period) DO UPDATE SET spent = excluded.spent, "
      "period_start = excluded.period_start, first_spent_at = excluded.first_spent_at, "
      "updated_at = excluded.updated_at",
      {u.template_id, u.period, u.spent, u.period_start, first, u.updated_at});
}

Status remove_usage(Tx& tx, const std::string& template_id, const std::string& period) {
  return tx.exec(
      "DELETE FROM privacy_budget_usage WHERE privacy_budget_template_id = ? AND period = ?",
      {template_id, period});
}

}  // namespace cleanroom::catalog::privacy_budgets_repo
