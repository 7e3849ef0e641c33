// Differential privacy for CUSTOM rules (docs/differential-privacy.md): the rule's
// differentialPrivacy, which queries the checker admits on such tables and which it refuses (with
// a message naming the construct), the epsilon each query is charged, and, run in the engine,
// that the rewritten query bounds every person's contribution and answers noisy results of the
// documented scale.
#include "policy/dp_rewrite.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/engine.h"
#include "policy/query_check.h"

namespace cleanroom {
namespace {

using nlohmann::json;

constexpr const char* kRunner = "111111111111";
constexpr const char* kPublisher = "222222222222";

policy::QueryTable table(const std::string& name, const std::string& owner,
                         std::map<std::string, std::string> columns, json custom) {
  policy::QueryTable t;
  t.name = name;
  t.owner_account_id = owner;
  for (const auto& [c, type] : columns) {
    t.columns.push_back(c);
    t.column_types[c] = type;
  }
  json policy = {{"v1", {{"custom", custom}}}};
  auto rule = policy::parse_analysis_rule("CUSTOM", policy, t.columns);
  EXPECT_TRUE(rule.ok()) << name << ": " << (rule.ok() ? "" : rule.error().message);
  if (rule.ok()) t.rule = *rule;
  return t;
}

json any_query(json extra = json::object()) {
  json c = {{"allowedAnalyses", {"ANY_QUERY"}}, {"allowedAnalysisProviders", {kRunner}}};
  c.update(extra);
  return c;
}

json dp(const std::string& column) {
  return {{"differentialPrivacy", {{"columns", {{{"name", column}}}}}}};
}

// A publisher's impressions and users protected by differential privacy (user_id), the runner's
// own purchases, and a third party's protected table.
policy::QueryContext setup(int users_noise = 10, int groups = 1, int rows = 1) {
  policy::QueryContext ctx;
  ctx.runner_account_id = kRunner;
  json imp = any_query(dp("user_id"));
  imp["disallowedOutputColumns"] = {"user_id"};
  ctx.tables.push_back(table("impressions", kPublisher,
                             {{"user_id", "VARCHAR"},
                              {"campaign", "VARCHAR"},
                              {"spend", "DOUBLE"},
                              {"clicks", "BIGINT"},
                              {"region", "VARCHAR"}},
                             imp));
  ctx.tables.push_back(table("users", kPublisher,
                             {{"user_id", "VARCHAR"}, {"age", "BIGINT"}, {"segment", "VARCHAR"}},
                             any_query(dp("user_id"))));
  ctx.tables.push_back(table("purchases", kRunner,
                             {{"user_id", "VARCHAR"}, {"amount", "DOUBLE"}, {"sku", "VARCHAR"}},
                             any_query()));
  ctx.tables.push_back(table("scores", "333333333333",
                             {{"user_id", "VARCHAR"}, {"score", "BIGINT"}},
                             any_query(dp("user_id"))));
  ctx.tables.push_back(table("visits", kPublisher, {{"visitor", "VARCHAR"}, {"page", "VARCHAR"}},
                             any_query(dp("visitor"))));
  ctx.dp = policy::DpParameters{users_noise, groups, rows};
  return ctx;
}

// ---- the rule -----------------------------------------------------------------------------

TEST(DpRule, DifferentialPrivacyIsKeptAndShownAsGiven) {
  json policy = {{"v1", {{"custom", any_query(dp("user_id"))}}}};
  auto rule = policy::parse_analysis_rule("CUSTOM", policy, {"user_id", "campaign"});
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  EXPECT_EQ(std::get<policy::CustomRule>(rule->body).differential_privacy_column, "user_id");
  EXPECT_EQ(rule->to_json(), policy);  // what the Clean Rooms face stores and shows
  auto again = policy::parse_analysis_rule("CUSTOM", rule->to_json(), {"user_id", "campaign"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_json(), policy);
}

TEST(DpRule, TheColumnMustBeAnAllowedColumn) {
  json policy = {{"v1", {{"custom", any_query(dp("email"))}}}};
  auto rule = policy::parse_analysis_rule("CUSTOM", policy, {"user_id", "campaign"});
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.error().field, "analysisRulePolicy.v1.custom.differentialPrivacy.columns[0].name");
}

// ---- what the checker refuses -----------------------------------------------------------------

struct Refusal {
  std::string sql;
  std::string message;
};

TEST(DpRewrite, RefusesWhatDifferentialPrivacyCannotProtect) {
  const std::vector<Refusal> cases = {
      // Row-level output and no aggregate at all.
      {"SELECT campaign FROM impressions", "must aggregate"},
      {"SELECT campaign FROM impressions GROUP BY campaign", "must aggregate"},
      // Aggregations outside AWS's DP list.
      {"SELECT MIN(spend) FROM impressions", "min is not supported with differential privacy"},
      {"SELECT MAX(clicks) FROM impressions", "max is not supported"},
      {"SELECT MEDIAN(spend) FROM impressions", "median is not supported"},
      {"SELECT SUM(DISTINCT LEAST(GREATEST(clicks, 0), 10)) FROM impressions",
       "sum DISTINCT is not supported"},
      {"SELECT COUNT(*) FILTER (WHERE clicks > 1) FROM impressions", "FILTER is not supported"},
      // Sums without the bounds of their values.
      {"SELECT SUM(spend) FROM impressions", "needs the bounds of its values"},
      {"SELECT AVG(LEAST(spend, 10)) FROM impressions", "needs the bounds"},
      {"SELECT SUM(LEAST(GREATEST(spend, clicks), 10)) FROM impressions", "needs the bounds"},
      {"SELECT SUM(LEAST(GREATEST(spend, 10), 0)) FROM impressions", "lower bound"},
      {"SELECT SUM(LEAST(GREATEST(spend, 0), 0)) FROM impressions", "cannot both be 0"},
      {"SELECT SUM(LEAST(GREATEST(spend, 0), 1e300)) FROM impressions", "at most 10^15"},
      // The final SELECT's own shape.
      {"SELECT campaign, COUNT(*) FROM impressions GROUP BY campaign HAVING COUNT(*) > 5",
       "HAVING is not supported"},
      {"SELECT DISTINCT campaign, COUNT(*) FROM impressions GROUP BY campaign",
       "SELECT DISTINCT is not supported"},
      {"SELECT campaign, COUNT(*), rank() OVER (ORDER BY COUNT(*)) FROM impressions GROUP BY "
       "campaign",
       "window functions are not supported in the final SELECT"},
      {"SELECT COUNT(*) FROM impressions UNION ALL SELECT COUNT(*) FROM users",
       "ends in one SELECT"},
      {"SELECT user_id, COUNT(*) FROM users GROUP BY user_id", "groups of one person"},
      {"SELECT region, COUNT(*) FROM impressions GROUP BY campaign", "is a GROUP BY expression"},
      {"SELECT campaign, COUNT(*) FROM impressions GROUP BY campaign ORDER BY SUM(clicks)",
       "ORDER BY in a differentially private query"},
      // Subqueries in expressions carry other people's rows into a row.
      {"SELECT COUNT(*) FROM impressions WHERE spend > (SELECT AVG(amount) FROM purchases)",
       "subqueries in expressions"},
      {"SELECT COUNT(*) FROM impressions i WHERE EXISTS (SELECT 1 FROM users u WHERE "
       "u.user_id = i.user_id)",
       "subqueries in expressions"},
      {"WITH c AS (SELECT user_id, (SELECT MAX(spend) FROM impressions) AS top FROM "
       "impressions) SELECT SUM(LEAST(GREATEST(top, 0), 10)) FROM c",
       "subqueries in expressions"},
      {"SELECT COUNT(*) FROM (SELECT user_id FROM impressions WHERE spend IN (SELECT spend FROM "
       "impressions WHERE region = 'x')) AS t",
       "subqueries in expressions"},
      // Joins of two protected sides only on the user identifier, INNER.
      {"SELECT COUNT(*) FROM impressions i JOIN users u ON i.campaign = u.segment",
       "join them only with INNER JOIN"},
      {"SELECT COUNT(*) FROM impressions i LEFT JOIN users u ON i.user_id = u.user_id",
       "join them only with INNER JOIN"},
      {"SELECT COUNT(*) FROM impressions i JOIN users u ON i.user_id = u.user_id OR i.campaign "
       "= u.segment",
       "join them only with INNER JOIN"},
      {"SELECT COUNT(*) FROM impressions a, impressions b", "join them only with INNER JOIN"},
      {"SELECT COUNT(*) FROM impressions a JOIN impressions b ON a.campaign = b.campaign",
       "join them only with INNER JOIN"},
      // Tables of two members, or two different user identifier columns.
      {"SELECT COUNT(*) FROM impressions i JOIN scores s ON i.user_id = s.user_id",
       "of one member only"},
      {"SELECT COUNT(*) FROM impressions i JOIN visits v ON i.user_id = v.visitor",
       "must name the same column"},
      // WITHs must return user-level records.
      {"WITH c AS (SELECT campaign, SUM(spend) AS s FROM impressions GROUP BY campaign) "
       "SELECT COUNT(*) FROM c",
       "must GROUP BY their user identifier column"},
      {"WITH c AS (SELECT campaign, spend FROM impressions) SELECT COUNT(*) FROM c",
       "does not return their user identifier column"},
      {"WITH c AS (SELECT user_id, LAG(spend) OVER (ORDER BY spend) AS prev FROM impressions) "
       "SELECT SUM(LEAST(GREATEST(prev, 0), 1)) FROM c",
       "must PARTITION BY their user identifier column"},
      {"WITH c AS (SELECT user_id, spend FROM impressions ORDER BY spend LIMIT 10) "
       "SELECT COUNT(*) FROM c",
       "LIMIT and OFFSET"},
      {"WITH c AS (SELECT DISTINCT ON (campaign) user_id, campaign FROM impressions) "
       "SELECT campaign, COUNT(*) FROM c GROUP BY campaign",
       "DISTINCT ON"},
      {"WITH c AS (SELECT user_id FROM impressions EXCEPT SELECT user_id FROM users) "
       "SELECT COUNT(*) FROM c",
       "INTERSECT and EXCEPT"},
      {"WITH c AS (SELECT user_id, campaign FROM impressions UNION ALL SELECT campaign, user_id "
       "FROM impressions) SELECT COUNT(*) FROM c",
       "same position"},
      {"WITH c AS (SELECT user_id FROM impressions UNION ALL SELECT user_id FROM purchases) "
       "SELECT COUNT(*) FROM c",
       "same position"},
      {"SELECT COUNT(*) FROM (SELECT COUNT(*) AS n FROM impressions) AS t",
       "must GROUP BY their user identifier column"},
      {"SELECT COUNT(*) FROM (SELECT user_id FROM impressions)", "without an alias"},
      // A protected table only in a WITH the final SELECT does not read.
      {"WITH c AS (SELECT user_id FROM impressions) SELECT COUNT(*) FROM purchases",
       "must read the tables protected by differential privacy"},
      // Disallowed output columns still never give their values to the output.
      {"SELECT user_id, COUNT(*) FROM impressions GROUP BY 1", "may not appear in the output"},
  };
  auto ctx = setup();
  for (const auto& c : cases) {
    auto r = policy::check_query(c.sql, ctx);
    ASSERT_FALSE(r.ok()) << c.sql << "\nallowed as: " << r->sql;
    EXPECT_EQ(r.error().cause, Cause::InvalidQuery) << c.sql;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << c.sql << "\n"
                                                                    << r.error().message;
  }
}

TEST(DpRewrite, AProtectedTableNeedsTheCollaborationsPolicy) {
  auto ctx = setup();
  ctx.dp.reset();
  auto r = policy::check_query("SELECT COUNT(*) FROM impressions", ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("differential privacy policy"), std::string::npos)
      << r.error().message;
  // Tables without differentialPrivacy are queried as before, and charge nothing.
  auto plain = policy::check_query("SELECT sku, SUM(amount) FROM purchases GROUP BY sku", ctx);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->dp_epsilon, 0);
  EXPECT_TRUE(plain->dp_aggregations.empty());
  EXPECT_EQ(plain->sql.find("cleanroom_dp"), std::string::npos);
}

// The engine's functions are never the analyst's: the noise could be drawn again until it
// suits, the random keys predicted, whatever the table's rule.
TEST(DpRewrite, AnalystSqlCannotCallTheEnginesFunctions) {
  auto ctx = setup();
  for (const std::string sql :
       {"SELECT COUNT(*) + cleanroom_dp_noise(1) FROM purchases",
        "SELECT COUNT(*) + CLEANROOM_DP_NOISE(1) FROM purchases",
        "SELECT COUNT(*) + main.cleanroom_dp_noise(1) FROM purchases",
        "SELECT cleanroom_dp_random_key() FROM purchases",
        "SELECT cleanroom_sha256(sku) FROM purchases",
        "SELECT sku FROM purchases WHERE cleanroom_dp_random_key() > 0",
        "SELECT COUNT(*) FROM impressions WHERE clicks + cleanroom_dp_noise(1) > 0",
        "SELECT sku, row_number() OVER (ORDER BY cleanroom_dp_random_key()) FROM purchases"}) {
    auto r = policy::check_query(sql, ctx);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_NE(r.error().message.find("is not allowed"), std::string::npos)
        << sql << ": " << r.error().message;
  }
}

// ---- what it admits, and what it charges ------------------------------------------------------

struct Charged {
  std::string sql;
  std::map<policy::DpAggregate, int> aggregations;
};

TEST(DpRewrite, AdmitsAwsShapesAndChargesEachAggregation) {
  using K = policy::DpAggregate;
  const std::vector<Charged> cases = {
      // Ungrouped: one row, always answered; no partition selection.
      {"SELECT COUNT(*) FROM impressions", {{K::Count, 1}}},
      {"SELECT COUNT(DISTINCT user_id) AS reach FROM impressions", {{K::CountDistinct, 1}}},
      // Grouped: the released groups are chosen by a noisy count of people, one COUNT_DISTINCT
      // more unless the query counts its people itself.
      {"SELECT campaign, COUNT(*) FROM impressions GROUP BY campaign",
       {{K::Count, 1}, {K::CountDistinct, 1}}},
      {"SELECT campaign, COUNT(DISTINCT user_id) FROM impressions GROUP BY campaign",
       {{K::CountDistinct, 1}}},
      {"SELECT campaign, region, COUNT(clicks), COUNT(DISTINCT region), "
       "SUM(LEAST(GREATEST(spend, 0), 100)) AS total, AVG(LEAST(GREATEST(spend, 0), 100)), "
       "STDDEV(GREATEST(LEAST(clicks, 50), 0)) FROM impressions GROUP BY campaign, region",
       {{K::Count, 1}, {K::CountDistinct, 2}, {K::Sum, 1}, {K::Avg, 1}, {K::Stddev, 1}}},
      // The same aggregation twice is computed (and charged) once.
      {"SELECT campaign, SUM(LEAST(GREATEST(clicks, 0), 10)), "
       "ROUND(SUM(LEAST(GREATEST(clicks, 0), 10)) / 2, 1) FROM impressions GROUP BY campaign "
       "ORDER BY 2 DESC LIMIT 5",
       {{K::Sum, 1}, {K::CountDistinct, 1}}},
      // Joins: two protected tables on their user identifier; the runner's own table anyhow.
      {"SELECT u.segment, COUNT(DISTINCT i.user_id) FROM impressions i JOIN users u ON "
       "u.user_id = i.user_id AND u.age > 30 GROUP BY u.segment",
       {{K::CountDistinct, 1}}},
      {"SELECT p.sku, SUM(LEAST(GREATEST(p.amount, 0), 500)) FROM impressions i LEFT JOIN "
       "purchases p ON p.user_id = i.user_id WHERE i.campaign = 'spring' GROUP BY p.sku",
       {{K::Sum, 1}, {K::CountDistinct, 1}}},
      {"SELECT COUNT(*) FROM purchases p FULL JOIN impressions i ON p.user_id = i.user_id",
       {{K::Count, 1}}},
      // WITHs of user-level records (AWS's example shape), per-user aggregation, windows
      // partitioned by the user.
      {"WITH m AS (SELECT i.user_id, i.campaign, p.amount FROM impressions i JOIN purchases p ON "
       "p.user_id = i.user_id UNION ALL SELECT u.user_id, u.segment, 0 FROM users u) "
       "SELECT campaign, COUNT(DISTINCT user_id) AS buyers FROM m GROUP BY campaign "
       "ORDER BY buyers DESC LIMIT 5",
       {{K::CountDistinct, 1}}},
      {"WITH per_user AS (SELECT user_id, COUNT(*) AS n FROM impressions GROUP BY user_id) "
       "SELECT n, COUNT(*) FROM per_user GROUP BY n",
       {{K::Count, 1}, {K::CountDistinct, 1}}},
      {"WITH r AS (SELECT user_id, campaign, row_number() OVER (PARTITION BY user_id ORDER BY "
       "spend) AS k FROM impressions) SELECT campaign, COUNT(*) FROM r WHERE k = 1 "
       "GROUP BY campaign",
       {{K::Count, 1}, {K::CountDistinct, 1}}},
      {"SELECT t.campaign, COUNT(*) FROM (SELECT user_id AS uid, campaign FROM impressions) AS t "
       "GROUP BY 1",
       {{K::Count, 1}, {K::CountDistinct, 1}}},
      // Functions of the released keys and of the noisy aggregates are post-processing.
      {"SELECT upper(campaign) AS c, COUNT(*) / 2 FROM impressions GROUP BY campaign",
       {{K::Count, 1}, {K::CountDistinct, 1}}},
      // A disallowed column may choose the rows counted; COUNT(DISTINCT user_id) hides it.
      {"SELECT COUNT(CASE WHEN user_id LIKE 'a%' THEN 1 END) FROM impressions", {{K::Count, 1}}},
  };
  for (int noise : {10, 100}) {
    auto ctx = setup(noise);
    for (const auto& c : cases) {
      auto r = policy::check_query(c.sql, ctx);
      ASSERT_TRUE(r.ok()) << c.sql << "\n" << r.error().message;
      EXPECT_EQ(r->dp_aggregations, c.aggregations) << c.sql;
      double epsilon = 0;
      size_t entries = 0;
      for (const auto& [kind, count] : c.aggregations) {
        epsilon += count * policy::dp_epsilon_per_aggregation(kind, noise);
        entries += count;
      }
      EXPECT_NEAR(r->dp_epsilon, epsilon, 1e-12) << c.sql;
      EXPECT_EQ(r->dp_sensitivity.size(), entries) << c.sql;
      EXPECT_FALSE(r->thresholded);
      EXPECT_NE(r->sql.find("cleanroom_dp_noise("), std::string::npos) << r->sql;
      // The output keeps the analyst's names: the naming query is the query as written.
      EXPECT_EQ(r->naming_sql.find("cleanroom_dp"), std::string::npos) << r->naming_sql;
    }
  }
}

TEST(DpRewrite, ReportsEachAggregationsSensitivity) {
  auto r = policy::check_query(
      "SELECT campaign, AVG(LEAST(GREATEST(spend, -5), 20)) AS a FROM impressions GROUP BY "
      "campaign",
      setup(20, 3, 4));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->dp_sensitivity.size(), 2u);
  const auto& avg = r->dp_sensitivity[0];
  EXPECT_EQ(avg.kind, policy::DpAggregate::Avg);
  EXPECT_EQ(avg.expression, "avg(least(greatest(spend, -5), 20))");
  EXPECT_EQ(r->dp_sensitivity[1].expression, "count(DISTINCT user_id) (the groups released)");
  EXPECT_EQ(avg.user_contribution_limit, 12);
  EXPECT_EQ(avg.min_value, -5);
  EXPECT_EQ(avg.max_value, 20);
  EXPECT_EQ(r->dp_sensitivity[1].kind, policy::DpAggregate::CountDistinct);
  EXPECT_NEAR(r->dp_epsilon, 3.0 / 20, 1e-12);
  // Scales: people N x L0 = 60; rows N x L0 x Linf = 240; the sum on a grid of 0.01 (20 is 2000
  // steps) 240 x 2000.
  for (const char* noise :
       {"cleanroom_dp_noise(60)", "cleanroom_dp_noise(240)", "cleanroom_dp_noise(480000)"})
    EXPECT_NE(r->sql.find(noise), std::string::npos) << noise << "\n" << r->sql;
  EXPECT_NE(r->sql.find(">= " + std::to_string(policy::dp_selection_threshold(60, 3))),
            std::string::npos)
      << r->sql;
}

