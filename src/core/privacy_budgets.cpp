#include "core/privacy_budgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "catalog/configured_tables_repo.h"
#include "common/arn.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/memberships.h"

namespace cleanroom::core {
namespace repo = catalog::privacy_budgets_repo;
namespace collab_repo = catalog::collaborations_repo;
namespace tables_repo = catalog::configured_tables_repo;
using catalog::BudgetUsageRecord;
using catalog::MembershipRecord;
using catalog::PrivacyBudgetTemplateRecord;
using catalog::Tx;
using nlohmann::json;

namespace {

// The service model's ranges (Epsilon, UsersNoisePerQuery, Budget, BudgetParameters).
constexpr int kMinEpsilon = 1, kMaxEpsilon = 20;
constexpr int kMinUsersNoise = 10, kMaxUsersNoise = 100;
constexpr int64_t kMaxBudget = 1000000;
// Epsilon is summed in floating point: 0.1 spent ten times is a budget of 1.0, not one over it.
constexpr double kEpsilonTolerance = 1e-9;
// The usage row of a DIFFERENTIAL_PRIVACY template.
constexpr const char* kEpsilonPeriod = "EPSILON";

std::string format_epsilon(double e) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", e);
  return buf;
}

// --- parameters ---------------------------------------------------------------------------------

// A whole number in [lo, hi] named `path`.`name`; none when absent and not required.
Result<std::optional<int>> bounded_int(const json& obj, const char* name, int lo, int hi,
                                       const std::string& path, bool required) {
  const std::string field = path + "." + name;
  if (!obj.contains(name) || obj[name].is_null()) {
    if (required) return Error::validation(field + " is required", field);
    return std::optional<int>();
  }
  const json& v = obj[name];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    return Error::validation(
        field + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi),
        field);
  return std::optional<int>(static_cast<int>(v.get<int64_t>()));
}

// A configured table association as an access budget names it.
struct AssociationRef {
  std::string account_id;
  std::string membership_id;
  std::string association_id;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// arn:aws:cleanrooms:<region>:<account>:<resource>; `region` and the resource path are returned
// for the caller to judge.
struct ParsedArn {
  std::string region;
  std::string account_id;
  std::vector<std::string> resource;  // the resource's path segments
};

std::optional<ParsedArn> parse_arn(const std::string& arn) {
  auto parts = split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "cleanrooms")
    return std::nullopt;
  return ParsedArn{parts[3], parts[4], split(parts[5], '/')};
}

// membership/<membership>/configuredtableassociation/<association> (BudgetedResourceArn).
std::optional<AssociationRef> budgeted_resource(const std::string& arn) {
  auto p = parse_arn(arn);
  if (!p || p->region != kRegion || p->resource.size() != 4 || p->resource[0] != "membership" ||
      p->resource[2] != "configuredtableassociation" || p->resource[1].empty() ||
      p->resource[3].empty())
    return std::nullopt;
  return AssociationRef{p->account_id, p->resource[1], p->resource[3]};
}

struct BudgetParameter {
  BudgetPeriod period;
  int64_t budget = 0;
  std::string auto_refresh;  // ENABLED | DISABLED; "" when not given
};

bool refreshes(const BudgetParameter& p) {
  return p.period != BudgetPeriod::Lifetime && p.auto_refresh == "ENABLED";
}

// budgetParameters: one budget per period at most, a per-period budget and a lifetime budget
// at most (the user guide: "a per period budget ..., a lifetime budget ..., or both").
Result<std::vector<BudgetParameter>> budget_parameters(const json& list, const std::string& path) {
  const std::string field = path + ".budgetParameters";
  if (!list.is_array() || list.empty() || list.size() > 2)
    return Error::validation(field + " must hold 1 or 2 budgets", field);
  std::vector<BudgetParameter> out;
  int periodic = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& p = list[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (!p.is_object()) return Error::validation(at + " must be a BudgetParameter", at);
    auto period = parse_budget_period(p.value("type", ""));
    if (!period)
      return Error::validation(
          at + ".type must be CALENDAR_DAY, CALENDAR_WEEK, CALENDAR_MONTH or LIFETIME",
          at + ".type");
    if (!p.contains("budget") || !p["budget"].is_number_integer() ||
        p["budget"].get<int64_t>() < 0 || p["budget"].get<int64_t>() > kMaxBudget)
      return Error::validation(at + ".budget must be a whole number from 0 to 1000000",
                               at + ".budget");
    BudgetParameter bp{*period, p["budget"].get<int64_t>(), ""};
    if (p.contains("autoRefresh") && !p["autoRefresh"].is_null()) {
      bp.auto_refresh = p["autoRefresh"].is_string() ? p["autoRefresh"].get<std::string>() : "";
      if (bp.auto_refresh != "ENABLED" && bp.auto_refresh != "DISABLED")
        return Error::validation(at + ".autoRefresh must be ENABLED or DISABLED",
                                 at + ".autoRefresh");
    }
    if (bp.period == BudgetPeriod::Lifetime && bp.auto_refresh == "ENABLED")
      return Error::invalid_configuration(
          at + ": a LIFETIME budget never refreshes; leave autoRefresh out", at + ".autoRefresh");
    for (const auto& seen : out)
      if (seen.period == bp.period)
        return Error::invalid_configuration(
            field + " sets the " + to_string(bp.period) + " budget twice", field);
    if (bp.period != BudgetPeriod::Lifetime && ++periodic > 1)
      return Error::invalid_configuration(
          field +
              " sets two per-period budgets; give one (CALENDAR_DAY, CALENDAR_WEEK or "
              "CALENDAR_MONTH) and, if wanted, a LIFETIME budget",
          field);
    out.push_back(bp);
  }
  return out;
}

