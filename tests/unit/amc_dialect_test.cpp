// AMC's SQL dialect (src/policy/amc_dialect.h): each AMC function is translated on DuckDB's parse
// tree, the tree is made safe as check_query makes it (TRY around what can raise), rendered by
// DuckDB and run; the answer is the one AMC's reference gives. Refusals name the AMC function.
#include "policy/amc_dialect.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "engine/engine.h"
#include "policy/analysis_rule.h"
#include "policy/parameters.h"
#include "policy/safe_eval.h"
#include "policy/sql_functions.h"
#include "policy/sql_parser.h"

namespace cleanroom {
namespace {

using engine::Value;
using nlohmann::json;
using policy::CheckedQuery;

struct Translated {
  std::string sql;
  std::vector<CheckedQuery::WindowExtension> extensions;
  std::set<std::string> functions;  // every function the translated tree calls
};

void functions_of(const json& node, std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& v : node) functions_of(v, out);
    return;
  }
  if (!node.is_object()) return;
  if (policy::node_type(node) == "TABLE_FUNCTION") return;  // range(...) in a test's FROM
  std::string_view cls = policy::node_class(node);
  if (cls == "FUNCTION" || cls == "WINDOW")
    out.insert(policy::lower(policy::str(node, "function_name")));
  for (const auto& [key, value] : node.items()) functions_of(value, out);
}

// The path of an AMC query through check_query: text step, parse, translation, TRY, rendering.
Result<Translated> translate(const std::string& amc_sql) {
  std::string text = policy::amc_parseable_text(amc_sql);
  CR_ASSIGN(json tree, policy::parse_sql(text));
  json& statement = tree["statements"][0];
  policy::SqlText sql(text);
  Translated out;
  CR_TRY(policy::translate_amc_dialect(sql, statement, out.extensions));
  functions_of(statement, out.functions);
  CR_TRY(policy::silence_errors(sql, statement, {}));
  CR_ASSIGN(out.sql, policy::render_checked(statement));
  return out;
}

class AmcDialect : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = engine::Engine::open({});
    ASSERT_TRUE(e.ok()) << e.error().message;
    engine_ = std::move(e).value();
    for (const auto& m : policy::amc_dialect_macros()) ASSERT_TRUE(con().run(m).ok()) << m;
    // 2024-06-02 is a Sunday.
    ASSERT_TRUE(con()
                    .run("CREATE TABLE ev AS SELECT TIMESTAMP '2024-06-02 10:00:00' AS t0, "
                         "TIMESTAMP '2024-06-02 11:00:00' AS t1, DATE '2024-06-02' AS d, "
                         "1666735860 AS epoch_s, 'Kitchen_Smart_Fire_14' AS campaign, "
                         "'a' AS s, NULL::VARCHAR AS nothing, 7 AS seven")
                    .ok());
    ASSERT_TRUE(con()
                    .run("CREATE TABLE imps AS SELECT * FROM (VALUES "
                         "('u1', 'camp A', TIMESTAMP '2024-06-01 10:00:00', 'TV', 1), "
                         "('u2', 'camp A', TIMESTAMP '2024-06-01 11:00:00', 'TV', 2), "
                         "('u2', 'camp B', TIMESTAMP '2024-06-02 09:00:00', 'Phone', 3), "
                         "('u3', 'camp B', TIMESTAMP '2024-06-03 09:00:00', 'TV', 4)) "
                         "t(user_id, campaign, impression_dt, device_type, spend)")
                    .ok());
  }

  engine::Connection& con() { return engine_->connection(); }

  // The rows of the translated `amc_sql`; every function it calls is one the checker allows.
  std::vector<std::vector<Value>> rows(const std::string& amc_sql) {
    auto t = translate(amc_sql);
    EXPECT_TRUE(t.ok()) << amc_sql << ": " << (t.ok() ? "" : t.error().message);
    if (!t.ok()) return {};
    for (const auto& f : t->functions)
      EXPECT_NE(policy::find_function(f), nullptr) << f << " is not allowed, in " << t->sql;
    auto r = con().query(t->sql);
    EXPECT_TRUE(r.ok()) << t->sql << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    auto all = r->rows();
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<std::vector<Value>>{};
  }

  // The one value of a one-row answer.
  Value value(const std::string& amc_sql) {
    auto r = rows(amc_sql);
    EXPECT_EQ(r.size(), 1u) << amc_sql;
    if (r.size() != 1 || r[0].empty()) return {};
    return r[0][0];
  }

  std::string text(const std::string& amc_sql) {
    Value v = value(amc_sql);
    EXPECT_TRUE(std::holds_alternative<std::string>(v)) << amc_sql;
    return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "";
  }

  std::unique_ptr<engine::Engine> engine_;
};

Value num(int64_t v) { return Value(v); }
Value yes(bool v) { return Value(v); }

// The refusal of `amc_sql`, which must be one.
std::string refusal(const std::string& amc_sql) {
  auto t = translate(amc_sql);
  EXPECT_FALSE(t.ok()) << amc_sql << " was translated to " << (t.ok() ? t->sql : "");
  if (t.ok()) return "";
  EXPECT_EQ(t.error().cause, Cause::InvalidQuery) << t.error().message;
  return t.error().message;
}

// --- date and time -------------------------------------------------------------------------------

