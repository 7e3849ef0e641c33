// The query checker as data: each tests/unit/query_policy/*.sql is one query with, in its leading
// `-- key: value` comment lines, the tables in force, the runner and the verdict; cases with data
// also run the rewritten SQL in DuckDB to show which rows the thresholds keep. Adding a case is
// adding a file.
//
//   -- about: what the case shows
//   -- tables: @aggregation            (tests/unit/query_policy/aggregation.json) or a JSON list
//   -- runner: 111111111111            (overrides the setup's)
//   -- template: arn:aws:cleanrooms:...  (the SQL comes from this analysis template)
//   -- amc-threshold: 100              (overrides the setup's)
//   -- expect: allowed | rejected: <part of the message>
//   -- thresholded: yes | no
//   -- data: CREATE TABLE ... ;        (one statement a line, as many lines as needed)
//   -- expect-rows: N                  (rows the query answers without its thresholds)
//   -- expect-kept-rows: N             (rows the checked, thresholded query answers)
//   -- filtered-rows: {"discriminator": "filtered", "userCount": "du", "reason": "why",
//                      "behavior": "REMOVE_VALUES"}   (an AMC workflow's filtered-row options)
//   -- expect-kept: A,3,false          (one checked row, its cells joined by ',', NULL for
//                                       NULL; one line a row, compared in any order)
//   SELECT ...
//
// A table of a setup: {"name", "owner", "columns", "analysisRuleType", "analysisRulePolicy"
// (ConfiguredTableAnalysisRulePolicy), "amc": {"userIdColumn", "columnClasses": {"col": "HIGH"}},
// "identityColumns": ["user_id"] (resolved platform identities), "types": {"col": "BIGINT"},
// "idMapping": {"sourceOwner", "targetOwner"} (an ID mapping table: no rule, it is derived)}.
// Cases with data take each column's type from the tables their data creates, as the server
// takes it from the dataset.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "corpus_files.h"
#include "engine/engine.h"
#include "policy/filtered_rows.h"
#include "policy/query_check.h"

namespace cleanroom {
namespace {

using nlohmann::json;
using testing::row_text;
namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(CLEANROOM_SOURCE_DIR) / "tests/unit/query_policy"; }

std::vector<std::string> case_names() {
  return testing::corpus_cases("tests/unit/query_policy", ".sql");
}
using testing::read_file;

struct Case {
  std::string about;
  json setup = json::object();
  std::string runner;
  std::string template_arn;
  std::optional<int64_t> amc_threshold;
  std::string expect;
  std::optional<bool> thresholded;
  std::vector<std::string> data;
  std::optional<size_t> rows;
  std::optional<size_t> kept_rows;
  json filtered_rows;                            // null: none
  std::optional<std::vector<std::string>> kept;  // expect-kept lines
  std::string sql;
};

Case load_case(const std::string& name) {
  Case c;
  c.sql = testing::read_case(
      corpus_dir() / (name + ".sql"), [&](const std::string& key, const std::string& value) {
        if (key == "about") {
          c.about = value;
        } else if (key == "tables") {
          if (!value.empty() && value[0] == '@') {
            c.setup = json::parse(read_file(corpus_dir() / (value.substr(1) + ".json")));
          } else {
            c.setup = {{"tables", json::parse(value)}};
          }
        } else if (key == "runner") {
          c.runner = value;
        } else if (key == "template") {
          c.template_arn = value;
        } else if (key == "amc-threshold") {
          c.amc_threshold = std::stoll(value);
        } else if (key == "expect") {
          c.expect = value;
        } else if (key == "thresholded") {
          c.thresholded = value == "yes";
        } else if (key == "data") {
          c.data.push_back(value);
        } else if (key == "expect-rows") {
          c.rows = std::stoul(value);
        } else if (key == "expect-kept-rows") {
          c.kept_rows = std::stoul(value);
        } else if (key == "filtered-rows") {
          c.filtered_rows = json::parse(value);
        } else if (key == "expect-kept") {
          if (!c.kept) c.kept.emplace();
          c.kept->push_back(value);
        } else {
          ADD_FAILURE() << "unknown header key " << key;
        }
      });
  return c;
}

policy::ColumnClass column_class(const std::string& s) {
  if (s == "LOW") return policy::ColumnClass::Low;
  if (s == "MEDIUM") return policy::ColumnClass::Medium;
  if (s == "HIGH") return policy::ColumnClass::High;
  if (s == "VERY_HIGH") return policy::ColumnClass::VeryHigh;
  EXPECT_EQ(s, "NONE");
  return policy::ColumnClass::None;
}

policy::QueryContext context_of(const Case& c) {
  policy::QueryContext ctx;
  ctx.runner_account_id = c.runner.empty() ? c.setup.value("runner", "") : c.runner;
  ctx.analysis_template_arn = c.template_arn;
  ctx.amc_threshold = c.amc_threshold.value_or(c.setup.value("amcThreshold", 100));
  for (const auto& t : c.setup.value("tables", json::array())) {
    policy::QueryTable q;
    q.name = t["name"];
    q.columns = t["columns"].get<std::vector<std::string>>();
    q.owner_account_id = t.value("owner", "");
    if (t.contains("analysisRuleType")) {
      auto rule = policy::parse_analysis_rule(t["analysisRuleType"].get<std::string>(),
                                              t["analysisRulePolicy"], q.columns);
      EXPECT_TRUE(rule.ok()) << q.name << ": " << (rule.ok() ? "" : rule.error().message);
      if (rule.ok()) q.rule = *rule;
    }
    const json types = t.value("types", json::object());
    for (const auto& [col, type] : types.items()) q.column_types[col] = type.get<std::string>();
    q.identity_columns = t.value("identityColumns", std::vector<std::string>{});
    if (t.contains("idMapping"))
      q.id_mapping = policy::QueryTable::IdMappingSides{t["idMapping"]["sourceOwner"],
                                                        t["idMapping"]["targetOwner"]};
    if (t.contains("amc")) {
      policy::AmcPrivacy amc;
      amc.user_id_column = t["amc"]["userIdColumn"];
      for (const auto& [col, cls] : t["amc"]["columnClasses"].items())
        amc.column_classes[col] = column_class(cls.get<std::string>());
      q.amc = amc;
    }
    ctx.tables.push_back(std::move(q));
  }
  const json& f = c.filtered_rows;
  if (f.is_object()) {
    ctx.filtered_rows_discriminator = f.value("discriminator", "");
    ctx.filtered_rows.user_count_column = f.value("userCount", "");
    ctx.filtered_rows.reason_column = f.value("reason", "");
    auto behavior = policy::privacy_filtering_behavior(f.value("behavior", "REMOVE_ROWS"));
    EXPECT_TRUE(behavior.has_value()) << f.dump();
    if (behavior) ctx.filtered_rows.behavior = *behavior;
  }
  return ctx;
}

// A fresh database holding the case's data.
std::unique_ptr<engine::Engine> database_of(const Case& c) {
  engine::EngineOptions options;
  options.threads = 1;
  auto engine = engine::Engine::open(options);
  EXPECT_TRUE(engine.ok());
  if (!engine.ok()) return nullptr;
  auto& con = (*engine)->connection();
  for (const auto& stmt : c.data) {
    auto s = con.run(stmt);
    EXPECT_TRUE(s.ok()) << stmt << ": " << (s.ok() ? "" : s.error().message);
  }
  return std::move(*engine);
}

// Each table's column types, as its data created them.
void add_types(engine::Connection& con, policy::QueryContext& ctx) {
  for (auto& t : ctx.tables) {
    auto r = con.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = '" +
        t.name + "'");
    if (!r.ok()) continue;
    auto rows = r->rows();
    if (!rows.ok()) continue;
    for (const auto& row : *rows)
      t.column_types[std::get<std::string>(row[0])] = std::get<std::string>(row[1]);
  }
}

