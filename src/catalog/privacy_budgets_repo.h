#pragma once
// Rows of privacy budget templates and of what queries have spent of the budgets they govern.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct PrivacyBudgetTemplateRecord {
  std::string id;
  std::string arn;
  std::string budget_id;  // the PrivacyBudget's own id
  std::string collaboration_id;
  std::string membership_id;  // the creator's membership
  std::string account_id;     // the creator
  std::string type;           // DIFFERENTIAL_PRIVACY | ACCESS_BUDGET
  std::string auto_refresh;   // CALENDAR_MONTH | NONE
  // The type's member of PrivacyBudgetTemplateParametersOutput: {epsilon, usersNoisePerQuery} or
  // {budgetParameters, resourceArn}.
  nlohmann::json parameters;
  std::optional<std::string> association_id;  // ACCESS_BUDGET: the association it limits
  int64_t created_at = 0;                     // epoch seconds
  int64_t updated_at = 0;
};

// What has been spent of one budget of a template since `period_start`.
struct BudgetUsageRecord {
  std::string template_id;
  std::string period;  // "EPSILON" (differential privacy) or an AccessBudgetType
  double spent = 0;    // epsilon, or uses of the table
  int64_t period_start = 0;
  std::optional<int64_t> first_spent_at;  // across periods: has anything ever been spent
  int64_t updated_at = 0;
};

// Which templates a list returns; "" matches any.
struct PrivacyBudgetFilter {
  std::string type;
  std::string association_id;
};

namespace privacy_budgets_repo {

Status insert(Tx& tx, const PrivacyBudgetTemplateRecord& t);
Result<std::optional<PrivacyBudgetTemplateRecord>> find(Tx& tx, const std::string& id);
// The collaboration's DIFFERENTIAL_PRIVACY template (at most one).
Result<std::optional<PrivacyBudgetTemplateRecord>> find_differential_privacy(
    Tx& tx, const std::string& collaboration_id);
// The ACCESS_BUDGET template of a configured table association (at most one).
Result<std::optional<PrivacyBudgetTemplateRecord>> find_for_association(
    Tx& tx, const std::string& association_id);
// Ordered by id; paging: ids strictly after `after`, at most `limit`.
Result<std::vector<PrivacyBudgetTemplateRecord>> of_membership(Tx& tx,
                                                               const std::string& membership_id,
                                                               const PrivacyBudgetFilter& filter,
                                                               const std::string& after, int limit);
Result<std::vector<PrivacyBudgetTemplateRecord>> of_collaboration(
    Tx& tx, const std::string& collaboration_id, const PrivacyBudgetFilter& filter,
    const std::string& after, int limit);
// Parameters and updated_at.
Status update(Tx& tx, const PrivacyBudgetTemplateRecord& t);
Status remove(Tx& tx, const std::string& id);  // its usage rows go with it

Result<std::vector<BudgetUsageRecord>> usage_of(Tx& tx, const std::string& template_id);
Status put_usage(Tx& tx, const BudgetUsageRecord& u);  // inserts or replaces
Status remove_usage(Tx& tx, const std::string& template_id, const std::string& period);

}  // namespace privacy_budgets_repo
}  // namespace cleanroom::catalog