// The stored form of a template's budgetParameters (as given, without nulls).
json budget_parameters_json(const std::vector<BudgetParameter>& params) {
  json out = json::array();
  for (const auto& p : params) {
    json j = {{"type", to_string(p.period)}, {"budget", p.budget}};
    if (!p.auto_refresh.empty()) j["autoRefresh"] = p.auto_refresh;
    out.push_back(j);
  }
  return out;
}

std::vector<BudgetParameter> stored_budget_parameters(const PrivacyBudgetTemplateRecord& t) {
  std::vector<BudgetParameter> out;
  for (const auto& p : t.parameters.value("budgetParameters", json::array())) {
    auto period = parse_budget_period(p.value("type", ""));
    if (!period) continue;
    out.push_back({*period, p.value("budget", int64_t{0}), p.value("autoRefresh", "")});
  }
  return out;
}

// The member of a parameters union that goes with `type`, or a Validation error naming the union.
Result<json> union_member(const json& parameters, PrivacyBudgetType type, bool required) {
  const std::string want =
      type == PrivacyBudgetType::DifferentialPrivacy ? "differentialPrivacy" : "accessBudget";
  if (parameters.is_null() || (parameters.is_object() && parameters.empty())) {
    if (required) return Error::validation("parameters." + want + " is required", "parameters");
    return json();
  }
  if (!parameters.is_object())
    return Error::validation("parameters must be an object", "parameters");
  for (const auto& [name, value] : parameters.items()) {
    if (value.is_null()) continue;
    if (name != want)
      return Error::invalid_configuration("parameters." + name +
                                              " does not go with privacyBudgetType " +
                                              to_string(type) + "; give parameters." + want,
                                          "parameters");
  }
  if (!parameters.contains(want) || !parameters[want].is_object()) {
    if (required) return Error::validation("parameters." + want + " is required", "parameters");
    return json();
  }
  return parameters[want];
}

// --- periods and what is left -------------------------------------------------------------------

// The usage as it stands at `now`: a period that has rolled over is fresh when the budget
// refreshes automatically.
BudgetUsageRecord rolled(BudgetUsageRecord u, std::optional<BudgetPeriod> refresh_period,
                         int64_t now) {
  if (!refresh_period) return u;
  int64_t current = period_start_at(*refresh_period, now);
  if (u.period_start < current) {
    u.spent = 0;
    u.period_start = current;
  }
  return u;
}

// Differential privacy refreshes monthly or never.
std::optional<BudgetPeriod> dp_refresh(const PrivacyBudgetTemplateRecord& t) {
  if (t.auto_refresh == "CALENDAR_MONTH") return BudgetPeriod::CalendarMonth;
  return std::nullopt;
}

std::optional<BudgetPeriod> access_refresh(const BudgetParameter& p) {
  if (refreshes(p)) return p.period;
  return std::nullopt;
}

// The row a new budget starts with: the calendar period holding `now`, or `now` itself for a
// budget that counts from its creation.
BudgetUsageRecord fresh_usage(const std::string& template_id, const std::string& period,
                              int64_t start, int64_t now) {
  return {template_id, period, 0.0, start, std::nullopt, now};
}

int64_t access_start(const BudgetParameter& p, int64_t now) {
  return period_start_at(p.period, now);
}

int64_t dp_start(const PrivacyBudgetTemplateRecord& t, int64_t now) {
  return t.auto_refresh == "CALENDAR_MONTH" ? period_start_at(BudgetPeriod::CalendarMonth, now)
                                            : now;
}

const BudgetUsageRecord* usage_for(const std::vector<BudgetUsageRecord>& rows,
                                   const std::string& period) {
  for (const auto& r : rows)
    if (r.period == period) return &r;
  return nullptr;
}

BudgetUsageRecord dp_usage(const PrivacyBudgetTemplateRecord& t,
                           const std::vector<BudgetUsageRecord>& rows, int64_t now) {
  const BudgetUsageRecord* u = usage_for(rows, kEpsilonPeriod);
  BudgetUsageRecord base =
      u ? *u : fresh_usage(t.id, kEpsilonPeriod, dp_start(t, now), t.created_at);
  return rolled(base, dp_refresh(t), now);
}