std::vector<std::string> sorted_rows(engine::Connection& con, const std::string& sql) {
  std::vector<std::string> out;
  auto r = con.query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return out;
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (rows.ok())
    for (const auto& row : *rows) out.push_back(row_text(row));
  std::sort(out.begin(), out.end());
  return out;
}

size_t row_count(engine::Connection& con, const std::string& sql) {
  auto r = con.query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return 0;
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  return rows.ok() ? rows->size() : 0;
}

class QueryPolicyCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(QueryPolicyCorpus, HasItsVerdict) {
  Case c = load_case(GetParam());
  SCOPED_TRACE(c.about);
  SCOPED_TRACE(c.sql);
  auto ctx = context_of(c);
  auto db = c.data.empty() ? nullptr : database_of(c);
  if (db) add_types(db->connection(), ctx);
  auto checked = policy::check_query(c.sql, ctx);
  if (c.expect == "allowed") {
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    if (c.thresholded) {
      EXPECT_EQ(checked->thresholded, *c.thresholded) << checked->sql;
    }
    if (db) {
      auto& con = db->connection();
      for (const auto& m : checked->macros) ASSERT_TRUE(con.run(m).ok()) << m;
      // Inside a statement of its own, as the engine runs it (protected_run.cpp).
      size_t kept = row_count(con, "SELECT * FROM (" + checked->sql + ") AS q");
      if (c.rows) {
        EXPECT_EQ(row_count(con, checked->naming_sql), *c.rows) << checked->naming_sql;
      }
      if (c.kept_rows) {
        EXPECT_EQ(kept, *c.kept_rows) << checked->sql;
      }
      if (c.kept) {
        auto expected = *c.kept;
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(sorted_rows(con, "SELECT * FROM (" + checked->sql + ") AS q"), expected)
            << checked->sql;
      }
    }
    return;
  }
  const std::string prefix = "rejected: ";
  ASSERT_EQ(c.expect.rfind(prefix, 0), 0u) << "expect must be 'allowed' or 'rejected: ...'";
  ASSERT_FALSE(checked.ok()) << "allowed as: " << checked->sql;
  EXPECT_EQ(checked.error().kind, ErrorKind::Validation);
  EXPECT_EQ(checked.error().cause, Cause::InvalidQuery);
  EXPECT_NE(checked.error().message.find(c.expect.substr(prefix.size())), std::string::npos)
      << checked.error().message;
  // A refusal names the rule, never a value: no literal of the query is echoed (DuckDB's own
  // syntax errors quote the query, which is the caller's own text).
  if (checked.error().message.rfind("the query is not valid SQL", 0) != 0) {
    static const std::regex literal("'([^']{3,})'");
    for (std::sregex_iterator it(c.sql.begin(), c.sql.end(), literal), end; it != end; ++it)
      EXPECT_EQ(checked.error().message.find((*it)[1].str()), std::string::npos)
          << "the message echoes " << (*it)[1].str() << ": " << checked.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(QueryPolicy, QueryPolicyCorpus, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

policy::QueryContext aggregation_setup() {
  Case c;
  c.setup = json::parse(read_file(corpus_dir() / "aggregation.json"));
  return context_of(c);
}

// Too big to keep as a file: a deep expression is refused, not walked until the stack runs out.
TEST(QueryPolicy, DeepExpressionIsRefused) {
  std::string e = "spend";
  for (int i = 0; i < 400; ++i) e = "(" + e + " + 1)";
  auto r = policy::check_query(
      "SELECT segment, SUM(spend) FROM customers WHERE " + e + " > 0 GROUP BY segment",
      aggregation_setup());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().cause, Cause::InvalidQuery);
}

// Issue 12 attack 1: equated join columns are not merged into one count. Each protected table's
// condition counts its own column, so the analyst's side of an equality never stands in for the
// owner's people; and the conditions sit in HAVING, before ORDER BY and LIMIT.
TEST(QueryPolicy, ThresholdsCountEachProtectedTablesOwnColumnInHaving) {
  auto r = policy::check_query(
      "SELECT c.segment, SUM(p.amount) AS revenue, COUNT(DISTINCT p.hashed_email) AS buyers "
      "FROM customers c INNER JOIN purchases p ON c.hashed_email = p.hashed_email "
      "GROUP BY c.segment ORDER BY revenue LIMIT 3",
      aggregation_setup());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->thresholded);
  EXPECT_NE(r->sql.find("HAVING ((count(DISTINCT c.hashed_email) >= 3) AND "
                        "(count(DISTINCT p.hashed_email) >= 2))"),
            std::string::npos)
      << r->sql;
  EXPECT_LT(r->sql.find("HAVING"), r->sql.find("ORDER BY")) << r->sql;
}

// Comparisons that cannot raise stay bare, so that joins stay hash joins and filters reach the
// scan: two columns of one type, a CAST's value and a column of its type, a column and a literal
// of its type. A text column against a number is cast row by row and gets TRY.
TEST(QueryPolicy, ComparisonsThatCannotRaiseStayBare) {
  auto ctx = aggregation_setup();
  for (auto& t : ctx.tables) {
    t.column_types["hashed_email"] = "VARCHAR";
    t.column_types["segment"] = "VARCHAR";
    t.column_types["age"] = "BIGINT";
  }
  auto r = policy::check_query(
      "SELECT c.segment, SUM(p.amount) AS revenue FROM customers c INNER JOIN purchases p "
      "ON c.hashed_email = p.hashed_email WHERE c.segment = 'gold' GROUP BY c.segment",
      ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sql.find("TRY"), std::string::npos) << r->sql;
  auto text_vs_number = policy::check_query(
      "SELECT c.segment, SUM(c.spend) AS s FROM customers c WHERE c.segment = 5 GROUP BY c.segment",
      ctx);
  ASSERT_TRUE(text_vs_number.ok()) << text_vs_number.error().message;
  EXPECT_NE(text_vs_number->sql.find("TRY((c.segment = 5))"), std::string::npos)
      << text_vs_number->sql;
}

// A join key computed in a WITH as text, met by a text column, is known to be text: the join
// condition stays bare (a hash join), while the computation itself is wrapped in TRY.
TEST(QueryPolicy, AComputedTextKeyStillJoinsBare) {
  Case c;
  c.setup = json::parse(read_file(corpus_dir() / "custom.json"));
  auto ctx = context_of(c);
  for (auto& t : ctx.tables) t.column_types["hashed_email"] = "VARCHAR";
  auto r = policy::check_query(
      "WITH k AS (SELECT lower(hashed_email) AS e, campaign FROM impressions) "
      "SELECT k.campaign, SUM(o.value) AS v FROM k JOIN orders o ON k.e = o.hashed_email "
      "GROUP BY k.campaign",
      ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(r->sql.find("ON ((k.e = o.hashed_email))"), std::string::npos) << r->sql;
  EXPECT_NE(r->sql.find("TRY(lower(hashed_email))"), std::string::npos) << r->sql;
}

// Each thread parses on its own DuckDB database.
TEST(QueryPolicy, ChecksFromSeveralThreads) {
  auto ctx = aggregation_setup();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r =
            policy::check_query("SELECT segment, SUM(spend) FROM customers GROUP BY segment", ctx);
        if (r.ok() && r->thresholded) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
}

}  // namespace
}  // namespace cleanroom