TEST_F(AmcDialect, SecondsBetweenIsTheSecondMinusTheFirst) {
  EXPECT_EQ(value("SELECT SECONDS_BETWEEN(t0, t1) FROM ev"), num(3600));
  EXPECT_EQ(value("SELECT seconds_between(t1, t0) FROM ev"), num(-3600));
  EXPECT_EQ(value("SELECT SECONDS_BETWEEN(TIMESTAMP '2024-01-01 00:00:00.9', "
                  "TIMESTAMP '2024-01-01 00:00:02.1') FROM ev"),
            num(1));  // whole seconds elapsed
  EXPECT_EQ(value("SELECT MINUTES_BETWEEN(t0, t1) FROM ev"), num(60));
  EXPECT_EQ(value("SELECT HOURS_BETWEEN(t0, t1) FROM ev"), num(1));
  EXPECT_EQ(value("SELECT DAYS_BETWEEN(d, DATE '2024-06-05') FROM ev"), num(3));
  // As AMC's time-to-conversion queries use it: inside CASE, against a number of seconds.
  EXPECT_EQ(text("SELECT CASE WHEN SECONDS_BETWEEN(t0, t1) <= 600 THEN 'fast' "
                 "WHEN SECONDS_BETWEEN(t0, t1) <= 7200 THEN '1 - 2 HRS' ELSE 'slow' END FROM ev"),
            "1 - 2 HRS");
  EXPECT_NE(refusal("SELECT SECONDS_BETWEEN(t0) FROM ev")
                .find("SECONDS_BETWEEN takes 2 arguments: SECONDS_BETWEEN(start, end)"),
            std::string::npos);
}

TEST_F(AmcDialect, DayOfWeekCountsFromOneOnSunday) {
  EXPECT_EQ(value("SELECT DAYOFWEEK(d) FROM ev"), num(1));                  // Sunday
  EXPECT_EQ(value("SELECT dayofweek(DATE '2024-06-03') FROM ev"), num(2));  // Monday
  EXPECT_EQ(value("SELECT DAYOFWEEK(TIMESTAMP '2024-06-08 23:59:59') FROM ev"), num(7));
  EXPECT_EQ(value("SELECT DAYOFMONTH(d) FROM ev"), num(2));
  // Grouped by the translated expression, as the select list has it.
  auto grouped = rows(
      "SELECT DAYOFWEEK(impression_dt) AS dow, COUNT(DISTINCT user_id) FROM imps "
      "GROUP BY DAYOFWEEK(impression_dt) ORDER BY 1");
  ASSERT_EQ(grouped.size(), 3u);
  EXPECT_EQ(grouped[0][0], num(1));  // 2024-06-02, Sunday
  EXPECT_EQ(grouped[2][0], num(7));  // 2024-06-01, Saturday
}

TEST_F(AmcDialect, DayOfWeekIsTranslatedOnceEvenWhenTheTranslationIsTranslatedAgain) {
  auto once = translate("SELECT DAYOFWEEK(d) AS dow FROM ev");
  ASSERT_TRUE(once.ok()) << once.error().message;
  EXPECT_EQ(value(once->sql), num(1));
}

TEST_F(AmcDialect, EpochToUtcTimestampTakesSecondsOrMilliseconds) {
  EXPECT_EQ(text("SELECT CAST(EPOCH_TO_UTC_TIMESTAMP('1666735860') AS VARCHAR) FROM ev"),
            "2022-10-25 22:11:00");
  EXPECT_EQ(text("SELECT CAST(EPOCH_TO_UTC_TIMESTAMP(epoch_s) AS VARCHAR) FROM ev"),
            "2022-10-25 22:11:00");
  EXPECT_EQ(text("SELECT CAST(EPOCH_TO_UTC_TIMESTAMP(CAST(epoch_s AS BIGINT) * 1000 + 250) AS "
                 "VARCHAR) FROM ev"),
            "2022-10-25 22:11:00.25");
  // A value no timestamp holds is NULL (TRY), not an error that would depend on a row.
  EXPECT_EQ(value("SELECT EPOCH_TO_UTC_TIMESTAMP(epoch_s * 1e300) FROM ev"), Value{});
}

TEST_F(AmcDialect, ConvertTimeZoneFromUtcGivesTheWallClockOfTheZone) {
  EXPECT_EQ(text("SELECT CAST(CONVERT_TIME_ZONE_FROM_UTC(t0, 'America/New_York') AS VARCHAR) "
                 "FROM ev"),
            "2024-06-02 06:00:00");
  EXPECT_EQ(text("SELECT CAST(CONVERT_TIME_ZONE_FROM_UTC(t0, 'Europe/Paris') AS VARCHAR) FROM ev"),
            "2024-06-02 12:00:00");
}

TEST_F(AmcDialect, TodayAndNowAreTheCurrentDateAndTimeInUtc) {
  EXPECT_EQ(value("SELECT CAST('today' AS DATE) = CAST(timezone('UTC', now()) AS DATE) FROM ev"),
            yes(true));
  EXPECT_EQ(value("SELECT abs(epoch(CAST('now' AS TIMESTAMP)) - epoch(timezone('UTC', now()))) "
                  "< 5 FROM ev"),
            yes(true));
  EXPECT_EQ(
      value("SELECT CAST(CAST('TODAY' AS TIMESTAMP) AS DATE) = CAST('today' AS DATE) FROM ev"),
      yes(true));
  // Other text is a plain cast.
  EXPECT_EQ(text("SELECT CAST(CAST('2024-01-02' AS DATE) AS VARCHAR) FROM ev"), "2024-01-02");
}

