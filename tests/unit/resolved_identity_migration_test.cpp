// Migration 10: a dataset that matching resolved before resolved ids were marked gets its user_id
// marked as a resolved platform identity, so the query checker keeps it VERY_HIGH; other
// datasets are left as they were.
#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/database.h"
#include "catalog/datasets_repo.h"
#include "catalog/migrations.h"
#include "common/crypto.h"
#include "data/identity_matching.h"
#include "support/postgres_server.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;

TEST(ResolvedIdentityMigration, MarksTheUserIdOfResolvedDatasetsOnly) {
  fs::path dir = fs::temp_directory_path() / ("cleanroom-migration-" + crypto::uuid4());
  fs::create_directories(dir);
  auto db = catalog::Database::open(testing::test_catalog_target(dir.string()));
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto ok = (*db)->write<bool>([](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec(
        "INSERT INTO accounts (account_id, name, created_at) VALUES ('111111111111', 'A', 0)"));
    const char* insert =
        "INSERT INTO datasets (account_id, database_name, table_name, version, path, columns, "
        "row_count, bytes, created_at, updated_at) VALUES ('111111111111', 'crm', ?, 1, 'p', ?, "
        "0, 0, 0, 0)";
    CR_TRY(tx.exec(
        insert, {std::string("resolved"),
                 std::string(R"([{"name":"id","type":"BIGINT"},{"name":"user_id","type":"BIGINT"},)"
                             R"({"name":"match_rule","type":"VARCHAR"}])")}));
    CR_TRY(tx.exec(
        insert,
        {std::string("plain"),
         std::string(R"([{"name":"user_id","type":"BIGINT"},{"name":"x","type":"VARCHAR"}])")}));
    // As an older data dir (or PostgreSQL catalog) meets it.
    CR_TRY(tx.exec(catalog::migration_sql(
        testing::testing_postgres_catalog() ? catalog::Dialect::Postgres : catalog::Dialect::Sqlite,
        9)));
    return true;
  });
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  auto read = [&](const std::string& table) {
    return (*db)->read<std::optional<catalog::DatasetRecord>>([&](catalog::Tx& tx) {
      return catalog::datasets_repo::find(tx, "111111111111", "crm", table);
    });
  };
  auto resolved = read("resolved");
  ASSERT_TRUE(resolved.ok() && *resolved);
  ASSERT_EQ((*resolved)->columns.size(), 3u);
  EXPECT_EQ((*resolved)->columns[0].name, "id");
  EXPECT_EQ((*resolved)->columns[0].pii, "");
  EXPECT_EQ((*resolved)->columns[1].name, "user_id");
  EXPECT_EQ((*resolved)->columns[1].pii, data::kResolvedIdentity);
  EXPECT_EQ((*resolved)->columns[2].name, "match_rule");
  auto plain = read("plain");
  ASSERT_TRUE(plain.ok() && *plain);
  EXPECT_EQ((*plain)->columns[0].pii, "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cleanroom
