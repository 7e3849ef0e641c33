#pragma once
// Privacy budgets (clean-rooms-semantics.md, "Differential privacy and budgets";
// docs/clean-rooms-api.md, "Privacy budgets"): the templates members set and the budgets queries
// spend.
// - DIFFERENTIAL_PRIVACY: one per collaboration, set by a member whose data it protects (one that
//   can neither query nor receive results). `epsilon` is spent by every query on DP tables, at
//   policy::dp_epsilon_per_aggregation per aggregation; CALENDAR_MONTH gives a fresh budget at the
//   start of each UTC month.
// - ACCESS_BUDGET: one per configured table association, set by the table's owner: how many
//   queries may read the table per UTC day, week (from Monday) or month, and/or in its lifetime.
// A template is changed through the membership that created it; every active member reads the
// collaboration's.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/collaborations_repo.h"
#include "catalog/privacy_budgets_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/tags.h"
#include "core/time_window.h"
#include "policy/dp_accounting.h"

namespace cleanroom::core {

enum class PrivacyBudgetType { DifferentialPrivacy, AccessBudget };
// The one place budget types and access budget periods meet their wire names.
std::string to_string(PrivacyBudgetType t);
std::optional<PrivacyBudgetType> parse_privacy_budget_type(const std::string& s);

// An access budget's period (AccessBudgetType).
enum class BudgetPeriod { CalendarDay, CalendarWeek, CalendarMonth, Lifetime };
std::string to_string(BudgetPeriod p);
std::optional<BudgetPeriod> parse_budget_period(const std::string& s);
// The start (UTC) of the calendar period holding `t`: midnight, Monday midnight, the 1st at
// midnight; a LIFETIME has none and answers `t`.
int64_t period_start_at(BudgetPeriod p, int64_t t);
// The start of the period after the one that starts at `start`; none for LIFETIME.
std::optional<int64_t> next_period_start(BudgetPeriod p, int64_t start);

// The ARN of a configured table association as ACCESS_BUDGET templates and ListSchemas'
// resourceArn name it (the model's BudgetedResourceArn).
std::string access_budget_resource_arn(const std::string& owner_account_id,
                                       const std::string& membership_id,
                                       const std::string& association_id);

struct CreatePrivacyBudgetTemplateRequest {
  std::string membership_id;
  std::string type;           // PrivacyBudgetType
  std::string auto_refresh;   // CALENDAR_MONTH | NONE; "" = NONE
  nlohmann::json parameters;  // PrivacyBudgetTemplateParametersInput: a union
  Tags tags;
};

struct UpdatePrivacyBudgetTemplateRequest {
  std::string membership_id;
  std::string template_id;
  std::string type;           // must be the template's
  nlohmann::json parameters;  // PrivacyBudgetTemplateUpdateParameters, or null: no change
};

struct PrivacyBudgetTemplateView {
  catalog::PrivacyBudgetTemplateRecord tmpl;
  catalog::CollaborationRecord collaboration;
};

struct DpAggregationCount {
  policy::DpAggregate kind;
  int max_count = 0;        // what the whole budget allows
  int remaining_count = 0;  // what the epsilon left allows
};

// One period of an access budget as it stands now.
struct AccessBudgetPeriodView {
  BudgetPeriod period;
  int64_t budget = 0;
  int64_t remaining = 0;
  int64_t start = 0;
  std::optional<int64_t> end;  // none for LIFETIME
  std::string auto_refresh;    // ENABLED | DISABLED; "" for LIFETIME
};

// A template's budget with what is left of it now (a period that has rolled over counts as fresh).
struct PrivacyBudgetView {
  PrivacyBudgetTemplateView tmpl;
  int64_t updated_at = 0;  // the template's last change or the budget's last spend
  // DIFFERENTIAL_PRIVACY
  int epsilon = 0;
  double epsilon_remaining = 0;
  std::vector<DpAggregationCount> aggregations;  // every DpAggregate, in kDpAggregates order
  // ACCESS_BUDGET
  std::string resource_arn;
  std::vector<AccessBudgetPeriodView> periods;
  int64_t aggregate_remaining = 0;  // the least of the periods' remaining
};

struct PrivacyBudgetListRequest {
  std::string type;                        // required: PrivacyBudgetType
  std::string access_budget_resource_arn;  // "" = every table
  Page page;
};

// What the query path needs of a collaboration's DIFFERENTIAL_PRIVACY template.
struct DpSettings {
  int epsilon = 0;  // the budget per period
  int users_noise_per_query = 0;
  bool monthly_refresh = false;  // autoRefresh CALENDAR_MONTH
  double epsilon_remaining = 0;  // in the current period
};

// The same inside the caller's transaction (the query path plans a query in one), at `now`
// (epoch seconds).
Result<std::optional<DpSettings>> dp_settings(catalog::Tx& tx, const std::string& collaboration_id,
                                              int64_t now);

class PrivacyBudgetService {
 public:
  explicit PrivacyBudgetService(Context& ctx)
      : ctx_(ctx), clock_(std::make_shared<SystemClock>()) {}
  // Periods and refreshes follow this clock (tests move it).
  void set_clock(std::shared_ptr<const Clock> clock) { clock_ = std::move(clock); }