BudgetUsageRecord access_usage(const PrivacyBudgetTemplateRecord& t, const BudgetParameter& p,
                               const std::vector<BudgetUsageRecord>& rows, int64_t now) {
  const std::string period = to_string(p.period);
  const BudgetUsageRecord* u = usage_for(rows, period);
  BudgetUsageRecord base =
      u ? *u
        : fresh_usage(t.id, period,
                      p.period == BudgetPeriod::Lifetime ? t.created_at : access_start(p, now),
                      t.created_at);
  return rolled(base, access_refresh(p), now);
}

int64_t uses_left(const BudgetParameter& p, const BudgetUsageRecord& u) {
  return std::max<int64_t>(0, p.budget - static_cast<int64_t>(std::llround(u.spent)));
}

Result<PrivacyBudgetView> budget_view(Tx& tx, const PrivacyBudgetTemplateRecord& t,
                                      const catalog::CollaborationRecord& c, int64_t now) {
  CR_ASSIGN(auto rows, repo::usage_of(tx, t.id));
  PrivacyBudgetView v;
  v.tmpl = {t, c};
  v.updated_at = t.updated_at;
  for (const auto& r : rows) v.updated_at = std::max(v.updated_at, r.updated_at);
  if (t.type == to_string(PrivacyBudgetType::DifferentialPrivacy)) {
    v.epsilon = t.parameters.value("epsilon", 0);
    const int noise = t.parameters.value("usersNoisePerQuery", kMinUsersNoise);
    v.epsilon_remaining = std::max(0.0, v.epsilon - dp_usage(t, rows, now).spent);
    for (policy::DpAggregate kind : policy::kDpAggregates)
      v.aggregations.push_back({kind, policy::dp_aggregations_allowed(kind, v.epsilon, noise),
                                policy::dp_aggregations_allowed(kind, v.epsilon_remaining, noise)});
    return v;
  }
  v.resource_arn = t.parameters.value("resourceArn", "");
  bool first = true;
  for (const auto& p : stored_budget_parameters(t)) {
    BudgetUsageRecord u = access_usage(t, p, rows, now);
    AccessBudgetPeriodView period;
    period.period = p.period;
    period.budget = p.budget;
    period.remaining = uses_left(p, u);
    period.start = u.period_start;
    period.end = next_period_start(p.period, u.period_start);
    if (p.period != BudgetPeriod::Lifetime)
      period.auto_refresh = p.auto_refresh.empty() ? "DISABLED" : p.auto_refresh;
    v.aggregate_remaining =
        first ? period.remaining : std::min(v.aggregate_remaining, period.remaining);
    first = false;
    v.periods.push_back(period);
  }
  return v;
}

// --- who may do what ----------------------------------------------------------------------------

// A membership that is not ACTIVE still shows its collaboration, even a deleted one.
Result<catalog::CollaborationRecord> collaboration_of(Tx& tx, const MembershipRecord& ms) {
  CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, ms.collaboration_id));
  if (!c) return Error::not_found(Resource::Collaboration, ms.collaboration_id);
  return *c;
}

Result<PrivacyBudgetTemplateRecord> template_in_membership(Tx& tx, const MembershipRecord& ms,
                                                           const std::string& id) {
  CR_ASSIGN(auto t, repo::find(tx, id));
  if (!t || t->membership_id != ms.id) return Error::not_found(Resource::PrivacyBudgetTemplate, id);
  return *t;
}

// The differential privacy budget protects members' data from the members who query and receive
// results (the user guide: "Differential privacy protects the collaboration data from the member
// who can receive results"); it is theirs to set, not those members'.
Status check_can_set_dp(const catalog::MemberRecord& m) {
  if (contains(m.abilities, MemberAbility::CanQuery) ||
      contains(m.abilities, MemberAbility::CanReceiveResults))
    return Error::access_denied(
        "account " + m.account_id +
        " can query or receive results in this collaboration; the differential privacy budget is "
        "set by a member whose data it protects");
  return {};
}

// The association an access budget names: in the collaboration, and in the caller's membership
// (only a table's owner limits its use).
Result<catalog::AssociationRecord> budgeted_association(Tx& tx, const MembershipRecord& ms,
                                                        const std::string& resource_arn) {
  const std::string field = "parameters.accessBudget.resourceArn";
  auto ref = budgeted_resource(resource_arn);
  if (!ref)
    return Error::validation(
        field +
            " must be a configured table association's ARN, arn:aws:cleanrooms:us-east-1:"
            "<account>:membership/<membershipId>/configuredtableassociation/<id>",
        field);
  CR_ASSIGN(auto a, tables_repo::find_association(tx, ref->association_id));
  std::optional<MembershipRecord> owner;
  if (a) {
    CR_ASSIGN(owner, collab_repo::find_membership(tx, a->membership_id));
  }
  if (!a || !owner || owner->collaboration_id != ms.collaboration_id ||
      a->membership_id != ref->membership_id || owner->account_id != ref->account_id)
    return Error::not_found(Resource::ConfiguredTableAssociation, ref->association_id);
  if (a->membership_id != ms.id)
    return Error::access_denied("configured table association " + a->id + " belongs to account " +
                                owner->account_id +
                                "; only a table's owner sets its access budget");
  return *a;
}

