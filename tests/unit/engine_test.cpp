#include "engine/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/crypto.h"
#include "engine/sha256.h"

namespace cleanroom::engine {
namespace {

std::unique_ptr<Engine> open_engine(const EngineOptions& o = {}) {
  auto e = Engine::open(o);
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return std::move(e).value();
}

std::vector<std::vector<Value>> rows_of(Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? *rows : std::vector<std::vector<Value>>{};
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("cleanroom-engine-" + crypto::uuid4());
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(Engine, AppliesThreadsMemoryLimitAndNoSpilling) {
  EngineOptions o;
  o.threads = 3;
  o.memory_limit = "256MB";
  auto e = open_engine(o);
  auto& c = e->connection();
  auto rows = rows_of(c,
                      "SELECT current_setting('threads')::BIGINT, current_setting('memory_limit'), "
                      "current_setting('temp_directory')");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), 3);
  EXPECT_NE(std::get<std::string>(rows[0][1]).find("MiB"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(rows[0][2]), "");
}

// A statement that needs twice the 64 MB the engine may hold: 4 million strings sorted.
const char* kBiggerThanMemory =
    "SELECT count(*) FROM (SELECT i::VARCHAR || repeat('x', 24) AS s FROM range(4000000) t(i) "
    "ORDER BY s OFFSET 1)";

EngineOptions small_sandbox() {
  EngineOptions o;
  o.threads = 2;
  o.memory_limit = "64MB";
  o.enable_external_access = false;
  o.lock_configuration = true;
  return o;
}

TEST(Engine, WithoutASpillRootAStatementBiggerThanMemoryFails) {
  auto e = open_engine(small_sandbox());
  auto r = e->connection().query(kBiggerThanMemory);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Out of Memory"), std::string::npos) << r.error().message;
}

// The sandbox (no external access, configuration locked) still lets the engine spill into its
// own folder, which is gone when the engine closes.
TEST(Engine, SpillsIntoAFolderOfItsOwnRemovedOnClose) {
  TempDir root;
  EngineOptions o = small_sandbox();
  o.spill_root = root.path.string();
  auto e = open_engine(o);
  auto folders = [&] {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(root.path))
      names.push_back(entry.path().filename().string());
    return names;
  };
  ASSERT_EQ(folders().size(), 1u);
  EXPECT_EQ(folders()[0].rfind("spill-" + std::to_string(::getpid()) + "-", 0), 0u);
  EXPECT_EQ((std::filesystem::status(root.path / folders()[0]).permissions() &
             std::filesystem::perms::all),
            std::filesystem::perms::owner_all);
  auto rows = rows_of(e->connection(), kBiggerThanMemory);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), 3999999);
  e.reset();
  EXPECT_TRUE(folders().empty());
}

// The spill folder holds at most spill_limit (DuckDB's max_temp_directory_size), set before the
// lock: a statement that needs more fails as a quota, in words of our own that name no folder.
TEST(Engine, AStatementThatOutgrowsItsSpillLimitFailsAsAQuota) {
  TempDir root;
  EngineOptions o = small_sandbox();
  o.spill_root = root.path.string();
  o.spill_limit = "1MB";
  auto e = open_engine(o);
  auto& c = e->connection();
  auto limit = rows_of(c, "SELECT current_setting('max_temp_directory_size')");
  ASSERT_EQ(limit.size(), 1u);
  EXPECT_EQ(std::get<std::string>(limit[0][0]), "976.5 KiB");
  EXPECT_FALSE(c.run("SET max_temp_directory_size = '100GB'").ok());  // locked
  auto r = c.query(kBiggerThanMemory);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::QuotaExceeded) << r.error().message;
  EXPECT_EQ(r.error().message,
            "the statement needed more temporary disk than the engine's spill limit allows");
  e.reset();
  EXPECT_TRUE(std::filesystem::is_empty(root.path));
}

// The same statement with room to spill finishes. An engine given no limit has the default one,
// never DuckDB's own (90% of the free disk).
TEST(Engine, AStatementWithinItsSpillLimitFinishes) {
  TempDir root;
  EngineOptions o = small_sandbox();
  o.spill_root = root.path.string();
  o.spill_limit = "1GB";
  auto e = open_engine(o);
  auto rows = rows_of(e->connection(), kBiggerThanMemory);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), 3999999);
  auto fallback = open_engine(EngineOptions{});
  auto limit = rows_of(fallback->connection(), "SELECT current_setting('max_temp_directory_size')");
  ASSERT_EQ(limit.size(), 1u);
  EXPECT_EQ(std::get<std::string>(limit[0][0]), "14.9 GiB");  // kDefaultSpillLimit, 16GB
}

TEST(Engine, AStartRemovesSpillFoldersOfDeadProcessesOnly) {
  TempDir root;
  // Above any pid the kernel hands out (pid_max is at most 2^22), so no such process runs.
  const auto dead = root.path / "spill-99999999-a";
  const auto live = root.path / ("spill-" + std::to_string(::getpid()) + "-b");
  const auto other = root.path / "notes";
  for (const auto& p : {dead, live, other}) std::filesystem::create_directories(p);
  std::ofstream(dead / "duckdb_temp_block-1.block") << "spilled";
  ASSERT_TRUE(remove_abandoned_spill(root.path.string()).ok());
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(other));
}