TEST_F(AmcDialect, NativeDateFunctionsRunAsTheyAre) {
  EXPECT_EQ(value("SELECT HOUR(t0) + MINUTE(t0) + SECOND(t0) FROM ev"), num(10));
  EXPECT_EQ(value("SELECT YEAR(d) * 100 + MONTH(d) FROM ev"), num(202406));
  EXPECT_EQ(value("SELECT WEEK(d) FROM ev"), num(22));
  EXPECT_EQ(value("SELECT EXTRACT(MONTH FROM t0) FROM ev"), num(6));
  EXPECT_EQ(text("SELECT CAST(DATE_TRUNC('hour', t0 + INTERVAL 5 MINUTE) AS VARCHAR) FROM ev"),
            "2024-06-02 10:00:00");
  // DuckDB answers a DATE for a day or longer (AMC a TIMESTAMP at midnight): the same instant.
  EXPECT_EQ(value("SELECT DATE_TRUNC('day', t0) = TIMESTAMP '2024-06-02 00:00:00' FROM ev"),
            yes(true));
}

// --- text ----------------------------------------------------------------------------------------

TEST_F(AmcDialect, CharindexAndLocateFindASubstringFromAStart) {
  EXPECT_EQ(value("SELECT CHARINDEX('b', 'abcb') FROM ev"), num(2));
  EXPECT_EQ(value("SELECT CHARINDEX('b', 'abcb', 3) FROM ev"), num(4));
  EXPECT_EQ(value("SELECT LOCATE('z', campaign) FROM ev"), num(0));
  EXPECT_EQ(value("SELECT LOCATE('_', campaign, 9) FROM ev"), num(14));
  EXPECT_EQ(value("SELECT LOCATE('b', 'abcb', 5) FROM ev"), num(0));
  EXPECT_EQ(value("SELECT INSTR(campaign, 'Smart') + STRPOS(campaign, 'Smart') FROM ev"), num(18));
  EXPECT_EQ(value("SELECT POSITION('Fire' IN campaign) FROM ev"), num(15));
}

TEST_F(AmcDialect, FormatIsJavasFormatOfOneValue) {
  EXPECT_EQ(text("SELECT FORMAT(3.14159, '%.2f') FROM ev"), "3.14");
  EXPECT_EQ(text("SELECT FORMAT(seven, 'day %d') FROM ev"), "day 7");
}

TEST_F(AmcDialect, RegexpReplaceReplacesEveryMatchWithJavaGroups) {
  EXPECT_EQ(text("SELECT REGEXP_REPLACE(campaign, '_', ' ') FROM ev"), "Kitchen Smart Fire 14");
  EXPECT_EQ(text("SELECT REGEXP_REPLACE('ab', '(a)(b)', '$2$1') FROM ev"), "ba");
  EXPECT_EQ(text("SELECT REGEXP_REPLACE('a', 'a', '\\$1 \\\\') FROM ev"), "$1 \\");
  // DuckDB's own four-argument form keeps its meaning.
  EXPECT_EQ(text("SELECT REGEXP_REPLACE('aXbX', 'X', '-', '') FROM ev"), "a-bX");
}

TEST_F(AmcDialect, RegexpSubstrAndSplit) {
  EXPECT_EQ(text("SELECT REGEXP_SUBSTR(campaign, '[0-9]+') FROM ev"), "14");
  EXPECT_EQ(value("SELECT REGEXP_SUBSTR(campaign, 'x[0-9]') FROM ev"), Value{});
  EXPECT_EQ(text("SELECT CAST(REGEXP_SPLIT(campaign, '_') AS VARCHAR) FROM ev"),
            "[Kitchen, Smart, Fire, 14]");
}

TEST_F(AmcDialect, StrToMapSplitsPairsThenKeysFromValues) {
  EXPECT_EQ(text("SELECT CAST(STR_TO_MAP('a:1,b:2', ',', ':') AS VARCHAR) FROM ev"), "{a=1, b=2}");
  EXPECT_EQ(text("SELECT CAST(STR_TO_MAP('a=1;b', ';', '=') AS VARCHAR) FROM ev"), "{a=1, b=NULL}");
  EXPECT_EQ(text("SELECT CAST(STR_TO_MAP('k:v') AS VARCHAR) FROM ev"), "{k=v}");
}

TEST_F(AmcDialect, SimilarToMatchesTheWholeValueAsARegularExpression) {
  EXPECT_EQ(value("SELECT campaign SIMILAR TO 'Kitchen.*[0-9]+' FROM ev"), yes(true));
  EXPECT_EQ(value("SELECT campaign SIMILAR TO 'Smart' FROM ev"), yes(false));
  EXPECT_EQ(value("SELECT campaign NOT SIMILAR TO 'Smart' FROM ev"), yes(true));
}

TEST_F(AmcDialect, NativeTextFunctionsRunAsTheyAre) {
  EXPECT_EQ(text("SELECT CONCAT(LEFT(campaign, 3), RIGHT(campaign, 2), LOWER('X'), UPPER(s)) "
                 "FROM ev"),
            "Kit14xA");
  EXPECT_EQ(text("SELECT TRIM(BOTH 'x' FROM 'xxaxx') || LTRIM('  b') || RTRIM('c  ') || "
                 "TRIM(LEADING 'y' FROM 'yd') || TRIM(TRAILING 'y' FROM 'ey') FROM ev"),
            "abcde");
  EXPECT_EQ(text("SELECT SUBSTRING(campaign FROM 9 FOR 5) FROM ev"), "Smart");
  EXPECT_EQ(value("SELECT LENGTH(campaign) FROM ev"), num(21));
  EXPECT_EQ(text("SELECT REPLACE(campaign, 'Kitchen_', '') FROM ev"), "Smart_Fire_14");
  EXPECT_EQ(value("SELECT campaign LIKE 'Kitchen%' FROM ev"), yes(true));
}