// A table a query reads, named as spend_for_query accepts, as one of the collaboration's
// associations; none when it names nothing there.
Result<std::optional<catalog::AssociationRecord>> association_named(
    Tx& tx, const std::string& collaboration_id, const std::string& name) {
  using Found = std::optional<catalog::AssociationRecord>;
  auto in_collaboration = [&](const catalog::AssociationRecord& a) -> Result<bool> {
    CR_ASSIGN(auto ms, collab_repo::find_membership(tx, a.membership_id));
    return ms && ms->collaboration_id == collaboration_id;
  };
  std::string association_id = name;
  if (auto arn = parse_arn(name)) {
    const auto& r = arn->resource;
    if (r.size() == 4 && r[0] == "membership" && r[2] == "configuredtableassociation") {
      association_id = r[3];
    } else if (r.size() == 3 && r[0] == "configuredtableassociation") {
      association_id = r[2];
    } else if (r.size() == 2 && r[0] == "configuredtable") {
      CR_ASSIGN(auto associations, tables_repo::associations_of_table(tx, r[1]));
      for (const auto& a : associations) {
        CR_ASSIGN(bool here, in_collaboration(a));
        if (here) return Found(a);
      }
      return Found();
    } else {
      return Found();
    }
  }
  CR_ASSIGN(auto a, tables_repo::find_association(tx, association_id));
  if (!a) return Found();
  CR_ASSIGN(bool here, in_collaboration(*a));
  return here ? Found(*a) : Found();
}

// Paging shared by the lists: one more row than the page earns a nextToken.
template <typename View, typename Make>
Result<std::pair<std::vector<View>, std::string>> page_of_templates(
    const std::vector<PrivacyBudgetTemplateRecord>& rows, int limit, Make make) {
  std::pair<std::vector<View>, std::string> out;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
    CR_ASSIGN(auto v, make(rows[i]));
    out.first.push_back(std::move(v));
  }
  if (static_cast<int>(rows.size()) > limit) out.second = rows[static_cast<size_t>(limit) - 1].id;
  return out;
}

Result<catalog::PrivacyBudgetFilter> budget_filter(const PrivacyBudgetListRequest& req) {
  auto type = parse_privacy_budget_type(req.type);
  if (!type)
    return Error::validation("privacyBudgetType must be DIFFERENTIAL_PRIVACY or ACCESS_BUDGET",
                             "privacyBudgetType");
  catalog::PrivacyBudgetFilter filter{to_string(*type), ""};
  if (!req.access_budget_resource_arn.empty()) {
    auto ref = budgeted_resource(req.access_budget_resource_arn);
    if (!ref)
      return Error::validation(
          "accessBudgetResourceArn must be a configured table association's ARN, "
          "arn:aws:cleanrooms:us-east-1:<account>:membership/<membershipId>/"
          "configuredtableassociation/<id>",
          "accessBudgetResourceArn");
    filter.association_id = ref->association_id;
  }
  return filter;
}

}  // namespace

// --- names --------------------------------------------------------------------------------------

std::string to_string(PrivacyBudgetType t) {
  return t == PrivacyBudgetType::DifferentialPrivacy ? "DIFFERENTIAL_PRIVACY" : "ACCESS_BUDGET";
}

std::optional<PrivacyBudgetType> parse_privacy_budget_type(const std::string& s) {
  if (s == "DIFFERENTIAL_PRIVACY") return PrivacyBudgetType::DifferentialPrivacy;
  if (s == "ACCESS_BUDGET") return PrivacyBudgetType::AccessBudget;
  return std::nullopt;
}

std::string to_string(BudgetPeriod p) {
  switch (p) {
    case BudgetPeriod::CalendarDay:
      return "CALENDAR_DAY";
    case BudgetPeriod::CalendarWeek:
      return "CALENDAR_WEEK";
    case BudgetPeriod::CalendarMonth:
      return "CALENDAR_MONTH";
    case BudgetPeriod::Lifetime:
      return "LIFETIME";
  }
  return "";
}

std::optional<BudgetPeriod> parse_budget_period(const std::string& s) {
  for (BudgetPeriod p : {BudgetPeriod::CalendarDay, BudgetPeriod::CalendarWeek,
                         BudgetPeriod::CalendarMonth, BudgetPeriod::Lifetime})
    if (to_string(p) == s) return p;
  return std::nullopt;
}

int64_t period_start_at(BudgetPeriod p, int64_t t) {
  const CivilTime c = civil_from_seconds(t);
  const int64_t day = days_from_civil(c.year, c.month, c.day);
  switch (p) {
    case BudgetPeriod::CalendarDay:
      return day * 86400;
    case BudgetPeriod::CalendarWeek:
      // ISO 8601 weeks start on Monday (weekday 1; Sunday is 0).
      return (day - static_cast<int64_t>((c.weekday + 6) % 7)) * 86400;
    case BudgetPeriod::CalendarMonth:
      return days_from_civil(c.year, c.month, 1) * 86400;
    case BudgetPeriod::Lifetime:
      return t;
  }
  return t;
}

