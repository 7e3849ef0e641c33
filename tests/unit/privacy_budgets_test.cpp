// Privacy budget templates and the spending of their budgets, tested through the core (no HTTP),
// on a clock the tests move: who sets which template, what is left, calendar refreshes, and that
// spend_for_query spends everything or nothing.
#include <gtest/gtest.h>

#include "catalog/datasets_repo.h"
#include "core/time_window.h"
#include "test_support.h"

namespace cleanroom {
namespace {

using testing::expect_error;

using core::BudgetPeriod;
using nlohmann::json;

const std::string kA = "111111111111";  // creator: can query and receive results
const std::string kB = "222222222222";  // brings a table; sets the budgets
const std::string kC = "333333333333";  // invited, never joins
const std::string kD = "444444444444";  // not a member

int64_t at(const std::string& civil) { return core::parse_civil_time(civil).value(); }

json dp(int epsilon, int noise) {
  return {{"differentialPrivacy", {{"epsilon", epsilon}, {"usersNoisePerQuery", noise}}}};
}

struct PrivacyBudgets : ::testing::Test {
  testing::TestCore t;
  core::PrivacyBudgetService& budgets = t.s().privacy_budgets;
  std::shared_ptr<core::ManualClock> clock =
      std::make_shared<core::ManualClock>(at("2024-01-31T22:00:00"));
  std::string collaboration_id, membership_a, membership_b, table_b, association_b, resource_b;

  void SetUp() override {
    budgets.set_clock(clock);
    catalog::DatasetRecord d{kB, "crm", "audience", 1, "datasets/placeholder.parquet"};
    d.columns.push_back({"hashed_email", "VARCHAR", ""});
    d.columns.push_back({"region", "VARCHAR", ""});
    ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::datasets_repo::upsert(tx, d));
                      return true;
                    })
                    .ok());
    core::CreateCollaborationRequest c;
    c.name = "budgets";
    c.creator_display_name = "A";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kB, "B", {}, std::nullopt}, {kC, "C", {}, std::nullopt}};
    collaboration_id = t.s().collaborations.create(kA, c).value().collaboration.id;
    membership_a = join(kA);
    membership_b = join(kB);
    table_b = t.s()
                  .configured_tables
                  .create(kB, {"audience",
                               std::nullopt,
                               {"crm", "audience"},
                               {"hashed_email", "region"},
                               "DIRECT_QUERY",
                               {}})
                  .value()
                  .table.id;
    association_b = t.s()
                        .configured_tables
                        .create_association(kB, {membership_b, table_b, "audience", std::nullopt,
                                                 "arn:aws:iam::" + kB + ":role/r"})
                        .value()
                        .association.id;
    resource_b = core::access_budget_resource_arn(kB, membership_b, association_b);
  }

  std::string join(const std::string& account) {
    return t.s()
        .memberships.create(account, testing::join_request(collaboration_id, "DISABLED"))
        .value()
        .membership.id;
  }

  Result<core::PrivacyBudgetTemplateView> create_dp(const std::string& account,
                                                    const std::string& membership, int epsilon,
                                                    int noise, const std::string& refresh = "") {
    return budgets.create_template(
        account, {membership, "DIFFERENTIAL_PRIVACY", refresh, dp(epsilon, noise)});
  }

  Result<core::PrivacyBudgetTemplateView> create_access(const std::string& account,
                                                        const std::string& membership,
                                                        const std::string& resource,
                                                        json budget_parameters) {
    return budgets.create_template(
        account,
        {membership,
         "ACCESS_BUDGET",
         "",
         {{"accessBudget", {{"resourceArn", resource}, {"budgetParameters", budget_parameters}}}}});
  }

  core::PrivacyBudgetView budget_of(const std::string& type) {
    auto page = budgets.list_budgets_in_collaboration(kA, collaboration_id, {type, "", {}});
    EXPECT_TRUE(page.ok()) << page.error().message;
    EXPECT_EQ(page->first.size(), 1u);
    return page->first.at(0);
  }

  int remaining(const core::PrivacyBudgetView& b, policy::DpAggregate kind) {
    for (const auto& a : b.aggregations)
      if (a.kind == kind) return a.remaining_count;
    return -1;
  }
};