// --- numbers, conditions, hashes, JSON -----------------------------------------------------------

TEST_F(AmcDialect, MathFunctions) {
  auto e = value("SELECT E() FROM ev");
  ASSERT_TRUE(std::holds_alternative<double>(e));
  EXPECT_NEAR(std::get<double>(e), 2.718281828459045, 1e-12);
  EXPECT_EQ(value("SELECT LOG(2, 8) = 3 AND LOG10(100) = 2 AND POWER(2, 3) = 8 AND "
                  "ROUND(2.5) = 3 AND TRUNC(3.14159, 2) = 3.14 AND CEIL(1.2) = 2 AND "
                  "FLOOR(1.8) = 1 AND ABS(-1) = 1 AND SQRT(16) = 4 AND LN(1) = 0 FROM ev"),
            yes(true));
  // AMC: SQRT of a negative number is NULL.
  EXPECT_EQ(value("SELECT SQRT(-seven) FROM ev"), Value{});
}

TEST_F(AmcDialect, NvlNvl2IfAndContainedIn) {
  EXPECT_EQ(text("SELECT NVL(nothing, 'x') FROM ev"), "x");
  EXPECT_EQ(text("SELECT NVL2(nothing, 'a', 'b') || NVL2(s, 'a', 'b') FROM ev"), "ba");
  EXPECT_EQ(text("SELECT IF(seven < 10, 'small', 'large') FROM ev"), "small");
  EXPECT_EQ(text("SELECT IFNULL(nothing, 'y') || COALESCE(nothing, 'z') FROM ev"), "yz");
  EXPECT_EQ(value("SELECT NULLIF(seven, 7) FROM ev"), Value{});
  EXPECT_EQ(value("SELECT CONTAINED_IN(seven, 1, 7, 9) FROM ev"), yes(true));
  EXPECT_EQ(value("SELECT CONTAINED_IN(s, 'b', 'c') FROM ev"), yes(false));
}

TEST_F(AmcDialect, GreatestAndLeastAreNullWhenAnyValueIs) {
  EXPECT_EQ(value("SELECT GREATEST(1, seven, 3) FROM ev"), num(7));
  EXPECT_EQ(value("SELECT LEAST(4, seven, 2) FROM ev"), num(2));
  EXPECT_EQ(value("SELECT GREATEST(1, CAST(nothing AS INTEGER), 3) FROM ev"), Value{});
  EXPECT_EQ(value("SELECT LEAST(CAST(nothing AS INTEGER), seven) FROM ev"), Value{});
}