std::optional<int64_t> next_period_start(BudgetPeriod p, int64_t start) {
  switch (p) {
    case BudgetPeriod::CalendarDay:
      return period_start_at(p, start) + 86400;
    case BudgetPeriod::CalendarWeek:
      return period_start_at(p, start) + 7 * 86400;
    case BudgetPeriod::CalendarMonth: {
      const CivilTime c = civil_from_seconds(start);
      const bool december = c.month == 12;
      return days_from_civil(december ? c.year + 1 : c.year, december ? 1 : c.month + 1, 1) * 86400;
    }
    case BudgetPeriod::Lifetime:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string access_budget_resource_arn(const std::string& owner_account_id,
                                       const std::string& membership_id,
                                       const std::string& association_id) {
  return cleanrooms_arn(owner_account_id, "membership/" + membership_id +
                                              "/configuredtableassociation/" + association_id);
}

// --- membership-scoped --------------------------------------------------------------------------

Result<PrivacyBudgetTemplateView> PrivacyBudgetService::create_template(
    const std::string& caller, const CreatePrivacyBudgetTemplateRequest& req) {
  auto type = parse_privacy_budget_type(req.type);
  if (!type)
    return Error::validation("privacyBudgetType must be DIFFERENTIAL_PRIVACY or ACCESS_BUDGET",
                             "privacyBudgetType");
  const std::string auto_refresh = req.auto_refresh.empty() ? "NONE" : req.auto_refresh;
  if (auto_refresh != "NONE" && auto_refresh != "CALENDAR_MONTH")
    return Error::validation("autoRefresh must be CALENDAR_MONTH or NONE", "autoRefresh");
  if (*type == PrivacyBudgetType::AccessBudget && auto_refresh != "NONE")
    return Error::invalid_configuration(
        "autoRefresh CALENDAR_MONTH is for DIFFERENTIAL_PRIVACY; an access budget refreshes per "
        "budgetParameters[].autoRefresh",
        "autoRefresh");
  CR_ASSIGN(json given, union_member(req.parameters, *type, true));

  PrivacyBudgetTemplateRecord t;
  t.type = to_string(*type);
  t.auto_refresh = auto_refresh;
  std::vector<BudgetParameter> budgets;
  if (*type == PrivacyBudgetType::DifferentialPrivacy) {
    const std::string path = "parameters.differentialPrivacy";
    CR_ASSIGN(auto epsilon, bounded_int(given, "epsilon", kMinEpsilon, kMaxEpsilon, path, true));
    CR_ASSIGN(auto noise,
              bounded_int(given, "usersNoisePerQuery", kMinUsersNoise, kMaxUsersNoise, path, true));
    t.parameters = {{"epsilon", *epsilon}, {"usersNoisePerQuery", *noise}};
  } else {
    const std::string path = "parameters.accessBudget";
    if (!given.contains("resourceArn") || !given["resourceArn"].is_string())
      return Error::validation(path + ".resourceArn is required", path + ".resourceArn");
    CR_ASSIGN(budgets, budget_parameters(given.value("budgetParameters", json()), path));
    t.parameters = {{"budgetParameters", budget_parameters_json(budgets)},
                    {"resourceArn", given["resourceArn"].get<std::string>()}};
  }

  return ctx_.db.write<PrivacyBudgetTemplateView>([&](Tx& tx) -> Result<PrivacyBudgetTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_TRY(check_active_membership(ms, "privacy budget templates are changed"));
    CR_ASSIGN(auto c, find_collaboration(tx, ms.collaboration_id));
    CR_ASSIGN(auto member, member_of(tx, c.id, caller));
    if (*type == PrivacyBudgetType::DifferentialPrivacy) {
      CR_TRY(check_can_set_dp(member));
      CR_ASSIGN(auto existing, repo::find_differential_privacy(tx, c.id));
      if (existing)
        return Error::conflict("collaboration " + c.id +
                                   " already has a DIFFERENTIAL_PRIVACY privacy budget template; "
                                   "update it instead",
                               Cause::AlreadyExists, Resource::PrivacyBudgetTemplate, existing->id);
    } else {
      CR_ASSIGN(auto a,
                budgeted_association(tx, ms, t.parameters["resourceArn"].get<std::string>()));
      CR_ASSIGN(auto existing, repo::find_for_association(tx, a.id));
      if (existing)
        return Error::conflict("configured table association " + a.id +
                                   " already has an ACCESS_BUDGET privacy budget template; update "
                                   "it instead",
                               Cause::AlreadyExists, Resource::PrivacyBudgetTemplate, existing->id);
      t.association_id = a.id;
    }
    const int64_t now = clock_->now();
    t.id = crypto::uuid4();
    t.arn = cleanrooms_arn(caller, "privacybudgettemplate/" + t.id);
    t.budget_id = crypto::uuid4();
    t.collaboration_id = c.id;
    t.membership_id = ms.id;
    t.account_id = caller;
    t.created_at = now;
    t.updated_at = now;
    CR_TRY(repo::insert(tx, t));
    CR_TRY(tag_new_resource(tx, t.id, req.tags));
    if (*type == PrivacyBudgetType::DifferentialPrivacy) {
      CR_TRY(repo::put_usage(tx, fresh_usage(t.id, kEpsilonPeriod, dp_start(t, now), now)));
    } else {
      for (const auto& p : budgets)
        CR_TRY(
            repo::put_usage(tx, fresh_usage(t.id, to_string(p.period), access_start(p, now), now)));
    }
    return PrivacyBudgetTemplateView{t, c};
  });
}

Result<PrivacyBudgetTemplateView> PrivacyBudgetService::get_template(
    const std::string& caller, const std::string& membership_id, const std::string& id) {
  return ctx_.db.read<PrivacyBudgetTemplateView>([&](Tx& tx) -> Result<PrivacyBudgetTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, id));
    CR_ASSIGN(auto c, collaboration_of(tx, ms));
    return PrivacyBudgetTemplateView{t, c};
  });
}