TEST(BudgetPeriods, CalendarPeriodsAreUtcDaysMondayWeeksAndMonths) {
  const int64_t t = at("2024-12-31T15:30:00");  // a Tuesday
  EXPECT_EQ(core::period_start_at(BudgetPeriod::CalendarDay, t), at("2024-12-31T00:00:00"));
  EXPECT_EQ(core::period_start_at(BudgetPeriod::CalendarWeek, t), at("2024-12-30T00:00:00"));
  EXPECT_EQ(core::period_start_at(BudgetPeriod::CalendarMonth, t), at("2024-12-01T00:00:00"));
  EXPECT_EQ(core::period_start_at(BudgetPeriod::Lifetime, t), t);
  EXPECT_EQ(core::next_period_start(BudgetPeriod::CalendarDay, at("2024-12-31T00:00:00")),
            at("2025-01-01T00:00:00"));
  EXPECT_EQ(core::next_period_start(BudgetPeriod::CalendarWeek, at("2024-12-30T00:00:00")),
            at("2025-01-06T00:00:00"));
  EXPECT_EQ(core::next_period_start(BudgetPeriod::CalendarMonth, at("2024-12-01T00:00:00")),
            at("2025-01-01T00:00:00"));
  EXPECT_EQ(core::next_period_start(BudgetPeriod::CalendarMonth, at("2024-02-01T00:00:00")),
            at("2024-03-01T00:00:00"));
  EXPECT_FALSE(core::next_period_start(BudgetPeriod::Lifetime, t));
  // A Sunday belongs to the week that started the Monday before.
  EXPECT_EQ(core::period_start_at(BudgetPeriod::CalendarWeek, at("2025-01-05T23:59:59")),
            at("2024-12-30T00:00:00"));
}

TEST_F(PrivacyBudgets, OnlyAMemberWhoseDataItProtectsSetsTheDifferentialPrivacyTemplate) {
  expect_error(create_dp(kA, membership_a, 5, 20), ErrorKind::AccessDenied,
               "can query or receive results");
  expect_error(create_dp(kD, membership_b, 5, 20), ErrorKind::NotFound, "not found");
  expect_error(create_dp(kB, membership_b, 21, 20), ErrorKind::Validation,
               "parameters.differentialPrivacy.epsilon must be a whole number from 1 to 20");
  expect_error(create_dp(kB, membership_b, 5, 9), ErrorKind::Validation, "usersNoisePerQuery");
  expect_error(create_dp(kB, membership_b, 5, 20, "CALENDAR_WEEK"), ErrorKind::Validation,
               "autoRefresh");
  auto wrong_member = budgets.create_template(
      kB, {membership_b,
           "DIFFERENTIAL_PRIVACY",
           "",
           {{"accessBudget", {{"resourceArn", resource_b}, {"budgetParameters", json::array()}}}}});
  expect_error(wrong_member, ErrorKind::Validation, "does not go with privacyBudgetType");
  EXPECT_EQ(wrong_member.error().cause, Cause::InvalidConfiguration);

  auto v = create_dp(kB, membership_b, 5, 20, "CALENDAR_MONTH");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->tmpl.arn,
            "arn:aws:cleanrooms:us-east-1:" + kB + ":privacybudgettemplate/" + v->tmpl.id);
  EXPECT_EQ(v->tmpl.parameters, json({{"epsilon", 5}, {"usersNoisePerQuery", 20}}));
  EXPECT_EQ(v->tmpl.auto_refresh, "CALENDAR_MONTH");
  auto again = create_dp(kB, membership_b, 6, 20);
  expect_error(again, ErrorKind::Conflict, "already has a DIFFERENTIAL_PRIVACY");
  EXPECT_EQ(again.error().cause, Cause::AlreadyExists);
  EXPECT_EQ(again.error().resource_id, v->tmpl.id);
}

TEST_F(PrivacyBudgets, MembershipViewsAreTheCreatorsCollaborationViewsEveryActiveMembers) {
  auto v = create_dp(kB, membership_b, 5, 20).value();
  EXPECT_EQ(budgets.get_template(kB, membership_b, v.tmpl.id)->tmpl.id, v.tmpl.id);
  expect_error(budgets.get_template(kA, membership_a, v.tmpl.id), ErrorKind::NotFound, "not found");
  expect_error(budgets.get_template(kA, membership_b, v.tmpl.id), ErrorKind::NotFound, "not found");
  EXPECT_TRUE(budgets.list_templates(kA, membership_a, {})->first.empty());
  EXPECT_EQ(budgets.list_templates(kB, membership_b, {})->first.size(), 1u);
  // The budget is the collaboration's: the member who queries sees what is left of it.
  EXPECT_EQ(budgets.list_budgets(kA, membership_a, {"DIFFERENTIAL_PRIVACY", "", {}})->first.size(),
            1u);

  EXPECT_EQ(budgets.get_template_in_collaboration(kA, collaboration_id, v.tmpl.id)->tmpl.account_id,
            kB);
  EXPECT_EQ(budgets.list_templates_in_collaboration(kA, collaboration_id, {})->first.size(), 1u);
  expect_error(budgets.list_templates_in_collaboration(kC, collaboration_id, {}),
               ErrorKind::AccessDenied, "has not joined");
  expect_error(budgets.list_templates_in_collaboration(kD, collaboration_id, {}),
               ErrorKind::NotFound, "not found");
  expect_error(budgets.list_budgets_in_collaboration(kA, collaboration_id, {"NOPE", "", {}}),
               ErrorKind::Validation, "privacyBudgetType");
}