TEST_F(AmcDialect, HashesBinaryAndJson) {
  EXPECT_EQ(value("SELECT HASH64(s) = hash(s) FROM ev"), yes(true));
  EXPECT_EQ(text("SELECT SHA1(s) FROM ev"), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
  EXPECT_EQ(text("SELECT MD5(s) FROM ev"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(text("SELECT FROM_VARBINARY(TO_VARBINARY('0AFF', 'hex'), 'hex') FROM ev"), "0aff");
  EXPECT_EQ(text("SELECT FROM_VARBINARY(TO_VARBINARY('aGk=', 'base64'), 'base64') FROM ev"),
            "aGk=");
  EXPECT_EQ(text("SELECT FROM_VARBINARY(TO_VARBINARY(campaign, 'UTF-8'), 'utf-8') FROM ev"),
            "Kitchen_Smart_Fire_14");
  EXPECT_EQ(text("SELECT FROM_VARBINARY(TO_VARBINARY(s, 'utf-8'), 'hex') FROM ev"), "61");
  EXPECT_EQ(text("SELECT CAST(JSON_EXTRACT('{\"a\": {\"b\": 1}}', '$.a.b') AS VARCHAR) FROM ev"),
            "1");
  EXPECT_EQ(text("SELECT JSON_SERIALIZE(NAMED_ROW('a', seven, 'b', s)) FROM ev"),
            "{\"a\":7,\"b\":\"a\"}");
  EXPECT_NE(refusal("SELECT TO_VARBINARY(s, 'latin1') FROM ev")
                .find("TO_VARBINARY takes its encoding as 'hex', 'base64' or 'utf-8'"),
            std::string::npos);
}

// --- rows, arrays, aggregates --------------------------------------------------------------------

TEST_F(AmcDialect, NamedRowGroupsColumnsUnderLabels) {
  EXPECT_EQ(text("SELECT CAST(NAMED_ROW('device', 'TV', 'dma_code', s) AS VARCHAR) FROM ev"),
            "{'device': TV, 'dma_code': a}");
  // The reference's query: grouped by the row, users counted per row.
  auto r = rows(
      "SELECT CAST(NAMED_ROW('device', device_type, 'campaign', campaign) AS VARCHAR) AS "
      "device_campaign, COUNT(DISTINCT(a.user_id)) distinct_user_count FROM imps a "
      "WHERE user_id IS NOT NULL GROUP BY 1 ORDER BY 1");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0][0], Value(std::string("{'device': Phone, 'campaign': camp B}")));
  EXPECT_EQ(r[1][1], num(2));
  EXPECT_NE(refusal("SELECT NAMED_ROW('a', 1, 'b') FROM ev").find("NAMED_ROW takes pairs"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT NAMED_ROW(s, 1) FROM ev").find("NAMED_ROW takes each label as"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT NAMED_ROW('a', 1, 'A', 2) FROM ev").find("the same label twice"),
            std::string::npos);
}

TEST_F(AmcDialect, ArrayFunctions) {
  EXPECT_EQ(text("SELECT CAST(ARRAY_CAT([1], [2, 3]) AS VARCHAR) FROM ev"), "[1, 2, 3]");
  EXPECT_EQ(value("SELECT ARRAY_CONTAINS(REGEXP_SPLIT(campaign, '_'), 'Fire') FROM ev"), yes(true));
  EXPECT_EQ(value("SELECT ARRAY_CONTAINS(['x'], s) FROM ev"), yes(false));
  EXPECT_EQ(text("SELECT CAST(ARRAY_COMPLEMENT([1, 2, 3, 2, NULL], [2]) AS VARCHAR) FROM ev"),
            "[1, 3, NULL]");
  EXPECT_EQ(text("SELECT CAST(ARRAY_DISTINCT([3, 1, 3, NULL, 2, NULL, 1]) AS VARCHAR) FROM ev"),
            "[3, 1, NULL, 2]");
  EXPECT_EQ(text("SELECT CAST(ARRAY_SORT(ARRAY_INTERSECT([1, 2, 3, 3], [3, 1, 4])) AS VARCHAR) "
                 "FROM ev"),
            "[1, 3]");
  EXPECT_EQ(text("SELECT CAST(ARRAY_REMOVE([1, 2, 1, NULL, 3], 1) AS VARCHAR) FROM ev"),
            "[2, NULL, 3]");
  EXPECT_EQ(text("SELECT CAST(ARRAY_SORT([3, 1, 2]) AS VARCHAR) FROM ev"), "[1, 2, 3]");
  EXPECT_EQ(text("SELECT ARRAY_TO_STRING(REGEXP_SPLIT(campaign, '_'), '&') FROM ev"),
            "Kitchen&Smart&Fire&14");
  EXPECT_EQ(text("SELECT CAST(ARRAY_UNION([2, 1, 2], [3, 1]) AS VARCHAR) FROM ev"), "[2, 1, 3]");
  EXPECT_EQ(value("SELECT CARDINALITY(REGEXP_SPLIT(campaign, '_')) FROM ev"), num(4));
  EXPECT_EQ(text("SELECT CAST(FLATTEN([[1], [2, 3]]) AS VARCHAR) FROM ev"), "[1, 2, 3]");
  EXPECT_EQ(value("SELECT CAST(SUM(x) AS BIGINT) FROM (SELECT EXPLODE([1, 2, seven]) AS x "
                  "FROM ev) e"),
            num(10));
}

// The reference's ARRAY_CONTAINS query: split a name, test a part, aggregate by the answer.
TEST_F(AmcDialect, ArrayContainsInsideCaseOverASplitName) {
  auto r = rows(
      "WITH parts AS (SELECT campaign, regexp_split(campaign, ' ') AS split_campaign, "
      "SUM(spend) AS spend FROM imps GROUP BY 1, 2) "
      "SELECT CASE WHEN array_contains(split_campaign, 'A') THEN 'A campaign' "
      "ELSE 'other' END AS kind, CAST(SUM(spend) AS BIGINT) AS spend FROM parts GROUP BY 1 "
      "ORDER BY 1");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][0], Value(std::string("A campaign")));
  EXPECT_EQ(r[0][1], num(3));
}

TEST_F(AmcDialect, CollectBuildsAListAndPercentilePicksAnOrderStatistic) {
  EXPECT_EQ(text("SELECT CAST(ARRAY_SORT(COLLECT(DISTINCT user_id)) AS VARCHAR) FROM imps"),
            "[u1, u2, u3]");
  EXPECT_EQ(value("SELECT CARDINALITY(COLLECT(user_id)) FROM imps"), num(4));
  auto r = rows(
      "SELECT campaign, CAST(ARRAY_SORT(COLLECT(device_type)) AS VARCHAR) FROM imps "
      "GROUP BY 1 ORDER BY 1");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1][1], Value(std::string("[Phone, TV]")));
  auto p = value("SELECT PERCENTILE(x, 0.1) FROM range(1, 11) t(x)");
  ASSERT_TRUE(std::holds_alternative<double>(p));
  EXPECT_NEAR(std::get<double>(p), 1.9, 1e-9);
  EXPECT_EQ(value("SELECT APPROX_PERCENTILE(x, 0.5) BETWEEN 5 AND 6 FROM range(1, 11) t(x)"),
            yes(true));
  auto m = value("SELECT MEDIAN(spend) FROM imps");
  ASSERT_TRUE(std::holds_alternative<double>(m));
  EXPECT_NEAR(std::get<double>(m), 2.5, 1e-9);
  // COLLECT as a window function, over each user's impressions.
  EXPECT_EQ(value("SELECT MAX(CARDINALITY(c)) FROM (SELECT COLLECT(campaign) OVER (PARTITION BY "
                  "user_id) AS c FROM imps) w"),
            num(2));
  // What the AMC policy reads: COLLECT builds a list, PERCENTILE picks a value.
  EXPECT_TRUE(policy::find_function("list")->builds_list);
  EXPECT_TRUE(policy::find_function("quantile_cont")->picks_value);
  EXPECT_TRUE(policy::find_function("approx_quantile")->picks_value);
}