Result<std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>>
PrivacyBudgetService::list_templates(const std::string& caller, const std::string& membership_id,
                                     const Page& page) {
  using Out = std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto c, collaboration_of(tx, ms));
    const int limit = page.size();
    CR_ASSIGN(auto rows, repo::of_membership(tx, ms.id, {}, page.next_token, limit + 1));
    return page_of_templates<PrivacyBudgetTemplateView>(
        rows, limit,
        [&](const PrivacyBudgetTemplateRecord& t) -> Result<PrivacyBudgetTemplateView> {
          return PrivacyBudgetTemplateView{t, c};
        });
  });
}

Result<PrivacyBudgetTemplateView> PrivacyBudgetService::update_template(
    const std::string& caller, const UpdatePrivacyBudgetTemplateRequest& req) {
  auto type = parse_privacy_budget_type(req.type);
  if (!type)
    return Error::validation("privacyBudgetType must be DIFFERENTIAL_PRIVACY or ACCESS_BUDGET",
                             "privacyBudgetType");
  CR_ASSIGN(json given, union_member(req.parameters, *type, false));
  return ctx_.db.write<PrivacyBudgetTemplateView>([&](Tx& tx) -> Result<PrivacyBudgetTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_TRY(check_active_membership(ms, "privacy budget templates are changed"));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, req.template_id));
    CR_ASSIGN(auto c, find_collaboration(tx, t.collaboration_id));
    if (t.type != to_string(*type))
      return Error::invalid_configuration(
          "privacy budget template " + t.id + " is of type " + t.type + ", not " + to_string(*type),
          "privacyBudgetType");
    const int64_t now = clock_->now();
    CR_ASSIGN(auto rows, repo::usage_of(tx, t.id));
    if (*type == PrivacyBudgetType::DifferentialPrivacy) {
      const std::string path = "parameters.differentialPrivacy";
      json next = t.parameters;
      if (!given.is_null()) {
        CR_ASSIGN(auto epsilon,
                  bounded_int(given, "epsilon", kMinEpsilon, kMaxEpsilon, path, false));
        CR_ASSIGN(auto noise, bounded_int(given, "usersNoisePerQuery", kMinUsersNoise,
                                          kMaxUsersNoise, path, false));
        if (epsilon) next["epsilon"] = *epsilon;
        if (noise) next["usersNoisePerQuery"] = *noise;
      }
      BudgetUsageRecord u = dp_usage(t, rows, now);
      // The user guide: the privacy budget can be increased at any time, but not decreased once
      // the member who can query has started analysing the data.
      if (next.value("epsilon", 0) < t.parameters.value("epsilon", 0) && u.first_spent_at)
        return Error::conflict("the differential privacy budget of privacy budget template " +
                                   t.id + " has been spent by queries; epsilon can only grow now",
                               Cause::InvalidState, Resource::PrivacyBudgetTemplate, t.id);
      t.parameters = next;
      u.updated_at = now;
      CR_TRY(repo::put_usage(tx, u));
    } else if (!given.is_null()) {
      CR_ASSIGN(auto budgets, budget_parameters(given.value("budgetParameters", json()),
                                                "parameters.accessBudget"));
      // What was spent stays spent, except that updating a per-period budget that does not
      // refresh by itself is its manual refresh (autoRefresh DISABLED: "must be refreshed
      // manually"): it starts over in the current period.
      const std::vector<BudgetParameter> old_params = stored_budget_parameters(t);
      for (const auto& old : old_params) {
        bool kept = std::any_of(budgets.begin(), budgets.end(),
                                [&](const BudgetParameter& p) { return p.period == old.period; });
        if (!kept) CR_TRY(repo::remove_usage(tx, t.id, to_string(old.period)));
      }
      for (const auto& p : budgets) {
        const BudgetParameter* before = nullptr;
        for (const auto& o : old_params)
          if (o.period == p.period) before = &o;
        BudgetUsageRecord u =
            before ? access_usage(t, *before, rows, now)
                   : fresh_usage(t.id, to_string(p.period), access_start(p, now), now);
        if (before && p.period != BudgetPeriod::Lifetime && !refreshes(p)) {
          u.spent = 0;
          u.period_start = access_start(p, now);
        }
        u.updated_at = now;
        CR_TRY(repo::put_usage(tx, u));
      }
      t.parameters["budgetParameters"] = budget_parameters_json(budgets);
    }
    t.updated_at = now;
    CR_TRY(repo::update(tx, t));
    return PrivacyBudgetTemplateView{t, c};
  });
}

