// The engine's sandbox for protected queries, called directly as if the checker were bypassed:
// it must still refuse every file but the query's datasets and result, and hide the columns a
// table's view does not expose.
#include "engine/protected_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;

struct ProtectedRun : ::testing::Test {
  std::string dir, parquet, output;
  void SetUp() override {
    dir = (fs::temp_directory_path() / ("cleanroom-run-" + crypto::uuid4())).string();
    fs::create_directories(dir);
    parquet = dir + "/people.parquet";
    output = dir + "/result.csv";
    auto e = engine::Engine::open({}).value();
    ASSERT_TRUE(e->connection()
                    .run("COPY (SELECT * FROM (VALUES ('a@x', 'gold', 1), ('b@x', 'gold', 2), "
                         "('c@x', 'silver', 3)) t(email, segment, n)) TO '" +
                         parquet + "' (FORMAT parquet)")
                    .ok());
  }
  void TearDown() override { fs::remove_all(dir); }

  Result<engine::RunOutcome> run(const std::string& sql, const std::string& naming = "") {
    engine::ProtectedRun r{
        sql, naming, {{"people", {"segment", "n"}, parquet}}, output, engine::ResultFormat::Csv,
        1,   "512MB"};
    engine::RunControl control;
    return engine::run_protected(r, control);
  }
  std::string result() {
    std::ifstream in(output);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

// The checker wraps expressions in TRY, which DuckDB would show in unaliased column names; the
// naming query (the same SQL without TRY) names the columns as the analyst wrote them.
TEST_F(ProtectedRun, WritesTheAnswerUnderTheNamingQuerysColumnNames) {
  auto r =
      run("SELECT segment, TRY(sum(n) * 2) FROM people GROUP BY segment "
          "HAVING count(*) >= 2 ORDER BY segment",
          "SELECT segment, sum(n) * 2 FROM people GROUP BY segment ORDER BY segment");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rows_written, 1);
  EXPECT_EQ(result(), "segment,(sum(n) * 2)\ngold,6\n");
}

TEST_F(ProtectedRun, RefusesFilesOutsideTheSandbox) {
  for (const std::string sql :
       {"SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM glob('/etc/*')", "SELECT content FROM read_text('/etc/hostname')"}) {
    auto r = run(sql);
    EXPECT_FALSE(r.ok()) << sql;
  }
  EXPECT_FALSE(fs::exists(output) && result().find("root") != std::string::npos);
}

TEST_F(ProtectedRun, TheViewExposesOnlyAllowedColumns) {
  auto r = run("SELECT email FROM people");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("email"), std::string::npos) << r.error().message;
}

TEST_F(ProtectedRun, TheConfigurationCannotBeUnlocked) {
  auto r =
      run("SELECT current_setting('enable_external_access')::VARCHAR AS v FROM people LIMIT 1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(result(), "v\nfalse\n");
}

TEST_F(ProtectedRun, AStopBeforeTheRunEndsItWithoutAResult) {
  engine::ProtectedRun r{"SELECT segment FROM people",
                         "",
                         {{"people", {"segment"}, parquet}},
                         output,
                         engine::ResultFormat::Csv,
                         1,
                         "512MB"};
  engine::RunControl control;
  control.stop(engine::RunControl::Stop::Cancelled);
  EXPECT_FALSE(engine::run_protected(r, control).ok());
  EXPECT_EQ(control.stopped(), engine::RunControl::Stop::Cancelled);
  EXPECT_FALSE(fs::exists(output));
}

// The sandbox's spill limit is the run's: a sort bigger than the memory limit fails once the spill
// folder holds spill_limit (and the folder is removed when the run ends), and finishes with room.
TEST_F(ProtectedRun, ASortFailsAtItsSpillLimitAndFinishesWithRoom) {
  engine::ProtectedRun r{
      "SELECT count(*) AS n FROM (SELECT p.segment || i::VARCHAR || repeat('x', 24) AS s "
      "FROM people p, range(1400000) t(i) ORDER BY s OFFSET 1)",
      "",
      {{"people", {"segment"}, parquet}},
      output,
      engine::ResultFormat::Csv,
      2,
      "64MB"};
  r.spill_root = dir + "/tmp";
  r.spill_limit = "1MB";
  engine::RunControl control;
  auto failed = engine::run_protected(r, control);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::QuotaExceeded) << failed.error().message;
  EXPECT_TRUE(fs::is_empty(r.spill_root));
  fs::remove(output);  // as the service does after every run

  r.spill_limit = "1GB";
  auto sorted = engine::run_protected(r, control);
  ASSERT_TRUE(sorted.ok()) << sorted.error().message;
  EXPECT_EQ(result(), "n\n4199999\n");
  fs::remove(output);

  r.spill_limit = "1MB";
  r.sql = "SELECT current_setting('max_temp_directory_size') AS v FROM people LIMIT 1";
  auto shown = engine::run_protected(r, control);
  ASSERT_TRUE(shown.ok()) << shown.error().message;
  EXPECT_EQ(result(), "v\n976.5 KiB\n");
}

}  // namespace
}  // namespace cleanroom