// --- EXTEND_TIME_WINDOW --------------------------------------------------------------------------

TEST_F(AmcDialect, ExtendTimeWindowReadsTheTableAndRecordsTheWidening) {
  auto t = translate(
      "WITH reach AS (SELECT user_id FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P30D', 'P0D')) i "
      "WHERE i.user_id IS NOT NULL) SELECT COUNT(DISTINCT user_id) FROM reach");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->extensions.size(), 1u);
  EXPECT_EQ(t->extensions[0].table, "imps");
  EXPECT_EQ(t->extensions[0].before, "P30D");
  EXPECT_EQ(t->extensions[0].after, "P0D");
  EXPECT_NE(t->sql.find("FROM imps AS i"), std::string::npos) << t->sql;
  EXPECT_EQ(t->sql.find("extend_time_window"), std::string::npos) << t->sql;
  EXPECT_EQ(value(t->sql), num(3));
  // Without an alias the table is named by its name; spaces, case and comments do not matter.
  EXPECT_EQ(value("SELECT COUNT(DISTINCT imps.user_id) FROM table /* widened */ ( "
                  "extend_time_window ( 'imps', 'p1w', 'PT12H' ) )"),
            num(3));
  auto lower = translate("SELECT COUNT(*) FROM TABLE(extend_time_window('imps', 'p1w', 'pt12h'))");
  ASSERT_TRUE(lower.ok()) << lower.error().message;
  ASSERT_EQ(lower->extensions.size(), 1u);
  EXPECT_EQ(lower->extensions[0].before, "P1W");
  EXPECT_EQ(lower->extensions[0].after, "PT12H");
}

TEST_F(AmcDialect, ExtendTimeWindowInJoinsAndUnionsRecordsEachWideningOnce) {
  auto t = translate(
      "SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P14D', 'P1D')) a "
      "JOIN TABLE(EXTEND_TIME_WINDOW('ev', 'P1Y2M3DT4H5M6S', 'P0D')) b ON TRUE "
      "UNION ALL SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P14D', 'P1D')) AS c(x)");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->extensions.size(), 2u);
  EXPECT_EQ(t->extensions[0].table, "imps");
  EXPECT_EQ(t->extensions[0].before, "P14D");
  EXPECT_EQ(t->extensions[0].after, "P1D");
  EXPECT_EQ(t->extensions[1].table, "ev");
  EXPECT_EQ(t->extensions[1].before, "P1Y2M3DT4H5M6S");
  EXPECT_NE(t->sql.find("imps AS c(x)"), std::string::npos) << t->sql;
  auto r = rows(t->sql);
  ASSERT_EQ(r.size(), 2u);
}