TEST_F(PrivacyBudgets, QueriesSpendEpsilonUntilTheBudgetIsExhausted) {
  create_dp(kB, membership_b, 1, 10).value();  // COUNT spends 1/10: ten of them
  auto b = budget_of("DIFFERENTIAL_PRIVACY");
  EXPECT_EQ(b.epsilon, 1);
  ASSERT_EQ(b.aggregations.size(), 5u);
  EXPECT_EQ(b.aggregations[0].kind, policy::DpAggregate::Avg);
  EXPECT_EQ(b.aggregations[0].max_count, 5);
  EXPECT_EQ(remaining(b, policy::DpAggregate::Count), 10);
  EXPECT_EQ(remaining(b, policy::DpAggregate::Stddev), 3);

  const double count = policy::dp_epsilon_per_aggregation(policy::DpAggregate::Count, 10);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(budgets.spend_for_query(collaboration_id, count, {}).ok()) << i;
  auto refused = budgets.spend_for_query(collaboration_id, count, {});
  expect_error(refused, ErrorKind::Validation, "differential privacy budget is exhausted");
  EXPECT_EQ(refused.error().cause, Cause::InvalidQuery);
  EXPECT_NE(refused.error().message.find("does not refresh"), std::string::npos);
  b = budget_of("DIFFERENTIAL_PRIVACY");
  EXPECT_EQ(remaining(b, policy::DpAggregate::Count), 0);
  EXPECT_EQ(b.aggregations[1].max_count, 10);
  auto s = budgets.dp_settings(collaboration_id).value();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->users_noise_per_query, 10);
  EXPECT_NEAR(s->epsilon_remaining, 0.0, 1e-9);

  // Without monthly refresh, a new month brings nothing.
  clock->advance(40 * 86400);
  expect_error(budgets.spend_for_query(collaboration_id, count, {}), ErrorKind::Validation,
               "exhausted");
}

TEST_F(PrivacyBudgets, EpsilonSurvivesThousandsOfSmallSpends) {
  create_dp(kB, membership_b, 20, 30).value();
  const double sum = policy::dp_epsilon_per_aggregation(policy::DpAggregate::Sum, 30);  // 1/30
  for (int i = 0; i < 600; ++i)
    ASSERT_TRUE(budgets.spend_for_query(collaboration_id, sum, {}).ok()) << i;
  expect_error(budgets.spend_for_query(collaboration_id, sum, {}), ErrorKind::Validation,
               "exhausted");
}

TEST_F(PrivacyBudgets, CalendarMonthGivesAFreshBudgetAtTheStartOfEachUtcMonth) {
  create_dp(kB, membership_b, 2, 10, "CALENDAR_MONTH").value();
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 2.0, {}).ok());
  auto refused = budgets.spend_for_query(collaboration_id, 0.1, {});
  expect_error(refused, ErrorKind::Validation, "until it refreshes at 2024-02-01T00:00:00Z");
  EXPECT_EQ(remaining(budget_of("DIFFERENTIAL_PRIVACY"), policy::DpAggregate::Count), 0);

  clock->set(at("2024-02-01T00:00:00"));
  EXPECT_EQ(remaining(budget_of("DIFFERENTIAL_PRIVACY"), policy::DpAggregate::Count), 20);
  EXPECT_NEAR(budgets.dp_settings(collaboration_id).value()->epsilon_remaining, 2.0, 1e-9);
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 1.5, {}).ok());
  EXPECT_EQ(remaining(budget_of("DIFFERENTIAL_PRIVACY"), policy::DpAggregate::Count), 5);
  clock->set(at("2024-02-29T23:59:59"));
  EXPECT_EQ(remaining(budget_of("DIFFERENTIAL_PRIVACY"), policy::DpAggregate::Count), 5);
}