TEST(DpRewrite, TheSelectionThresholdKeepsAOnePersonGroupUnderDelta) {
  for (int64_t scale : {10, 60, 1000}) {
    for (int groups : {1, 3, 50}) {
      int64_t t = policy::dp_selection_threshold(scale, groups);
      // P(1 + X >= t) = q^(t-1) / (1 + q), q = exp(-1/scale); over `groups` groups.
      double q = std::exp(-1.0 / scale);
      double leak = groups * std::pow(q, static_cast<double>(t - 1)) / (1 + q);
      EXPECT_LE(leak, policy::kDpSelectionDelta) << scale << " " << groups;
      // ... and not needlessly high: one less would not do.
      EXPECT_GT(groups * std::pow(q, static_cast<double>(t - 3)) / (1 + q),
                policy::kDpSelectionDelta * 0.5);
    }
  }
}

// ---- run in the engine ------------------------------------------------------------------------

struct Db {
  std::unique_ptr<engine::Engine> engine;
  explicit Db(const std::vector<std::string>& statements) {
    engine::EngineOptions options;
    options.threads = 2;
    engine = std::move(engine::Engine::open(options)).value();
    for (const auto& s : statements) {
      auto r = engine->connection().run(s);
      EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
    }
  }
  std::vector<std::vector<engine::Value>> rows(const std::string& sql) {
    auto r = engine->connection().query("SELECT * FROM (" + sql + ") AS q");
    EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    auto rows = r->rows();
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<std::vector<engine::Value>>{};
  }
};

