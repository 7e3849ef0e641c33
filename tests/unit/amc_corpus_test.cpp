// AMC queries as users write them (docs/amc-sql.md, "The corpus"): each
// tests/unit/amc_corpus/*.sql is one query over the generated platform tables, with its verdict
// in its leading `-- key: value` comment lines. The tables are generated once for the suite
// (data::generate at a small scale), every one of them in the collaboration under AMC's privacy
// (core::amc_privacy_of) and a CUSTOM ANY_QUERY rule, as an AMC instance sees them.
//
//   -- about: what a user asks
//   -- expect: allowed | rejected: <part of the message>
//   -- expect-rows: >0 | N                (rows delivered: the checked, thresholded query)
//   -- expect-filtered-rows: >0 | N       (rows the thresholds removed: naming_sql's minus those)
//   -- thresholds-inside: yes             (an aggregating WITH is thresholded: its removed rows
//                                          change the final rows, e.g. NULLs after a LEFT JOIN)
//   SELECT ...
//
// Every allowed query is also run as its naming_sql (the query without its output thresholds):
// each delivered row must be one of its rows, since thresholds only remove rows (unless
// thresholds-inside says that rows removed inside a WITH change the rows built from it).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "common/crypto.h"
#include "core/amc_privacy.h"
#include "corpus_files.h"
#include "data/generator.h"
#include "engine/engine.h"
#include "policy/amc_dialect.h"
#include "policy/query_check.h"

namespace cleanroom {
namespace {

using nlohmann::json;
using testing::row_text;
namespace fs = std::filesystem;

// Small enough to generate and load in a few seconds; the threshold is scaled with it so that
// the larger campaigns pass it and the "Local Pilot" ones (4 to 16 users at every scale) do not.
constexpr double kScale = 0.3;
constexpr int64_t kThreshold = 20;

fs::path corpus_dir() { return fs::path(CLEANROOM_SOURCE_DIR) / "tests/unit/amc_corpus"; }

std::vector<std::string> case_names() {
  return testing::corpus_cases("tests/unit/amc_corpus", ".sql");
}
using testing::read_file;

// A row count expectation: ">0" or an exact number.
struct RowCount {
  bool at_least_one = false;
  size_t exactly = 0;
  bool matches(size_t n) const { return at_least_one ? n > 0 : n == exactly; }
  std::string text() const { return at_least_one ? ">0" : std::to_string(exactly); }
};

std::optional<RowCount> parse_count(const std::string& v) {
  static const std::regex number(R"(\d+)");
  if (v == ">0") return RowCount{true, 0};
  if (std::regex_match(v, number)) return RowCount{false, std::stoul(v)};
  return std::nullopt;
}

struct Case {
  std::string about;
  std::string expect;
  std::optional<RowCount> rows;
  std::optional<RowCount> filtered;
  bool thresholds_inside = false;
  std::string sql;
  std::vector<std::string> malformed;  // what is wrong with the file; empty when nothing
};

Case load_case(const std::string& name) {
  Case c;
  c.sql = testing::read_case(
      corpus_dir() / (name + ".sql"), [&](const std::string& key, const std::string& value) {
        if (key == "about") {
          c.about = value;
        } else if (key == "expect") {
          c.expect = value;
        } else if (key == "expect-rows" || key == "expect-filtered-rows") {
          auto n = parse_count(value);
          if (!n) c.malformed.push_back(key + " must be >0 or a number, not " + value);
          (key == "expect-rows" ? c.rows : c.filtered) = n;
        } else if (key == "thresholds-inside" && (value == "yes" || value == "no")) {
          c.thresholds_inside = value == "yes";
        } else {
          c.malformed.push_back("unknown header key or value: " + key);
        }
      });
  if (c.about.empty()) c.malformed.push_back("no -- about: line");
  if (c.expect != "allowed" && c.expect.rfind("rejected: ", 0) != 0)
    c.malformed.push_back("-- expect: must be 'allowed' or 'rejected: <part of the message>'");
  if (c.expect != "allowed" && (c.rows || c.filtered))
    c.malformed.push_back("a rejected query has no rows to expect");
  if (c.sql.find_first_not_of(" \n\t") == std::string::npos) c.malformed.push_back("no SQL");
  return c;
}

// The generated platform tables, loaded once for the suite.
struct Platform {
  fs::path dir;
  std::unique_ptr<engine::Engine> db;
  policy::QueryContext ctx;
  std::string error;  // why the setup failed; empty when it did not
};

Platform* platform = nullptr;

void load_platform(Platform& p) {
  p.dir = fs::temp_directory_path() / ("cleanroom-amc-corpus-" + crypto::uuid4());
  data::GeneratorOptions o;
  o.scale = kScale;
  o.seed = 1;
  o.out_dir = p.dir.string();
  auto files = data::generate(o);
  if (!files.ok()) {
    p.error = "generate: " + files.error().message;
    return;
  }
  engine::EngineOptions options;
  // One thread: a sum of doubles then adds in one order, so the query with and without its
  // thresholds give the same digits for the same row.
  options.threads = 1;
  auto e = engine::Engine::open(options);
  if (!e.ok()) {
    p.error = "open: " + e.error().message;
    return;
  }
  p.db = std::move(*e);
  auto& con = p.db->connection();
  for (const auto& macro : policy::amc_dialect_macros()) {
    auto s = con.run(macro);
    if (!s.ok()) {
      p.error = macro + ": " + s.error().message;
      return;
    }
  }
  p.ctx.runner_account_id = "111111111111";
  p.ctx.amc_threshold = kThreshold;
  const json custom = {
      {"v1",
       {{"custom",
         {{"allowedAnalyses", {"ANY_QUERY"}}, {"allowedAnalysisProviders", {"111111111111"}}}}}}};
  for (const auto& f : *files) {
    // The tables queries read: every platform table but the identities, which matching reads.
    if (f.database != "platform" || f.table == "identities") continue;
    std::string read = "read_csv(" + engine::sql_literal(f.path) + ", header = true";
    if (!f.columns.empty()) {
      read += ", auto_detect = false, columns = {";
      for (size_t i = 0; i < f.columns.size(); i++)
        read += (i ? ", " : "") + engine::sql_literal(f.columns[i].name) + ": " +
                engine::sql_literal(f.columns[i].type);
      read += "}";
    }
    auto s = con.run("CREATE TABLE " + f.table + " AS SELECT * FROM " + read + ")");
    if (!s.ok()) {
      p.error = f.table + ": " + s.error().message;
      return;
    }
    policy::QueryTable t;
    t.name = f.table;
    t.owner_account_id = "222222222222";
    auto r = con.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = " +
        engine::sql_literal(f.table) + " ORDER BY ordinal_position");
    if (!r.ok()) {
      p.error = r.error().message;
      return;
    }
    auto rows = r->rows();
    if (!rows.ok()) {
      p.error = rows.error().message;
      return;
    }
    for (const auto& row : *rows) {
      t.columns.push_back(std::get<std::string>(row[0]));
      t.column_types[std::get<std::string>(row[0])] = std::get<std::string>(row[1]);
    }
    auto rule = policy::parse_analysis_rule("CUSTOM", custom, t.columns);
    if (!rule.ok()) {
      p.error = f.table + " rule: " + rule.error().message;
      return;
    }
    t.rule = *rule;
    t.amc = core::amc_privacy_of(t.name, t.columns);
    p.ctx.tables.push_back(std::move(t));
  }
}

class AmcCorpus : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    auto start = std::chrono::steady_clock::now();
    platform = new Platform;
    load_platform(*platform);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << "[ AmcCorpus ] platform tables at scale " << kScale << " in " << took.count()
              << " s\n";
  }
  static void TearDownTestSuite() {
    if (!platform) return;
    platform->db.reset();
    std::error_code ec;
    fs::remove_all(platform->dir, ec);
    delete platform;
    platform = nullptr;
  }
};