TEST_F(PrivacyBudgets, EpsilonCanGrowAnyTimeButShrinkOnlyBeforeQueriesSpendIt) {
  auto v = create_dp(kB, membership_b, 5, 20).value();
  auto update = [&](json parameters) {
    return budgets.update_template(
        kB, {membership_b, v.tmpl.id, "DIFFERENTIAL_PRIVACY", std::move(parameters)});
  };
  ASSERT_TRUE(update({{"differentialPrivacy", {{"epsilon", 3}}}}).ok());
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 0.5, {}).ok());
  auto lowered = update({{"differentialPrivacy", {{"epsilon", 2}}}});
  expect_error(lowered, ErrorKind::Conflict, "epsilon can only grow");
  EXPECT_EQ(lowered.error().cause, Cause::InvalidState);
  auto raised = update({{"differentialPrivacy", {{"epsilon", 4}, {"usersNoisePerQuery", 50}}}});
  ASSERT_TRUE(raised.ok()) << raised.error().message;
  EXPECT_EQ(raised->tmpl.parameters, json({{"epsilon", 4}, {"usersNoisePerQuery", 50}}));
  EXPECT_NEAR(budgets.dp_settings(collaboration_id).value()->epsilon_remaining, 3.5, 1e-9);
  expect_error(budgets.update_template(kB, {membership_b, v.tmpl.id, "ACCESS_BUDGET", nullptr}),
               ErrorKind::Validation, "is of type DIFFERENTIAL_PRIVACY");
  expect_error(
      budgets.update_template(kA, {membership_a, v.tmpl.id, "DIFFERENTIAL_PRIVACY", nullptr}),
      ErrorKind::NotFound, "not found");
}

TEST_F(PrivacyBudgets, WithoutADifferentialPrivacyTemplateOnlyQueriesWithoutEpsilonRun) {
  EXPECT_FALSE(budgets.dp_settings(collaboration_id).value());
  EXPECT_TRUE(budgets.spend_for_query(collaboration_id, 0, {resource_b, "no-such-table"}).ok());
  expect_error(budgets.spend_for_query(collaboration_id, 0.1, {}), ErrorKind::Validation,
               "has no differential privacy policy");
}

TEST_F(PrivacyBudgets, OnlyTheTablesOwnerSetsItsAccessBudget) {
  json day = json::array({{{"type", "CALENDAR_DAY"}, {"budget", 2}, {"autoRefresh", "ENABLED"}}});
  expect_error(create_access(kA, membership_a, resource_b, day), ErrorKind::AccessDenied,
               "only a table's owner");
  expect_error(
      create_access(kB, membership_b, "arn:aws:cleanrooms:us-east-1:" + kB + ":table/x", day),
      ErrorKind::Validation, "parameters.accessBudget.resourceArn");
  expect_error(
      create_access(kB, membership_b,
                    core::access_budget_resource_arn(kB, membership_b, crypto::uuid4()), day),
      ErrorKind::NotFound, "configured table association");
  expect_error(
      create_access(kB, membership_b,
                    core::access_budget_resource_arn(kA, membership_b, association_b), day),
      ErrorKind::NotFound, "configured table association");
  auto two_periods = create_access(
      kB, membership_b, resource_b,
      {{{"type", "CALENDAR_DAY"}, {"budget", 2}}, {{"type", "CALENDAR_MONTH"}, {"budget", 20}}});
  expect_error(two_periods, ErrorKind::Validation, "two per-period budgets");
  EXPECT_EQ(two_periods.error().cause, Cause::InvalidConfiguration);
  expect_error(create_access(kB, membership_b, resource_b,
                             {{{"type", "LIFETIME"}, {"budget", 2}, {"autoRefresh", "ENABLED"}}}),
               ErrorKind::Validation, "never refreshes");
  expect_error(
      create_access(kB, membership_b, resource_b, {{{"type", "LIFETIME"}, {"budget", -1}}}),
      ErrorKind::Validation, "budget must be a whole number from 0 to 1000000");

  auto v = create_access(kB, membership_b, resource_b, day);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->tmpl.auto_refresh, "NONE");
  expect_error(create_access(kB, membership_b, resource_b, day), ErrorKind::Conflict,
               "already has an ACCESS_BUDGET");
}

