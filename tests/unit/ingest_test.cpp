#include "data/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace cleanroom::data {
namespace {
namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("cleanroom-ingest-" + crypto::uuid4());
  fs::path target = dir / "datasets" / "111122223333" / "db" / "t";

  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  }

  IngestRequest request(const std::string& path, FileFormat format) {
    IngestRequest r;
    r.source_path = path;
    r.format = format;
    r.target_dir = target.string();
    return r;
  }

  // Ingests and publishes as version `version`, returning the published path.
  std::string ingest_as(const IngestRequest& r, int version, IngestResult* result = nullptr) {
    auto out = ingest(r);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (!out.ok()) return "";
    std::string path = (target / (std::to_string(version) + ".parquet")).string();
    EXPECT_TRUE(out->file.publish(path).ok());
    if (result) *result = std::move(*out);
    return path;
  }

  // The dataset file's rows, every cell as text, ordered by the first column.
  std::vector<std::vector<std::string>> read(const std::string& parquet) {
    auto e = std::move(engine::Engine::open({})).value();
    auto r = e->connection().query("SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" +
                                   engine::sql_literal(parquet) + ") ORDER BY 1");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::vector<std::vector<std::string>> out;
    if (!r.ok()) return out;
    auto rows = r->rows();
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return out;
    for (const auto& row : *rows) {
      std::vector<std::string> cells;
      for (const auto& v : row)
        cells.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "NULL");
      out.push_back(cells);
    }
    return out;
  }

  // Every file in the table's folder, staged or published.
  std::vector<std::string> files() {
    std::vector<std::string> out;
    if (fs::exists(target))
      for (const auto& f : fs::directory_iterator(target))
        out.push_back(f.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  Error failure(const IngestRequest& r) {
    auto out = ingest(r);
    EXPECT_FALSE(out.ok());
    return out.ok() ? Error() : out.error();
  }
};

TEST_F(IngestTest, CsvWithInferredSchema) {
  auto r = request(write("in.csv", "id,name,amount,day\n1,ann,2.5,2024-01-02\n2,bob,,2024-01-03\n"),
                   FileFormat::Csv);
  IngestResult res{{}, 0, 0, StagedFile("")};
  std::string path = ingest_as(r, 1, &res);
  EXPECT_EQ(res.rows, 2);
  EXPECT_GT(res.bytes, 0);
  ASSERT_EQ(res.columns.size(), 4u);
  EXPECT_EQ(res.columns[0].name, "id");
  EXPECT_EQ(res.columns[0].type, "BIGINT");
  EXPECT_EQ(res.columns[1].type, "VARCHAR");
  EXPECT_EQ(res.columns[2].type, "DOUBLE");
  EXPECT_EQ(res.columns[3].type, "DATE");
  auto rows = read(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "bob", "NULL", "2024-01-03"}));
  EXPECT_EQ(files(), std::vector<std::string>{"1.parquet"});
}

TEST_F(IngestTest, CsvWithDeclaredSchemaInAnyOrder) {
  auto r = request(write("in.csv", "\xEF\xBB\xBF\"id\",\"full, name\"\r\n7,\"Doe, \"\"J\"\"\"\r\n"),
                   FileFormat::Csv);
  r.columns = {{"full, name", "varchar"}, {"id", "INT"}};
  IngestResult res{{}, 0, 0, StagedFile("")};
  std::string path = ingest_as(r, 1, &res);
  ASSERT_EQ(res.columns.size(), 2u);
  EXPECT_EQ(res.columns[0].type, "INTEGER");
  EXPECT_EQ(read(path)[0], (std::vector<std::string>{"7", "Doe, \"J\""}));
}