Status PrivacyBudgetService::remove_template(const std::string& caller,
                                             const std::string& membership_id,
                                             const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, id));
    CR_TRY(repo::remove(tx, t.id));
    return true;
  }));
}

Result<std::pair<std::vector<PrivacyBudgetView>, std::string>> PrivacyBudgetService::list_budgets(
    const std::string& caller, const std::string& membership_id,
    const PrivacyBudgetListRequest& req) {
  // Every budget of the collaboration: the member who queries spends them, whoever set them
  // (the user guide shows the remaining aggregations to the member who can query).
  return budgets_of(req, [&](Tx& tx) -> Result<catalog::CollaborationRecord> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    return collaboration_of(tx, ms);
  });
}

Result<std::vector<DpAggregationCount>> PrivacyBudgetService::preview_impact(
    const std::string& caller, const std::string& membership_id, int epsilon,
    int users_noise_per_query) {
  const std::string path = "parameters.differentialPrivacy";
  if (epsilon < kMinEpsilon || epsilon > kMaxEpsilon)
    return Error::validation(path + ".epsilon must be a whole number from 1 to 20",
                             path + ".epsilon");
  if (users_noise_per_query < kMinUsersNoise || users_noise_per_query > kMaxUsersNoise)
    return Error::validation(path + ".usersNoisePerQuery must be a whole number from 10 to 100",
                             path + ".usersNoisePerQuery");
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    (void)ms;
    return true;
  })));
  std::vector<DpAggregationCount> out;
  for (policy::DpAggregate kind : policy::kDpAggregates) {
    int n = policy::dp_aggregations_allowed(kind, epsilon, users_noise_per_query);
    out.push_back({kind, n, n});
  }
  return out;
}

// --- collaboration-scoped -----------------------------------------------------------------------

Result<PrivacyBudgetTemplateView> PrivacyBudgetService::get_template_in_collaboration(
    const std::string& caller, const std::string& collaboration_id, const std::string& id) {
  return ctx_.db.read<PrivacyBudgetTemplateView>([&](Tx& tx) -> Result<PrivacyBudgetTemplateView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    CR_ASSIGN(auto t, repo::find(tx, id));
    if (!t || t->collaboration_id != c.id)
      return Error::not_found(Resource::PrivacyBudgetTemplate, id);
    return PrivacyBudgetTemplateView{*t, c};
  });
}

Result<std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>>
PrivacyBudgetService::list_templates_in_collaboration(const std::string& caller,
                                                      const std::string& collaboration_id,
                                                      const Page& page) {
  using Out = std::pair<std::vector<PrivacyBudgetTemplateView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    const int limit = page.size();
    CR_ASSIGN(auto rows, repo::of_collaboration(tx, c.id, {}, page.next_token, limit + 1));
    return page_of_templates<PrivacyBudgetTemplateView>(
        rows, limit,
        [&](const PrivacyBudgetTemplateRecord& t) -> Result<PrivacyBudgetTemplateView> {
          return PrivacyBudgetTemplateView{t, c};
        });
  });
}

Result<std::pair<std::vector<PrivacyBudgetView>, std::string>>
PrivacyBudgetService::list_budgets_in_collaboration(const std::string& caller,
                                                    const std::string& collaboration_id,
                                                    const PrivacyBudgetListRequest& req) {
  return budgets_of(req,
                    [&](Tx& tx) { return readable_collaboration(tx, caller, collaboration_id); });
}

Result<std::pair<std::vector<PrivacyBudgetView>, std::string>> PrivacyBudgetService::budgets_of(
    const PrivacyBudgetListRequest& req,
    const std::function<Result<catalog::CollaborationRecord>(catalog::Tx&)>& readable) {
  using Out = std::pair<std::vector<PrivacyBudgetView>, std::string>;
  const int64_t now = clock_->now();
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable(tx));
    CR_ASSIGN(auto filter, budget_filter(req));
    const int limit = req.page.size();
    CR_ASSIGN(auto rows, repo::of_collaboration(tx, c.id, filter, req.page.next_token, limit + 1));
    return page_of_templates<PrivacyBudgetView>(
        rows, limit,
        [&](const PrivacyBudgetTemplateRecord& t) { return budget_view(tx, t, c, now); });
  });
}