TEST_F(PrivacyBudgets, EachQueryReadingATableUsesOneOfEachOfItsBudgets) {
  create_access(kB, membership_b, resource_b,
                {{{"type", "CALENDAR_DAY"}, {"budget", 2}, {"autoRefresh", "ENABLED"}},
                 {{"type", "LIFETIME"}, {"budget", 3}}})
      .value();
  auto b = budget_of("ACCESS_BUDGET");
  EXPECT_EQ(b.resource_arn, resource_b);
  ASSERT_EQ(b.periods.size(), 2u);
  EXPECT_EQ(b.periods[0].start, at("2024-01-31T00:00:00"));
  EXPECT_EQ(b.periods[0].end, at("2024-02-01T00:00:00"));
  EXPECT_EQ(b.periods[0].auto_refresh, "ENABLED");
  EXPECT_FALSE(b.periods[1].end);
  EXPECT_EQ(b.periods[1].auto_refresh, "");
  EXPECT_EQ(b.aggregate_remaining, 2);

  // The same table named twice (and in every form the query path may name it) is used once.
  const std::string own_arn = "arn:aws:cleanrooms:us-east-1:" + kB +
                              ":configuredtableassociation/" + membership_b + "/" + association_b;
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 0, {resource_b, own_arn}).ok());
  ASSERT_TRUE(
      budgets
          .spend_for_query(collaboration_id, 0,
                           {"arn:aws:cleanrooms:us-east-1:" + kB + ":configuredtable/" + table_b})
          .ok());
  b = budget_of("ACCESS_BUDGET");
  EXPECT_EQ(b.periods[0].remaining, 0);
  EXPECT_EQ(b.periods[1].remaining, 1);
  EXPECT_EQ(b.aggregate_remaining, 0);
  auto refused = budgets.spend_for_query(collaboration_id, 0, {association_b});
  expect_error(refused, ErrorKind::Validation,
               "the access budget of table audience (" + resource_b +
                   ") is exhausted: its CALENDAR_DAY budget of 2 uses is spent until "
                   "2024-02-01T00:00:00Z");
  EXPECT_EQ(refused.error().cause, Cause::InvalidQuery);

  clock->set(at("2024-02-01T08:00:00"));
  b = budget_of("ACCESS_BUDGET");
  EXPECT_EQ(b.periods[0].remaining, 2);
  EXPECT_EQ(b.periods[0].start, at("2024-02-01T00:00:00"));
  EXPECT_EQ(b.aggregate_remaining, 1);
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 0, {resource_b}).ok());
  expect_error(budgets.spend_for_query(collaboration_id, 0, {resource_b}), ErrorKind::Validation,
               "its LIFETIME budget of 3 uses is spent for good");
  // Other tables are not limited.
  EXPECT_TRUE(budgets.spend_for_query(collaboration_id, 0, {}).ok());
}

TEST_F(PrivacyBudgets, ARefusalSpendsNothing) {
  create_dp(kB, membership_b, 1, 10).value();
  create_access(kB, membership_b, resource_b, {{{"type", "LIFETIME"}, {"budget", 1}}}).value();
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 0.5, {resource_b}).ok());
  // The epsilon would fit, the table's budget would not: neither is spent.
  expect_error(budgets.spend_for_query(collaboration_id, 0.2, {resource_b}), ErrorKind::Validation,
               "access budget of table audience");
  EXPECT_NEAR(budgets.dp_settings(collaboration_id).value()->epsilon_remaining, 0.5, 1e-9);
  // The table's budget would fit a query on other tables; epsilon would not: nothing is spent.
  expect_error(budgets.spend_for_query(collaboration_id, 0.6, {}), ErrorKind::Validation,
               "differential privacy budget is exhausted");
  EXPECT_NEAR(budgets.dp_settings(collaboration_id).value()->epsilon_remaining, 0.5, 1e-9);
}

