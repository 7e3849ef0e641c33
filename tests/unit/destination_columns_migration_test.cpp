// Migrations 17 and 18: a data dir that kept result and payment configurations as Clean Rooms
// JSON opens with them as the core's own columns, nothing lost.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <filesystem>

#include "catalog/collaborations_repo.h"
#include "catalog/database.h"
#include "catalog/migrations.h"
#include "common/crypto.h"
#include "support/postgres_server.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;

// One collaboration, two members and their memberships: one with a default destination and a
// payment configuration, one with neither.
constexpr const char* kVersion16Rows = R"sql(
INSERT INTO collaborations (collaboration_id, name, description, creator_account_id,
  creator_display_name, query_log_status, created_at, updated_at)
VALUES ('c1', 'c', 'd', '111111111111', 'A', 'DISABLED', 0, 0);
INSERT INTO members VALUES ('c1', '111111111111', 'A', '["CAN_QUERY","CAN_RECEIVE_RESULTS"]',
  'ACTIVE', '{"queryCompute":{"isResponsible":false}}', 0, 0);
INSERT INTO members VALUES ('c1', '222222222222', 'B', '[]', 'ACTIVE', NULL, 0, 0);
INSERT INTO memberships (membership_id, collaboration_id, account_id, status, query_log_status,
  default_result_config, payment_config, created_at, updated_at)
VALUES ('m1', 'c1', '111111111111', 'ACTIVE', 'DISABLED',
  '{"outputConfiguration":{"s3":{"bucket":"a-results","keyPrefix":"out/","resultFormat":"PARQUET","singleFileOutput":true}},"roleArn":"arn:aws:iam::111111111111:role/r"}',
  '{"queryCompute":{"isResponsible":false}}', 0, 0),
  ('m2', 'c1', '222222222222', 'ACTIVE', 'DISABLED', NULL, NULL, 0, 0);
)sql";

// A metadata store as version 16 left it, with kVersion16Rows.
void write_version_16(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql;
  for (size_t i = 0; i < 16; ++i) sql += catalog::migrations().at(i) + ";\n";
  sql += "PRAGMA user_version = 16;\n";
  sql += kVersion16Rows;
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// The same in PostgreSQL: its first 16 steps, its version table at 16.
void write_version_16_postgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  std::string sql = "BEGIN;\n";
  for (size_t i = 0; i < 16; ++i)
    sql += catalog::migration_sql(catalog::Dialect::Postgres, i) + ";\n";
  sql += "CREATE TABLE cleanroom_schema_version (version BIGINT NOT NULL);\n";
  sql += "INSERT INTO cleanroom_schema_version VALUES (16);\n";
  sql += kVersion16Rows;
  sql += "COMMIT;";
  PGresult* r = PQexec(conn, sql.c_str());
  std::string message = PQresultErrorMessage(r);
  ExecStatusType status = PQresultStatus(r);
  PQclear(r);
  PQfinish(conn);
  ASSERT_EQ(status, PGRES_COMMAND_OK) << message;
}

TEST(DestinationColumnsMigration, KeepsEveryPartOfTheStoredConfigurations) {
  fs::path dir = fs::temp_directory_path() / ("cleanroom-migration-" + crypto::uuid4());
  fs::create_directories(dir);
  const std::string path = testing::test_catalog_target(dir.string());
  if (testing::testing_postgres_catalog())
    write_version_16_postgres(path);
  else
    write_version_16(path);
  auto db = catalog::Database::open(path);
  ASSERT_TRUE(db.ok()) << db.error().message;
  namespace repo = catalog::collaborations_repo;
  auto read = (*db)->read<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto m1, repo::find_membership(tx, "m1"));
    CR_ASSIGN(auto m2, repo::find_membership(tx, "m2"));
    CR_ASSIGN(auto a, repo::find_member(tx, "c1", "111111111111"));
    CR_ASSIGN(auto b, repo::find_member(tx, "c1", "222222222222"));
    EXPECT_TRUE(m1 && m2 && a && b);
    if (!(m1 && m2 && a && b)) return false;
    EXPECT_TRUE(m1->default_destination.has_value());
    if (m1->default_destination) {
      const S3Destination& d = *m1->default_destination;
      EXPECT_EQ(d.bucket, "a-results");
      EXPECT_EQ(d.key_prefix, "out/");
      EXPECT_EQ(d.format, ResultFormat::Parquet);
      EXPECT_EQ(d.single_file_output, std::optional<bool>(true));
      EXPECT_EQ(d.role_arn, "arn:aws:iam::111111111111:role/r");
    }
    EXPECT_EQ(m1->pays_for_queries, std::optional<bool>(false));
    EXPECT_FALSE(m2->default_destination.has_value());
    EXPECT_FALSE(m2->pays_for_queries.has_value());
    EXPECT_EQ(a->pays_for_queries, std::optional<bool>(false));
    EXPECT_FALSE(b->pays_for_queries.has_value());
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.error().message;
  db->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cleanroom
