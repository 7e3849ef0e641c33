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
//   -- expect-rows: N                  (rows the rewritten query answers)
//   -- expect-kept-rows: N             (of which the kept column is true)
//   SELECT ...
//
// A table of a setup: {"name", "owner", "columns", "analysisRuleType", "analysisRulePolicy"
// (ConfiguredTableAnalysisRulePolicy), "amc": {"userIdColumn", "columnClasses": {"col": "HIGH"}}}.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "engine/engine.h"
#include "policy/query_check.h"

namespace cleanroom {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(CLEANROOM_SOURCE_DIR) / "tests/unit/query_policy"; }

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".sql") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  std::string sql;
};

Case load_case(const std::string& name) {
  Case c;
  std::istringstream in(read_file(corpus_dir() / (name + ".sql")));
  static const std::regex header(R"(^--\s*([a-z-]+):\s?(.*)$)");
  std::string line;
  std::string sql;
  bool in_header = true;
  while (std::getline(in, line)) {
    std::smatch m;
    if (in_header && std::regex_match(line, m, header)) {
      std::string key = m[1], value = m[2];
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
      } else {
        ADD_FAILURE() << "unknown header key " << key;
      }
      continue;
    }
    in_header = false;
    sql += line + "\n";
  }
  c.sql = sql;
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
    if (t.contains("amc")) {
      policy::AmcPrivacy amc;
      amc.user_id_column = t["amc"]["userIdColumn"];
      for (const auto& [col, cls] : t["amc"]["columnClasses"].items())
        amc.column_classes[col] = column_class(cls.get<std::string>());
      q.amc = amc;
    }
    ctx.tables.push_back(std::move(q));
  }
  return ctx;
}

// Runs the data statements and then the checked SQL; answers (rows, kept rows).
std::pair<size_t, size_t> run_rewritten(const Case& c, const policy::CheckedQuery& q) {
  engine::EngineOptions options;
  options.threads = 1;
  auto engine = engine::Engine::open(options);
  EXPECT_TRUE(engine.ok());
  if (!engine.ok()) return {0, 0};
  auto& con = (*engine)->connection();
  for (const auto& stmt : c.data) {
    auto s = con.run(stmt);
    EXPECT_TRUE(s.ok()) << stmt << ": " << (s.ok() ? "" : s.error().message);
  }
  auto r = con.query(q.sql);
  EXPECT_TRUE(r.ok()) << q.sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {0, 0};
  size_t columns = r->column_count();
  if (q.thresholded) {
    EXPECT_GE(columns, 2u);
    EXPECT_EQ(r->column_name(columns - 1), policy::kKeptColumn);
  }
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (!rows.ok()) return {0, 0};
  size_t kept = 0;
  for (const auto& row : *rows) {
    if (!q.thresholded) {
      ++kept;
      continue;
    }
    const auto* b = std::get_if<bool>(&row.back());
    if (b && *b) ++kept;
  }
  return {rows->size(), kept};
}

class QueryPolicyCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(QueryPolicyCorpus, HasItsVerdict) {
  Case c = load_case(GetParam());
  SCOPED_TRACE(c.about);
  SCOPED_TRACE(c.sql);
  auto ctx = context_of(c);
  auto checked = policy::check_query(c.sql, ctx);
  if (c.expect == "allowed") {
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    if (c.thresholded) {
      EXPECT_EQ(checked->thresholded, *c.thresholded) << checked->sql;
    }
    if (!c.data.empty()) {
      auto [rows, kept] = run_rewritten(c, *checked);
      if (c.rows) {
        EXPECT_EQ(rows, *c.rows) << checked->sql;
      }
      if (c.kept_rows) {
        EXPECT_EQ(kept, *c.kept_rows) << checked->sql;
      }
    }
    return;
  }
  const std::string prefix = "rejected: ";
  ASSERT_EQ(c.expect.rfind(prefix, 0), 0u) << "expect must be 'allowed' or 'rejected: ...'";
  ASSERT_FALSE(checked.ok()) << "allowed as: " << checked->sql;
  EXPECT_EQ(checked.error().kind, ErrorKind::Validation);
  EXPECT_EQ(checked.error().reason, "INVALID_QUERY");
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
  EXPECT_EQ(r.error().reason, "INVALID_QUERY");
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