double number(const engine::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  ADD_FAILURE() << "not a number";
  return NAN;
}

// Empty tables of the setup's types.
std::vector<std::string> schema() {
  return {
      "CREATE TABLE impressions (user_id VARCHAR, campaign VARCHAR, spend DOUBLE, clicks "
      "BIGINT, region VARCHAR)",
      "CREATE TABLE users (user_id VARCHAR, age BIGINT, segment VARCHAR)",
      "CREATE TABLE purchases (user_id VARCHAR, amount DOUBLE, sku VARCHAR)"};
}

TEST(DpEngine, EveryAdmittedShapeRuns) {
  // 1000 people with 3 rows each, all in one of 2 campaigns and in 3 regions: every group holds
  // 500 people, far above the partition selection's threshold (209 for N = 10).
  auto statements = schema();
  statements.push_back(
      "INSERT INTO impressions SELECT 'u' || (i % 1000), 'c' || (i % 2), (i % 7) * 1.5, i % 5, "
      "'r' || (i % 3) FROM range(3000) t(i)");
  statements.push_back(
      "INSERT INTO users SELECT 'u' || i, 20 + i % 50, 's' || (i % 2) FROM range(1000) t(i)");
  statements.push_back(
      "INSERT INTO purchases SELECT 'u' || i, i % 100, 'k' || (i % 2) FROM range(1000) t(i)");
  Db db(statements);
  auto ctx = setup();
  for (const std::string sql :
       {"SELECT COUNT(*) FROM impressions",
        "SELECT campaign, COUNT(*), COUNT(clicks), COUNT(DISTINCT region), "
        "SUM(LEAST(GREATEST(spend, 0), 100)), AVG(LEAST(GREATEST(spend, 0), 100)), "
        "STDDEV(GREATEST(LEAST(clicks, 50), 0)), STDDEV_POP(LEAST(GREATEST(spend, 0), 10)) "
        "FROM impressions GROUP BY campaign ORDER BY 1",
        "SELECT u.segment, COUNT(DISTINCT i.user_id) FROM impressions i JOIN users u ON "
        "u.user_id = i.user_id GROUP BY u.segment",
        "SELECT p.sku, SUM(LEAST(GREATEST(p.amount, 0), 500)) FROM impressions i LEFT JOIN "
        "purchases p ON p.user_id = i.user_id GROUP BY p.sku",
        "WITH per_user AS (SELECT user_id, COUNT(*) AS n FROM impressions GROUP BY user_id) "
        "SELECT n, COUNT(*) FROM per_user GROUP BY n",
        "WITH m AS (SELECT i.user_id, i.campaign FROM impressions i UNION ALL SELECT u.user_id, "
        "u.segment FROM users u) SELECT campaign, COUNT(DISTINCT user_id) AS buyers FROM m "
        "GROUP BY campaign ORDER BY buyers DESC LIMIT 1",
        "SELECT campaign, ROUND(SUM(LEAST(GREATEST(clicks, 0), 4)) / COUNT(*), 2) AS rate "
        "FROM impressions WHERE region <> 'r0' GROUP BY campaign"}) {
    auto r = policy::check_query(sql, ctx);
    ASSERT_TRUE(r.ok()) << sql << "\n" << r.error().message;
    auto rows = db.rows(r->sql);
    EXPECT_FALSE(rows.empty()) << sql << "\n" << r->sql;
  }
}