TEST_F(AmcDialect, ExtendTimeWindowRefusesBadDurations) {
  for (const char* bad : {"P30", "30D", "P", "PT", "P1DT", "-P1D", "P1.5D", "P1D2Y", "P1H", "PT1D",
                          "P12345Y", "P1234567D", "P 1D", "", "P1D "}) {
    std::string sql =
        std::string("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', '") + bad + "', 'P0D'))";
    std::string m = refusal(sql);
    EXPECT_NE(m.find("EXTEND_TIME_WINDOW's second argument"), std::string::npos)
        << bad << ": " << m;
    EXPECT_NE(m.find("ISO-8601 duration"), std::string::npos) << m;
    // The position is the bad argument's, in the query as written.
    size_t at = sql.find("'imps', ") + 8;
    EXPECT_NE(m.find("at character " + std::to_string(at + 1)), std::string::npos) << m;
  }
  EXPECT_NE(refusal("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P1D', 'P1X'))")
                .find("EXTEND_TIME_WINDOW's third argument"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P1D', s))")
                .find("EXTEND_TIME_WINDOW's third argument"),
            std::string::npos);
}

TEST_F(AmcDialect, ExtendTimeWindowRefusesOtherMisuse) {
  EXPECT_NE(refusal("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW(imps, 'P1D', 'P0D'))")
                .find("EXTEND_TIME_WINDOW takes the table's name as a string"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P1D'))")
                .find("EXTEND_TIME_WINDOW takes 3 arguments"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT EXTEND_TIME_WINDOW('imps', 'P1D', 'P0D') FROM ev")
                .find("EXTEND_TIME_WINDOW reads a table: write it in FROM"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT COUNT(*) FROM TABLE(EXTEND_TIME_WINDOW('__cleanroom_x', 'P1D', "
                    "'P0D'))")
                .find("reserved"),
            std::string::npos);
  EXPECT_NE(refusal("WITH recent AS (SELECT user_id FROM imps) SELECT COUNT(*) FROM "
                    "TABLE(EXTEND_TIME_WINDOW('RECENT', 'P1D', 'P0D'))")
                .find("not of a WITH query"),
            std::string::npos);
}

// A workflow's parameters are bound on the tree before the query is checked: the text step runs
// first (the binder parses the text), the translation after (it needs the bound constants).
TEST_F(AmcDialect, ParametersAreBoundBeforeTheTranslation) {
  std::string workflow =
      "SELECT COUNT(DISTINCT user_id) FROM TABLE(EXTEND_TIME_WINDOW('imps', "
      "CUSTOM_PARAMETER('lookback'), 'P0D'))";
  auto bound = policy::bind_in_tree(
      policy::amc_parseable_text(workflow), [](const json& node) -> Result<std::optional<json>> {
        if (policy::lower(policy::str(node, "function_name")) != "custom_parameter")
          return std::optional<json>{};
        return std::optional<json>(policy::text_constant("P14D"));
      });
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  auto t = translate(*bound);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->extensions.size(), 1u);
  EXPECT_EQ(t->extensions[0].before, "P14D");
  EXPECT_EQ(value(t->sql), num(3));
  // Unbound, the parameter is not a duration, and an unbound parameter is named as such.
  EXPECT_NE(refusal(workflow).find("EXTEND_TIME_WINDOW's second argument"), std::string::npos);
  EXPECT_NE(refusal("SELECT CUSTOM_PARAMETER('x') FROM ev").find("CUSTOM_PARAMETER has no value"),
            std::string::npos);
}

// --- the text step -------------------------------------------------------------------------------

TEST(AmcParseableText, BlanksTableAndItsParenthesesOnly) {
  std::string sql = "SELECT a FROM TABLE(EXTEND_TIME_WINDOW('t)(', 'P1D', 'P0D')) x WHERE b";
  std::string out = policy::amc_parseable_text(sql);
  EXPECT_EQ(out, "SELECT a FROM       EXTEND_TIME_WINDOW('t)(', 'P1D', 'P0D')  x WHERE b");
  EXPECT_EQ(out.size(), sql.size());
  EXPECT_EQ(policy::amc_parseable_text(out), out);  // idempotent
}

TEST(AmcParseableText, LeavesStringsIdentifiersAndCommentsAlone) {
  for (const char* sql : {
           "SELECT 'TABLE(EXTEND_TIME_WINDOW(''t'', ''P1D'', ''P0D''))' FROM t",
           "SELECT E'\\' TABLE(EXTEND_TIME_WINDOW(' FROM t",
           "SELECT $$TABLE(EXTEND_TIME_WINDOW('t', 'P1D', 'P0D'))$$ FROM t",
           "SELECT $q$ TABLE(EXTEND_TIME_WINDOW( $q$ FROM t",
           "SELECT \"TABLE\"(EXTEND_TIME_WINDOW('t', 'P1D', 'P0D')) FROM t",
           "SELECT 1 FROM t -- TABLE(EXTEND_TIME_WINDOW('t', 'P1D', 'P0D'))",
           "SELECT 1 FROM t /* TABLE(EXTEND_TIME_WINDOW('t', /* nested */ 'P1D', 'P0D')) */",
           "SELECT 1 FROM TABLE(SOMETHING_ELSE('t'))",
           "SELECT 1 FROM TABLE(EXTEND_TIME_WINDOW('t', 'P1D', 'P0D')",  // unbalanced
       })
    EXPECT_EQ(policy::amc_parseable_text(sql), sql);
}

TEST_F(AmcDialect, FunctionNamesInStringsAndQuotedNamesAreUntouched) {
  std::string literal =
      "SECONDS_BETWEEN(a, b) DAYOFWEEK(d) TABLE(EXTEND_TIME_WINDOW('imps', 'P1D', 'P0D'))";
  EXPECT_EQ(text("SELECT 'SECONDS_BETWEEN(a, b) DAYOFWEEK(d) "
                 "TABLE(EXTEND_TIME_WINDOW(''imps'', ''P1D'', ''P0D''))' FROM ev"),
            literal);
  EXPECT_EQ(text("SELECT $$COLLECT(x) NAMED_ROW('a', 1)$$ FROM ev"),
            "COLLECT(x) NAMED_ROW('a', 1)");
  EXPECT_EQ(value("SELECT \"dayofweek\" FROM (SELECT 5 AS \"dayofweek\") q"), num(5));
  auto t =
      translate("SELECT 1 AS one FROM ev -- DAYOFWEEK(d) TABLE(EXTEND_TIME_WINDOW('x','P','P'))");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->extensions.empty());
}

// --- calls that are not AMC's -------------------------------------------------------------------

TEST_F(AmcDialect, RefusesMisusedCallsNamingTheAmcFunction) {
  EXPECT_NE(refusal("SELECT SECONDS_BETWEEN(DISTINCT t0, t1) FROM ev")
                .find("SECONDS_BETWEEN is not an aggregate"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT DAYOFWEEK(d) OVER () FROM ev")
                .find("DAYOFWEEK is not an aggregate: it cannot take OVER"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT COLLECT(s, s) FROM ev")
                .find("COLLECT takes 1 argument: COLLECT([DISTINCT] value)"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT CHARINDEX('a') FROM ev").find("CHARINDEX takes 2 to 3 arguments"),
            std::string::npos);
  EXPECT_NE(refusal("SELECT E(1) FROM ev").find("E takes no arguments"), std::string::npos);
  std::string m = refusal("SELECT RANDOM() FROM ev");
  EXPECT_NE(m.find("RANDOM is not supported"), std::string::npos);
  EXPECT_NE(m.find("at character 8"), std::string::npos) << m;
  EXPECT_NE(refusal("SELECT UUID() FROM ev").find("UUID is not supported"), std::string::npos);
  // A qualified name is not AMC's: it is left for the checker, which refuses it.
  auto q = translate("SELECT main.seconds_between(t0, t1) FROM ev");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_TRUE(q->functions.count("seconds_between"));
}

TEST_F(AmcDialect, AnAliasNamesTheTranslatedColumn) {
  auto t = translate("SELECT SECONDS_BETWEEN(t0, t1) AS secs, DAYOFWEEK(d) dow FROM ev");
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto r = con().query(t->sql);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->column_name(0), "secs");
  EXPECT_EQ(r->column_name(1), "dow");
}

// --- what the checker sees ---------------------------------------------------------------------

// The translated tree, rendered without TRY, as check_query receives it once translated.
Result<std::string> translated_text(const std::string& amc_sql) {
  std::string text = policy::amc_parseable_text(amc_sql);
  CR_ASSIGN(json tree, policy::parse_sql(text));
  json& statement = tree["statements"][0];
  std::vector<CheckedQuery::WindowExtension> extensions;
  CR_TRY(policy::translate_amc_dialect(policy::SqlText(text), statement, extensions));
  return policy::render_checked(statement);
}

// A platform table under AMC's column classes, queried by its CUSTOM rule's provider.
policy::QueryContext amc_context() {
  policy::QueryContext ctx;
  ctx.runner_account_id = "111111111111";
  ctx.amc_threshold = 3;
  policy::QueryTable t;
  t.name = "dsp_impressions";
  t.columns = {"user_id", "campaign", "impressions", "postal_code", "event_dt"};
  t.owner_account_id = "999999999999";
  auto rule = policy::parse_analysis_rule(
      "CUSTOM", json::parse(R"({"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"],
                      "allowedAnalysisProviders": ["111111111111"]}}})"),
      t.columns);
  EXPECT_TRUE(rule.ok()) << (rule.ok() ? "" : rule.error().message);
  if (rule.ok()) t.rule = *rule;
  policy::AmcPrivacy amc;
  amc.user_id_column = "user_id";
  amc.column_classes = {{"user_id", policy::ColumnClass::VeryHigh},
                        {"campaign", policy::ColumnClass::Low},
                        {"postal_code", policy::ColumnClass::High}};
  t.amc = amc;
  ctx.tables.push_back(std::move(t));
  return ctx;
}

TEST(AmcDialectChecked, TranslatedQueriesPassTheCheckerWithTheirLineage) {
  auto sql = translated_text(
      "SELECT campaign, DAYOFWEEK(event_dt) AS dow, "
      "SECONDS_BETWEEN(MIN(event_dt), MAX(event_dt)) AS span, "
      "PERCENTILE(impressions, 0.5) AS p50, NVL(SUM(impressions), 0) AS impressions, "
      "COUNT(DISTINCT user_id) AS reach "
      "FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P30D', 'P0D')) i GROUP BY 1, 2");
  ASSERT_TRUE(sql.ok()) << sql.error().message;
  auto checked = policy::check_query(*sql, amc_context());
  ASSERT_TRUE(checked.ok()) << *sql << ": " << checked.error().message;
  EXPECT_TRUE(checked->thresholded);
  ASSERT_EQ(checked->tables.size(), 1u);
  EXPECT_EQ(checked->tables[0], "dsp_impressions");
  // COLLECT builds a list: AMC's policy never outputs the values of a platform column.
  auto collected = translated_text(
      "SELECT campaign, COLLECT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY 1");
  ASSERT_TRUE(collected.ok()) << collected.error().message;
  auto refused = policy::check_query(*collected, amc_context());
  ASSERT_FALSE(refused.ok()) << *collected;
  EXPECT_EQ(refused.error().cause, Cause::InvalidQuery);
  // PERCENTILE picks a value: never of a HIGH column.
  auto picked = translated_text(
      "SELECT campaign, PERCENTILE(postal_code, 0.5) AS p, COUNT(DISTINCT user_id) "
      "FROM dsp_impressions GROUP BY 1");
  ASSERT_TRUE(picked.ok()) << picked.error().message;
  auto refused_pick = policy::check_query(*picked, amc_context());
  ASSERT_FALSE(refused_pick.ok()) << *picked;
  EXPECT_NE(refused_pick.error().message.find("postal_code"), std::string::npos)
      << refused_pick.error().message;
}

// --- AMC's instructional shapes ------------------------------------------------------------------

TEST_F(AmcDialect, TimeToConversionWithAWidenedWindow) {
  ASSERT_TRUE(con()
                  .run("CREATE TABLE conversions AS SELECT * FROM (VALUES "
                       "('u1', TIMESTAMP '2024-06-01 10:00:30'), ('u2', TIMESTAMP "
                       "'2024-06-01 12:00:00'), ('u3', TIMESTAMP '2024-06-20 09:00:00')) "
                       "c(user_id, conversion_dt)")
                  .ok());
  auto r = rows(
      "WITH first_imp AS (SELECT user_id, MIN(impression_dt) AS imp_dt "
      "FROM TABLE(EXTEND_TIME_WINDOW('imps', 'P30D', 'P0D')) GROUP BY user_id), "
      "conv AS (SELECT user_id, MIN(conversion_dt) AS conv_dt FROM conversions GROUP BY 1) "
      "SELECT CASE WHEN SECONDS_BETWEEN(f.imp_dt, c.conv_dt) <= 60 THEN '1 | < 1 MIN' "
      "WHEN SECONDS_BETWEEN(f.imp_dt, c.conv_dt) <= 86400 THEN '2 | < 1 DAY' "
      "ELSE '3 | 1+ DAYS' END AS time_to_conversion, COUNT(DISTINCT f.user_id) AS users "
      "FROM first_imp f JOIN conv c ON f.user_id = c.user_id GROUP BY 1 ORDER BY 1");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0][0], Value(std::string("1 | < 1 MIN")));
  EXPECT_EQ(r[1][1], num(1));
  EXPECT_EQ(r[2][0], Value(std::string("3 | 1+ DAYS")));
}

}  // namespace
}  // namespace cleanroom