TEST(Engine, RejectsABadOption) {
  EngineOptions o;
  o.memory_limit = "lots";
  auto e = Engine::open(o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::Validation);
  o = {};
  o.spill_limit = "lots";
  e = Engine::open(o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::Validation);
  EXPECT_NE(e.error().message.find("max_temp_directory_size"), std::string::npos);
}

TEST(Engine, ReadsTypedColumnsWithNulls) {
  auto e = open_engine();
  auto& c = e->connection();
  auto r = c.query(
      "SELECT true AS b, 42::TINYINT AS i8, -7::INTEGER AS i32, 9000000000::BIGINT AS i64, "
      "1.5::FLOAT AS f, "
      "2.25 ::DOUBLE AS d, 'short' AS s, 'a string longer than twelve bytes' AS l, NULL::VARCHAR "
      "AS n, "
      "DATE '1970-01-11' AS dt, TIMESTAMP '1970-01-01 00:00:01' AS ts, 1.5::DECIMAL(4,1) AS dec");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->column_count(), 12u);
  EXPECT_EQ(r->column_name(7), "l");
  EXPECT_EQ(r->column_type(0), ColumnType::Boolean);
  EXPECT_EQ(r->column_type(3), ColumnType::Integer);
  EXPECT_EQ(r->column_type(5), ColumnType::Double);
  EXPECT_EQ(r->column_type(6), ColumnType::Varchar);
  EXPECT_EQ(r->column_type(9), ColumnType::Date);
  EXPECT_EQ(r->column_type(10), ColumnType::Timestamp);
  EXPECT_EQ(r->column_type(11), ColumnType::Other);
  auto chunk = r->next_chunk();
  ASSERT_TRUE(chunk.ok() && chunk->has_value());
  const Chunk& ch = **chunk;
  ASSERT_EQ(ch.row_count(), 1u);
  EXPECT_TRUE(ch.get_bool(0, 0));
  EXPECT_EQ(ch.get_int64(1, 0), 42);
  EXPECT_EQ(ch.get_int64(2, 0), -7);
  EXPECT_EQ(ch.get_int64(3, 0), 9000000000);
  EXPECT_DOUBLE_EQ(ch.get_double(4, 0), 1.5);
  EXPECT_DOUBLE_EQ(ch.get_double(5, 0), 2.25);
  EXPECT_EQ(ch.get_string(6, 0), "short");
  EXPECT_EQ(ch.get_string(7, 0), "a string longer than twelve bytes");
  EXPECT_TRUE(ch.is_null(8, 0));
  EXPECT_FALSE(ch.is_null(7, 0));
  EXPECT_EQ(ch.get_int64(9, 0), 10);
  EXPECT_EQ(ch.get_int64(10, 0), 1000000);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(ch.value(8, 0)));
  auto end = r->next_chunk();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(Engine, RowsRefusesTypesItCannotRead) {
  auto e = open_engine();
  auto& c = e->connection();
  auto r = c.query("SELECT [1, 2] AS l");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->rows().ok());
}

TEST(Engine, ReadsManyChunks) {
  auto e = open_engine();
  auto& c = e->connection();
  auto r =
      c.query("SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS maybe FROM range(10000) t(i)");
  ASSERT_TRUE(r.ok());
  int64_t rows = 0, sum = 0, nulls = 0, chunks = 0;
  for (;;) {
    auto chunk = r->next_chunk();
    ASSERT_TRUE(chunk.ok());
    if (!*chunk) break;
    chunks++;
    for (size_t i = 0; i < (*chunk)->row_count(); i++) {
      rows++;
      sum += (*chunk)->get_int64(0, i);
      if ((*chunk)->is_null(1, i)) nulls++;
    }
  }
  EXPECT_EQ(rows, 10000);
  EXPECT_EQ(sum, 10000LL * 9999 / 2);
  EXPECT_EQ(nulls, 3334);
  EXPECT_GT(chunks, 1);
}