// (a) One person with a huge value moves a SUM by at most the bound (plus noise of the
// documented scale), however many rows it has.
TEST(DpEngine, AHugeValueCannotMoveASumBeyondItsBound) {
  auto statements = schema();
  statements.push_back(
      "INSERT INTO impressions SELECT 'u' || i, 'c', 50, 1, 'r' FROM range(1000) t(i)");
  statements.push_back(
      "INSERT INTO impressions SELECT 'whale', 'c', 1e12, 1, 'r' FROM range(500) t(i)");
  Db db(statements);
  auto r = policy::check_query("SELECT SUM(LEAST(GREATEST(spend, 0), 100)) AS s FROM impressions",
                               setup(10));
  ASSERT_TRUE(r.ok()) << r.error().message;
  // Noise: scale 10 x 1 x 1 x 10000 steps of 0.01 = 1000; P(|X| > 40 x scale) < e^-40.
  for (int run = 0; run < 5; ++run) {
    auto rows = db.rows(r->sql);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_NEAR(number(rows[0][0]), 1000 * 50 + 100, 40 * 1000.0);
  }
}

// (b) Results are noisy, with the documented scale: over many groups the noise of a count has
// mean 0 and variance 2q / (1 - q)^2, q = exp(-1 / (N x L0 x Linf)).
TEST(DpEngine, ResultsAreNoisyWithTheDocumentedScale) {
  // 400 groups of 300 people, each person 2 rows in its group; a second campaign of 5 people.
  auto statements = schema();
  statements.push_back(
      "INSERT INTO impressions SELECT 'u' || (i % 120000), 'g' || (i % 120000 // 300), 1, 1, "
      "'r' FROM range(240000) t(i)");
  statements.push_back(
      "INSERT INTO impressions SELECT 'small' || i, 'tiny', 1, 1, 'r' FROM range(5) t(i)");
  Db db(statements);
  auto ctx = setup(10);
  auto r = policy::check_query(
      "SELECT campaign, COUNT(*) AS n, COUNT(DISTINCT user_id) AS people FROM impressions "
      "GROUP BY campaign",
      ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const int64_t threshold = policy::dp_selection_threshold(10, 1);
  std::map<std::string, double> first;
  for (int run = 0; run < 2; ++run) {
    auto rows = db.rows(r->sql);
    double sum = 0, squares = 0;
    size_t independent = 0;
    for (const auto& row : rows) {
      ASSERT_NE(std::get<std::string>(row[0]), "tiny");  // 5 people: never released
      // Linf = 1: each person counts one row, not two; the noise of the people count is the
      // one the groups were chosen by.
      EXPECT_GE(number(row[2]), threshold);
      // Exactly 300 rows and 300 people per group (Linf = 1): their noise is drawn apart.
      independent += number(row[1]) != number(row[2]);
      double noise = number(row[1]) - 300;
      sum += noise;
      squares += noise * noise;
      if (run == 0) first[std::get<std::string>(row[0])] = number(row[1]);
    }
    ASSERT_GT(rows.size(), 390u);  // 300 people stand far above the threshold (209)
    EXPECT_GT(independent, rows.size() / 2);
    const double q = std::exp(-1.0 / 10);
    const double variance = 2 * q / ((1 - q) * (1 - q));  // 199.2 for scale 10
    const double n = static_cast<double>(rows.size());
    EXPECT_NEAR(sum / n, 0, 5 * std::sqrt(variance / n));
    // The sample variance of Laplace noise has a standard error of sqrt(5 / n) of itself.
    EXPECT_NEAR(squares / n, variance, 5 * std::sqrt(5 / n) * variance);
  }
  // Two runs answer differently.
  size_t changed = 0;
  for (const auto& row : db.rows(r->sql)) {
    auto it = first.find(std::get<std::string>(row[0]));
    changed += it != first.end() && it->second != number(row[1]);
  }
  EXPECT_GT(changed, 100u);
}

// L0: a person counts in at most max_groups_per_person groups of a query.
TEST(DpEngine, APersonCountsInAtMostL0Groups) {
  // 1200 people, each in all 3 campaigns.
  auto statements = schema();
  statements.push_back(
      "INSERT INTO impressions SELECT 'u' || (i % 1200), 'c' || (i // 1200), 1, 1, 'r' "
      "FROM range(3600) t(i)");
  Db db(statements);
  for (int groups : {1, 3}) {
    auto r = policy::check_query(
        "SELECT campaign, COUNT(DISTINCT user_id) FROM impressions GROUP BY campaign",
        setup(10, groups));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto rows = db.rows(r->sql);
    ASSERT_EQ(rows.size(), 3u);
    double total = 0;
    for (const auto& row : rows) total += number(row[1]);
    // 1200 x L0 people-groups in all, each count with noise of scale 10 x L0: the three stay
    // within 45 scales of it but with probability 1e-6.
    EXPECT_NEAR(total, 1200.0 * groups, 45 * 10.0 * groups) << groups;
  }
}

}  // namespace
}  // namespace cleanroom