TEST_F(IngestTest, DeclaredSchemaViolationNamesTheLineAndStoresNothing) {
  auto r = request(
      write("in.csv", "email,age\na@example.com,30\nb@example.com,thirty\nc@example.com,5\n"),
      FileFormat::Csv);
  r.columns = {{"email", "VARCHAR"}, {"age", "BIGINT"}};
  r.pii = {{"email", PiiType::Email}};
  Error e = failure(r);
  EXPECT_EQ(e.kind, ErrorKind::Validation);
  EXPECT_EQ(e.message.rfind("line 3: ", 0), 0u) << e.message;
  EXPECT_NE(e.message.find("age"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("b@example.com"), std::string::npos)
      << "the raw line must not be echoed";
  EXPECT_TRUE(files().empty());
}

TEST_F(IngestTest, RaggedRowsFailWithTheirLine) {
  std::string text = "a,b\n1,2\n3,4\n5,6,7\n8,9\n";
  auto inferred = request(write("ragged.csv", text), FileFormat::Csv);
  Error e = failure(inferred);
  EXPECT_EQ(e.message.rfind("line 4: ", 0), 0u) << e.message;
  auto declared = inferred;
  declared.columns = {{"a", "BIGINT"}, {"b", "BIGINT"}};
  e = failure(declared);
  EXPECT_EQ(e.message.rfind("line 4: ", 0), 0u) << e.message;
  EXPECT_TRUE(files().empty());
}

TEST_F(IngestTest, DeclaredColumnsMustMatchTheFile) {
  auto r = request(write("in.csv", "a,b\n1,2\n"), FileFormat::Csv);
  r.columns = {{"a", "BIGINT"}, {"c", "BIGINT"}};
  EXPECT_NE(failure(r).message.find("column c is declared but not in the file"), std::string::npos);
  r.columns = {{"a", "BIGINT"}};
  EXPECT_NE(failure(r).message.find("the file has column b"), std::string::npos);
  r.columns = {{"a", "BIGINT); DROP TABLE x; --"}, {"b", "BIGINT"}};
  EXPECT_NE(failure(r).message.find("is not a type"), std::string::npos);
  r.columns = {{"a", "NOTATYPE"}, {"b", "BIGINT"}};
  EXPECT_NE(failure(r).message.find("is not a type"), std::string::npos);
  r.columns = {};
  r.pii = {{"email", PiiType::Email}};
  EXPECT_NE(failure(r).message.find("identity column email is not a column"), std::string::npos);
}

TEST_F(IngestTest, JsonLines) {
  auto r =
      request(write("in.jsonl",
                    "{\"id\": 1, \"email\": \"Ann@Example.com\"}\n{\"id\": 2, \"email\": null}\n"),
              FileFormat::JsonLines);
  r.pii = {{"email", PiiType::Email}};
  auto rows = read(ingest_as(r, 1));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", crypto::sha256_hex("ann@example.com")}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "NULL"}));
}

TEST_F(IngestTest, JsonLinesDeclaredViolationNamesTheLine) {
  auto r = request(write("in.jsonl", "{\"id\": 1}\n{\"id\": \"two\"}\n"), FileFormat::JsonLines);
  r.columns = {{"id", "BIGINT"}};
  Error e = failure(r);
  EXPECT_EQ(e.message.rfind("line 2: ", 0), 0u) << e.message;
  EXPECT_TRUE(files().empty());
}

TEST_F(IngestTest, ParquetInferredAndDeclared) {
  std::string source = (dir / "in.parquet").string();
  {
    auto e = std::move(engine::Engine::open({})).value();
    ASSERT_TRUE(e->connection()
                    .run("COPY (SELECT i AS id, CASE WHEN i = 3 THEN 'x' ELSE i::VARCHAR END AS n, "
                         "'+1 206 555 010' || i AS phone FROM range(5) t(i)) TO " +
                         engine::sql_literal(source) + " (FORMAT parquet)")
                    .ok());
  }
  auto r = request(source, FileFormat::Parquet);
  r.pii = {{"phone", PiiType::Phone}};
  auto rows = read(ingest_as(r, 1));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4], (std::vector<std::string>{"4", "4", crypto::sha256_hex("12065550104")}));

  r.columns = {{"id", "BIGINT"}, {"n", "INTEGER"}, {"phone", "VARCHAR"}};
  Error e = failure(r);
  EXPECT_EQ(e.message, "row 4: column n does not fit INTEGER");
  EXPECT_EQ(files(), std::vector<std::string>{"1.parquet"});
}

TEST_F(IngestTest, IdentityColumnsAreHashedAndRawValuesNeverStored) {
  auto r = request(write("in.csv",
                         "email,phone,zip,note\n"
                         "Alice.Smith+news@Example.com,+1 (206) 555-0100,02134,keep me\n"
                         "bob@example.org,+44 20 7946 0958,98101-1234,also kept\n"),
                   FileFormat::Csv);
  r.pii = {{"email", PiiType::Email}, {"phone", PiiType::Phone}, {"zip", PiiType::PostalCode}};
  IngestResult res{{}, 0, 0, StagedFile("")};
  std::string path = ingest_as(r, 1, &res);
  EXPECT_EQ(res.columns[0].pii, "email");
  EXPECT_EQ(res.columns[2].type, "VARCHAR");  // read as text: the leading 0 of 02134 survives
  EXPECT_EQ(res.columns[3].pii, "");
  auto rows = read(path);
  ASSERT_EQ(rows.size(), 2u);
  auto alice = rows[0][3] == "keep me" ? rows[0] : rows[1];
  EXPECT_EQ(alice[0], crypto::sha256_hex("alice.smithnews@example.com"));
  EXPECT_EQ(alice[1], crypto::sha256_hex("12065550100"));
  EXPECT_EQ(alice[2], crypto::sha256_hex("02134"));
  EXPECT_EQ(alice[3], "keep me");

  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  for (const char* raw :
       {"Alice", "Example.com", "example.org", "bob@", "(206) 555", "7946 0958", "98101-1234"})
    EXPECT_EQ(bytes.str().find(raw), std::string::npos) << raw << " reached the dataset file";
}