TEST(Engine, ReportsErrorsWithTheirKind) {
  auto e = open_engine();
  auto& c = e->connection();
  auto syntax = c.query("SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().kind, ErrorKind::Validation);
  EXPECT_NE(syntax.error().message.find("syntax error"), std::string::npos);
  auto conversion = c.query("SELECT 'x'::INTEGER");
  ASSERT_FALSE(conversion.ok());
  EXPECT_EQ(conversion.error().kind, ErrorKind::Validation);
  // The connection stays usable after a failed statement.
  EXPECT_EQ(std::get<int64_t>(rows_of(c, "SELECT 1")[0][0]), 1);
}

TEST(Engine, PreparedStatementsCarryUserValuesAsValues) {
  auto e = open_engine();
  auto& c = e->connection();
  ASSERT_TRUE(c.run("CREATE TABLE t (name VARCHAR, n BIGINT, x DOUBLE, ok BOOLEAN)").ok());
  auto insert = c.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  EXPECT_EQ(insert->parameter_count(), 4u);
  const std::string hostile = "'); DROP TABLE t; --";
  ASSERT_TRUE(insert->bind(1, hostile).ok());
  ASSERT_TRUE(insert->bind(2, int64_t{7}).ok());
  ASSERT_TRUE(insert->bind(3, 0.5).ok());
  ASSERT_TRUE(insert->bind(4, std::monostate{}).ok());
  ASSERT_TRUE(insert->execute().ok());
  auto select = c.prepare("SELECT name, n, x, ok FROM t WHERE name = $1");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(select->bind(1, hostile).ok());
  auto r = select->execute();
  ASSERT_TRUE(r.ok());
  auto rows = r->rows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rows)[0][0]), hostile);
  EXPECT_EQ(std::get<int64_t>((*rows)[0][1]), 7);
  EXPECT_TRUE(std::holds_alternative<std::monostate>((*rows)[0][3]));
  EXPECT_FALSE(select->bind(2, int64_t{1}).ok());  // no such parameter
}

TEST(Engine, FailedPrepareIsAnError) {
  auto e = open_engine();
  auto& c = e->connection();
  auto p = c.prepare("SELECT * FROM no_such_table WHERE x = ?");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("no_such_table"), std::string::npos);
}

TEST(Engine, ReportsProgressAndCanBeInterrupted) {
  EngineOptions o;
  o.threads = 1;
  auto e = open_engine(o);
  auto& c = e->connection();
  ASSERT_TRUE(c.run("CREATE TABLE big AS SELECT i FROM range(20000000) t(i)").ok());
  Progress seen;
  std::thread watcher([&] {
    for (int i = 0; i < 200 && seen.fraction <= 0; i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      seen = c.progress();
    }
    c.interrupt();
  });
  // Long enough that the watcher interrupts it long before it ends.
  auto r = c.query("SELECT count(*) FROM big a, big b WHERE a.i + b.i = -1");
  watcher.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Cancelled);
  EXPECT_GT(seen.fraction, 0.0);
  EXPECT_LE(seen.fraction, 1.0);
}

TEST(Engine, SandboxLimitsFilesAndLocksConfiguration) {
  TempDir inside, outside;
  std::ofstream(inside.path / "in.csv") << "a\n1\n";
  std::ofstream(outside.path / "out.csv") << "a\n2\n";
  EngineOptions o;
  o.allowed_directories = {inside.path.string() + "/"};
  o.enable_external_access = false;
  o.lock_configuration = true;
  auto e = open_engine(o);
  auto& c = e->connection();
  auto in =
      rows_of(c, "SELECT a FROM read_csv(" + sql_literal((inside.path / "in.csv").string()) + ")");
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(in[0][0]), 1);
  auto out =
      c.query("SELECT a FROM read_csv(" + sql_literal((outside.path / "out.csv").string()) + ")");
  EXPECT_FALSE(out.ok());
  EXPECT_FALSE(c.run("SET enable_external_access = true").ok());
  EXPECT_FALSE(c.run("SET threads = 8").ok());
}

TEST(Engine, CleanroomSha256MatchesDuckDbSha256) {
  auto e = open_engine();
  auto& c = e->connection();
  auto rows = rows_of(c,
                      "SELECT count(*) FILTER (WHERE cleanroom_sha256(s) IS DISTINCT FROM "
                      "sha256(s)), count(*) FROM "
                      "(SELECT ['', 'a', 'jöhn@exämple.de', repeat('x', 1000), NULL][1 + i % 5] || "
                      "CASE WHEN i < 5 THEN '' ELSE i::VARCHAR END AS s FROM range(5000) t(i))");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), 0);
  EXPECT_EQ(std::get<int64_t>(rows[0][1]), 5000);
  auto null = rows_of(c, "SELECT cleanroom_sha256(NULL::VARCHAR) IS NULL, cleanroom_sha256('abc')");
  EXPECT_TRUE(std::get<bool>(null[0][0]));
  EXPECT_EQ(std::get<std::string>(null[0][1]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Engine, Sha256HexMatchesOpenSslAtEveryBlockBoundary) {
  // Lengths around the one- and two-block paddings (55/56, 63/64, 119/120) and beyond.
  std::string bytes = crypto::random_bytes(300);
  for (size_t len = 0; len <= bytes.size(); len++) {
    char out[64];
    sha256_hex(std::string_view(bytes).substr(0, len), out);
    ASSERT_EQ(std::string(out, 64), crypto::sha256_hex(bytes.substr(0, len))) << "length " << len;
  }
}

TEST(Engine, QuotesLiteralsAndIdentifiers) {
  EXPECT_EQ(sql_literal("it's"), "'it''s'");
  EXPECT_EQ(sql_identifier("a \"b\""), "\"a \"\"b\"\"\"");
  auto e = open_engine();
  auto& c = e->connection();
  auto rows = rows_of(c, "SELECT " + sql_literal("it's") + " AS " + sql_identifier("we\"ird"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows[0][0]), "it's");
}

}  // namespace
}  // namespace cleanroom::engine