// --- the query path -----------------------------------------------------------------------------

Result<std::optional<DpSettings>> dp_settings(Tx& tx, const std::string& collaboration_id,
                                              int64_t now) {
  using Out = std::optional<DpSettings>;
  CR_ASSIGN(auto t, repo::find_differential_privacy(tx, collaboration_id));
  if (!t) return Out();
  CR_ASSIGN(auto rows, repo::usage_of(tx, t->id));
  DpSettings s;
  s.epsilon = t->parameters.value("epsilon", 0);
  s.users_noise_per_query = t->parameters.value("usersNoisePerQuery", kMinUsersNoise);
  s.monthly_refresh = t->auto_refresh == "CALENDAR_MONTH";
  s.epsilon_remaining = std::max(0.0, s.epsilon - dp_usage(*t, rows, now).spent);
  return Out(s);
}

Result<std::optional<DpSettings>> PrivacyBudgetService::dp_settings(
    const std::string& collaboration_id) {
  const int64_t now = clock_->now();
  return ctx_.db.read<std::optional<DpSettings>>(
      [&](Tx& tx) { return core::dp_settings(tx, collaboration_id, now); });
}

Status PrivacyBudgetService::spend_for_query(const std::string& collaboration_id, double epsilon,
                                             const std::vector<std::string>& tables_read) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(spend_for_query(tx, collaboration_id, epsilon, tables_read));
    return true;
  }));
}

Status PrivacyBudgetService::spend_for_query(Tx& tx, const std::string& collaboration_id,
                                             double epsilon,
                                             const std::vector<std::string>& tables_read) {
  if (!std::isfinite(epsilon) || epsilon < 0)
    return Error::internal("spend_for_query: epsilon must be a finite number >= 0, not " +
                           format_epsilon(epsilon));
  const int64_t now = clock_->now();
  CR_ASSIGN(auto c, find_collaboration(tx, collaboration_id));
  // Every budget is checked before anything is written: a refusal spends nothing.
  std::vector<BudgetUsageRecord> spends;
  if (epsilon > 0) {
    CR_ASSIGN(auto dp, repo::find_differential_privacy(tx, c.id));
    if (!dp)
      return Error::invalid_query(
          "collaboration " + c.id +
          " has no differential privacy policy (a DIFFERENTIAL_PRIVACY privacy budget template); "
          "tables protected by differential privacy cannot be queried until a member whose data "
          "they hold creates one");
    CR_ASSIGN(auto rows, repo::usage_of(tx, dp->id));
    BudgetUsageRecord u = dp_usage(*dp, rows, now);
    const double total = dp->parameters.value("epsilon", 0);
    const double left = std::max(0.0, total - u.spent);
    if (u.spent + epsilon > total + kEpsilonTolerance) {
      std::string when =
          dp->auto_refresh == "CALENDAR_MONTH"
              ? " until it refreshes at " +
                    format_iso8601(*next_period_start(BudgetPeriod::CalendarMonth, u.period_start))
              : "; it does not refresh";
      return Error::invalid_query(
          "the collaboration's differential privacy budget is exhausted: this "
          "query needs epsilon " +
          format_epsilon(epsilon) + " and " + format_epsilon(left) + " of " +
          format_epsilon(total) + " is left" + when +
          " (a member whose data it protects can increase it)");
    }
    u.spent += epsilon;
    if (!u.first_spent_at) u.first_spent_at = now;
    u.updated_at = now;
    spends.push_back(u);
  }
  std::set<std::string> seen;
  for (const auto& name : tables_read) {
    CR_ASSIGN(auto a, association_named(tx, c.id, name));
    if (!a || !seen.insert(a->id).second) continue;
    CR_ASSIGN(auto t, repo::find_for_association(tx, a->id));
    if (!t || t->collaboration_id != c.id) continue;
    CR_ASSIGN(auto rows, repo::usage_of(tx, t->id));
    for (const auto& p : stored_budget_parameters(*t)) {
      BudgetUsageRecord u = access_usage(*t, p, rows, now);
      if (uses_left(p, u) < 1) {
        std::string when;
        if (p.period == BudgetPeriod::Lifetime)
          when = "for good";
        else if (refreshes(p))
          when = "until " + format_iso8601(*next_period_start(p.period, u.period_start));
        else
          when = "until its owner refreshes it (autoRefresh DISABLED)";
        return Error::invalid_query("the access budget of table " + a->name + " (" +
                                    t->parameters.value("resourceArn", "") +
                                    ") is exhausted: its " + to_string(p.period) + " budget of " +
                                    std::to_string(p.budget) + " uses is spent " + when);
      }
      u.spent += 1;
      if (!u.first_spent_at) u.first_spent_at = now;
      u.updated_at = now;
      spends.push_back(u);
    }
  }
  for (const auto& u : spends) CR_TRY(repo::put_usage(tx, u));
  return {};
}

}  // namespace cleanroom::core