// The rows an SQL text answers, as text, sorted; nullopt when it fails.
std::optional<std::vector<std::string>> rows_of(engine::Connection& con, const std::string& sql) {
  // Inside a statement of its own, as the engine runs it (protected_run.cpp); every cell as text,
  // which compares exactly whatever its type (DECIMAL, HUGEINT, DATE, STRUCT).
  auto r = con.query("SELECT COLUMNS(*)::VARCHAR FROM (" + sql + ") AS q");
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return std::nullopt;
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (!rows.ok()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& row : *rows) out.push_back(row_text(row));
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(AmcCorpus, HasItsVerdict) {
  ASSERT_NE(platform, nullptr);
  ASSERT_EQ(platform->error, "") << "the platform tables could not be set up";
  Case c = load_case(GetParam());
  for (const auto& m : c.malformed) ADD_FAILURE() << GetParam() << ".sql is malformed: " << m;
  ASSERT_TRUE(c.malformed.empty());
  SCOPED_TRACE(c.about);
  SCOPED_TRACE(c.sql);
  auto checked = policy::check_query(c.sql, platform->ctx);
  if (c.expect == "allowed") {
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    auto& con = platform->db->connection();
    auto delivered = rows_of(con, checked->sql);
    auto all = rows_of(con, checked->naming_sql);
    ASSERT_TRUE(delivered && all);
    if (c.rows) {
      EXPECT_TRUE(c.rows->matches(delivered->size()))
          << "expected " << c.rows->text() << " rows, got " << delivered->size() << " ("
          << all->size() << " without thresholds)\n"
          << checked->sql;
    }
    if (c.filtered) {
      size_t removed = all->size() >= delivered->size() ? all->size() - delivered->size() : 0;
      EXPECT_TRUE(c.filtered->matches(removed))
          << "expected " << c.filtered->text() << " rows filtered, got " << removed << " ("
          << all->size() << " without thresholds)\n"
          << checked->naming_sql;
    }
    // Thresholds remove rows, never invent or change them.
    if (c.thresholds_inside) return;
    std::vector<std::string> invented;
    std::set_difference(delivered->begin(), delivered->end(), all->begin(), all->end(),
                        std::back_inserter(invented));
    EXPECT_TRUE(invented.empty()) << invented.size() << " delivered rows are not rows of the "
                                  << "query without thresholds, e.g. " << invented.front() << "\n"
                                  << checked->sql << "\n"
                                  << checked->naming_sql;
    return;
  }
  ASSERT_FALSE(checked.ok()) << "allowed as: " << checked->sql;
  EXPECT_EQ(checked.error().kind, ErrorKind::Validation);
  EXPECT_EQ(checked.error().cause, Cause::InvalidQuery);
  const std::string part = c.expect.substr(std::string("rejected: ").size());
  EXPECT_NE(checked.error().message.find(part), std::string::npos) << checked.error().message;
}

INSTANTIATE_TEST_SUITE_P(AmcCorpus, AmcCorpus, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cleanroom