TEST_F(IngestTest, AFailedUploadLeavesThePreviousVersionAndNoPartialFile) {
  auto good = request(write("v1.csv", "id,email\n1,a@example.com\n"), FileFormat::Csv);
  good.pii = {{"email", PiiType::Email}};
  std::string v1 = ingest_as(good, 1);

  auto bad = request(write("v2.csv", "id,email\n2,b@example.com\nnot-a-number,c@example.com\n"),
                     FileFormat::Csv);
  bad.columns = {{"id", "BIGINT"}, {"email", "VARCHAR"}};
  bad.pii = good.pii;
  failure(bad);
  EXPECT_EQ(files(), std::vector<std::string>{"1.parquet"});
  EXPECT_EQ(read(v1).size(), 1u);

  // A staged file that is never published disappears with its owner.
  {
    auto staged = ingest(good);
    ASSERT_TRUE(staged.ok());
    EXPECT_EQ(files().size(), 2u);
  }
  EXPECT_EQ(files(), std::vector<std::string>{"1.parquet"});
}

TEST_F(IngestTest, AbandonedStagingFromDeadProcessesIsRemoved) {
  fs::create_directories(target);
  // pid 2^22+1 is above Linux's pid_max default ceiling, so no process has it.
  std::ofstream(target / ".staging-4194305-x.parquet") << "partial";
  std::ofstream(target / (".staging-" + std::to_string(::getpid()) + "-y.parquet"))
      << "ours, still running";
  std::ofstream(target / "1.parquet") << "published";
  ASSERT_TRUE(remove_abandoned_staging((dir / "datasets").string()).ok());
  EXPECT_EQ(files(), (std::vector<std::string>{
                         ".staging-" + std::to_string(::getpid()) + "-y.parquet", "1.parquet"}));
}

TEST_F(IngestTest, ReportsProgressAndCanBeCancelled) {
  std::string source = (dir / "big.csv").string();
  {
    auto e = std::move(engine::Engine::open({})).value();
    ASSERT_TRUE(e->connection()
                    .run("COPY (SELECT i AS id, 'user' || i || '@example.com' AS email FROM "
                         "range(3000000) t(i)) TO " +
                         engine::sql_literal(source) + " (HEADER)")
                    .ok());
  }
  auto r = request(source, FileFormat::Csv);
  r.pii = {{"email", PiiType::Email}};
  std::vector<IngestProgress> seen;
  r.progress = [&](const IngestProgress& p) {
    seen.push_back(p);
    return true;
  };
  IngestResult res{{}, 0, 0, StagedFile("")};
  ingest_as(r, 1, &res);
  EXPECT_EQ(res.rows, 3000000);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().fraction, 1.0);
  EXPECT_EQ(seen.back().bytes_done, fs::file_size(source));

  r.progress = [](const IngestProgress&) { return false; };
  Error e = failure(r);
  EXPECT_EQ(e.kind, ErrorKind::Cancelled);
  EXPECT_EQ(files(), std::vector<std::string>{"1.parquet"});
}

TEST_F(IngestTest, RejectsAMissingFileAndAnUnknownCountry) {
  auto r = request((dir / "nope.csv").string(), FileFormat::Csv);
  EXPECT_EQ(failure(r).kind, ErrorKind::Validation);
  r = request(write("in.csv", "a\n1\n"), FileFormat::Csv);
  r.country = "ZZ";
  EXPECT_EQ(failure(r).field, "country");
}

TEST(CsvHeader, ReadsQuotedNames) {
  auto path = fs::temp_directory_path() / ("cleanroom-header-" + crypto::uuid4() + ".csv");
  std::ofstream(path) << "plain,\"with,comma\",\"with \"\"quote\"\"\"\nx,y,z\n";
  auto names = read_csv_header(path.string());
  fs::remove(path);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"plain", "with,comma", "with \"quote\""}));
}

}  // namespace
}  // namespace cleanroom::data