  // Membership-scoped: the templates and budgets created through the caller's own membership;
  // changes only while it is ACTIVE.
  Result<PrivacyBudgetTemplateView> create_template(const std::string& caller,
                                                    const CreatePrivacyBudgetTemplateRequest& req);
  Result<PrivacyBudgetTemplateView> get_template(const std::string& caller,
                                                 const std::string& membership_id,
                                                 const std::string& id);
  Result<std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>> list_templates(
      const std::string& caller, const std::string& membership_id, const Page& page);
  Result<PrivacyBudgetTemplateView> update_template(const std::string& caller,
                                                    const UpdatePrivacyBudgetTemplateRequest& req);
  // The budget goes with its template: what was spent is forgotten.
  Status remove_template(const std::string& caller, const std::string& membership_id,
                         const std::string& id);
  Result<std::pair<std::vector<PrivacyBudgetView>, std::string>> list_budgets(
      const std::string& caller, const std::string& membership_id,
      const PrivacyBudgetListRequest& req);
  // How many aggregations of each kind a budget of `epsilon` with `users_noise_per_query` allows
  // (every DpAggregate, in kDpAggregates order; remaining_count equals max_count). Spends nothing.
  Result<std::vector<DpAggregationCount>> preview_impact(const std::string& caller,
                                                         const std::string& membership_id,
                                                         int epsilon, int users_noise_per_query);

  // Collaboration-scoped: every template and budget of the collaboration, for any ACTIVE member.
  Result<PrivacyBudgetTemplateView> get_template_in_collaboration(
      const std::string& caller, const std::string& collaboration_id, const std::string& id);
  Result<std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>>
  list_templates_in_collaboration(const std::string& caller, const std::string& collaboration_id,
                                  const Page& page);
  Result<std::pair<std::vector<PrivacyBudgetView>, std::string>> list_budgets_in_collaboration(
      const std::string& caller, const std::string& collaboration_id,
      const PrivacyBudgetListRequest& req);

  // --- the query path ---------------------------------------------------------------------------
  // The collaboration's DIFFERENTIAL_PRIVACY settings, if it has such a template. No caller
  // check: for the query path, which has checked its caller.
  Result<std::optional<DpSettings>> dp_settings(const std::string& collaboration_id);

  // Spends, in one catalog transaction, `epsilon` of the collaboration's differential privacy
  // budget (when > 0) and one use of the ACCESS_BUDGET of every table in `tables_read` that has
  // one (a table named twice is used once). `tables_read` names configured table associations by
  // access_budget_resource_arn, by their own ARN (configuredtableassociation/<membership>/<id>),
  // by configured table ARN (configuredtable/<id>, its association in this collaboration) or by
  // association id; a name that is none of the collaboration's tables has no budget.
  // When any budget would go below zero nothing is spent and the answer is a Validation error,
  // reason INVALID_QUERY, whose message names the exhausted budget (as any refusal of a query);
  // epsilon > 0 in a collaboration without a DIFFERENTIAL_PRIVACY template is refused the same way.
  //
  // WHEN TO CALL IT: exactly once per protected query that will run, DP or not (access budgets
  // count every query; epsilon is 0 for one without DP aggregations), after the policy checker has
  // accepted the query (so `epsilon` and the tables read are final: epsilon is the sum of
  // policy::dp_epsilon_per_aggregation over the query's DP aggregations, with dp_settings'
  // usersNoisePerQuery) and when the query is recorded SUBMITTED — in StartProtectedQuery's
  // submit path (ProtectedQueryService::submit, with the Tx overload below inside the write that
  // inserts the query), so that a refused query is answered at once and never recorded. Never
  // for a dry run, never again when a recorded query starts running or is retried. This overload
  // opens its own write transaction: never call it from inside one (Database is not re-entrant).
  // A query cancelled or failing later is not refunded: the budget bounds what may have been
  // revealed, and a query may have revealed something before it failed.
  Status spend_for_query(const std::string& collaboration_id, double epsilon,
                         const std::vector<std::string>& tables_read);
  // The same inside the caller's write transaction (for instance the one that records the query
  // SUBMITTED), so that the spend commits with it or not at all; a refusal writes nothing, and
  // the caller rolls back by returning the error.
  Status spend_for_query(catalog::Tx& tx, const std::string& collaboration_id, double epsilon,
                         const std::vector<std::string>& tables_read);

 private:
  // Every budget of the collaboration `readable` answers (after checking who reads it), paged.
  Result<std::pair<std::vector<PrivacyBudgetView>, std::string>> budgets_of(
      const PrivacyBudgetListRequest& req,
      const std::function<Result<catalog::CollaborationRecord>(catalog::Tx&)>& readable);
  Context& ctx_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace cleanroom::core