TEST_F(PrivacyBudgets, UpdatingADisabledPeriodBudgetIsItsManualRefresh) {
  auto v = create_access(kB, membership_b, resource_b,
                         {{{"type", "CALENDAR_WEEK"}, {"budget", 1}, {"autoRefresh", "DISABLED"}},
                          {{"type", "LIFETIME"}, {"budget", 5}}})
               .value();
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 0, {resource_b}).ok());
  clock->advance(30 * 86400);  // weeks later, still spent: it does not refresh by itself
  expect_error(budgets.spend_for_query(collaboration_id, 0, {resource_b}), ErrorKind::Validation,
               "until its owner refreshes it");
  auto updated = budgets.update_template(
      kB, {membership_b,
           v.tmpl.id,
           "ACCESS_BUDGET",
           {{"accessBudget",
             {{"budgetParameters",
               {{{"type", "CALENDAR_WEEK"}, {"budget", 2}, {"autoRefresh", "DISABLED"}},
                {{"type", "LIFETIME"}, {"budget", 5}}}}}}}});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto b = budget_of("ACCESS_BUDGET");
  EXPECT_EQ(b.periods[0].remaining, 2);
  EXPECT_EQ(b.periods[0].start, core::period_start_at(BudgetPeriod::CalendarWeek, clock->now()));
  EXPECT_EQ(b.periods[1].remaining, 4);  // a lifetime budget keeps what was spent
  EXPECT_EQ(b.updated_at, clock->now());
}

TEST_F(PrivacyBudgets, TheAccessBudgetGoesWithItsAssociation) {
  auto v =
      create_access(kB, membership_b, resource_b, {{{"type", "LIFETIME"}, {"budget", 0}}}).value();
  expect_error(budgets.spend_for_query(collaboration_id, 0, {resource_b}), ErrorKind::Validation,
               "exhausted");
  ASSERT_TRUE(t.s().configured_tables.remove_association(kB, membership_b, association_b).ok());
  expect_error(budgets.get_template(kB, membership_b, v.tmpl.id), ErrorKind::NotFound, "not found");
  EXPECT_TRUE(budgets.spend_for_query(collaboration_id, 0, {resource_b}).ok());
}

TEST_F(PrivacyBudgets, DeletingATemplateForgetsItsBudget) {
  auto v = create_dp(kB, membership_b, 1, 10).value();
  ASSERT_TRUE(budgets.spend_for_query(collaboration_id, 1.0, {}).ok());
  expect_error(budgets.remove_template(kA, membership_a, v.tmpl.id), ErrorKind::NotFound,
               "not found");
  ASSERT_TRUE(budgets.remove_template(kB, membership_b, v.tmpl.id).ok());
  EXPECT_TRUE(budgets.list_templates_in_collaboration(kA, collaboration_id, {})->first.empty());
  ASSERT_TRUE(create_dp(kB, membership_b, 1, 10).ok());
  EXPECT_NEAR(budgets.dp_settings(collaboration_id).value()->epsilon_remaining, 1.0, 1e-9);
}

TEST_F(PrivacyBudgets, PreviewCountsAggregationsWithTheAccountingFormula) {
  auto counts = budgets.preview_impact(kA, membership_a, 20, 100);
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  ASSERT_EQ(counts->size(), 5u);
  for (const auto& c : *counts)
    EXPECT_EQ(c.max_count, policy::dp_aggregations_allowed(c.kind, 20, 100));
  EXPECT_EQ((*counts)[1].max_count, 2000);  // COUNT: 20 / (1/100)
  expect_error(budgets.preview_impact(kA, membership_a, 0, 100), ErrorKind::Validation, "epsilon");
  expect_error(budgets.preview_impact(kD, membership_a, 5, 100), ErrorKind::NotFound, "not found");
}

TEST_F(PrivacyBudgets, ListsPageByTemplateId) {
  create_dp(kB, membership_b, 1, 10).value();
  create_access(kB, membership_b, resource_b, {{{"type", "LIFETIME"}, {"budget", 4}}}).value();
  auto first = budgets.list_templates(kB, membership_b, {"", 1}).value();
  ASSERT_EQ(first.first.size(), 1u);
  ASSERT_FALSE(first.second.empty());
  auto second = budgets.list_templates(kB, membership_b, {first.second, 1}).value();
  ASSERT_EQ(second.first.size(), 1u);
  EXPECT_TRUE(second.second.empty());
  EXPECT_LT(first.first[0].tmpl.id, second.first[0].tmpl.id);
  auto filtered = budgets.list_budgets(kB, membership_b, {"ACCESS_BUDGET", resource_b, {}}).value();
  ASSERT_EQ(filtered.first.size(), 1u);
  EXPECT_EQ(filtered.first[0].aggregate_remaining, 4);
  EXPECT_TRUE(
      budgets
          .list_budgets(kB, membership_b,
                        {"ACCESS_BUDGET",
                         core::access_budget_resource_arn(kB, membership_b, crypto::uuid4()),
                         {}})
          ->first.empty());
}

}  // namespace
}  // namespace cleanroom
