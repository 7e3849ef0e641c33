// The metadata store's concurrency and answers (catalog/database.h), on SQLite and (run again
// with CLEANROOM_TEST_CATALOG=postgresql) on PostgreSQL: reads run on their own connections and
// never wait for a write, readers cannot write, writes are serialised across stores opened on
// the same catalog, values come back the same from both; SQLite's WAL index is allocated ahead.
#include "catalog/database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "catalog/accounts_repo.h"
#include "catalog/migrations.h"
#include "common/crypto.h"
#include "support/postgres_server.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;
using catalog::Database;
using catalog::Tx;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cleanroom-db-" + crypto::uuid4());
    fs::create_directories(dir_);
    target_ = testing::test_catalog_target(dir_.string());
    auto db = Database::open(target_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "meta.db").string(); }
  Status put_setting(const std::string& key, const std::string& value) {
    return status_of(db_->write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(
          tx.exec("INSERT INTO settings (key, value) VALUES (?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  {key, value}));
      return true;
    }));
  }
  Result<std::string> setting(const std::string& key) {
    return db_->read<std::string>([&](Tx& tx) -> Result<std::string> {
      CR_ASSIGN(auto row, tx.query_one("SELECT value FROM settings WHERE key = ?", {key}));
      return row ? row->str("value") : std::string("(none)");
    });
  }

  fs::path dir_;
  std::string target_;  // the SQLite file or the PostgreSQL URL
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, AReadCompletesWhileAnotherThreadHoldsAWriteTransactionOpen) {
  ASSERT_TRUE(put_setting("k", "committed").ok());
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread writer([&] {
    auto r = db_->write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(tx.exec("UPDATE settings SET value = 'uncommitted' WHERE key = 'k'"));
      writing.set_value();
      released.wait();  // the write transaction stays open until the reads are done
      return true;
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
  });
  writing.get_future().wait();
  // Each read on its own thread, with a deadline: a read that waited for the writer would
  // never finish while the writer waits for it.
  for (int i = 0; i < 4; ++i) {
    auto read = std::async(std::launch::async, [&] { return setting("k"); });
    ASSERT_EQ(read.wait_for(std::chrono::seconds(10)), std::future_status::ready)
        << "a read waited for the open write transaction";
    auto value = read.get();
    ASSERT_TRUE(value.ok()) << value.error().message;
    EXPECT_EQ(*value, "committed");  // the last committed state, never the write in progress
  }
  release.set_value();
  writer.join();
  auto after = setting("k");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, "uncommitted");
}

TEST_F(DatabaseTest, WritesWaitForEachOtherAndTheWaitIsCounted) {
  auto before = db_->writer_wait_stats();
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread first([&] {
    (void)db_->write<bool>([&](Tx&) -> Result<bool> {
      writing.set_value();
      released.wait();
      return true;
    });
  });
  writing.get_future().wait();
  auto second = std::async(std::launch::async, [&] { return put_setting("second", "done"); });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "a second write ran while the first was open";
  release.set_value();
  first.join();
  ASSERT_TRUE(second.get().ok());
  auto after = db_->writer_wait_stats();
  EXPECT_EQ(after.writes - before.writes, 2);
  EXPECT_EQ(after.waited - before.waited, 1);
  EXPECT_GE(after.seconds - before.seconds, 0.15);
}

TEST_F(DatabaseTest, AReadThatTriesToWriteFailsAndChangesNothing) {
  auto r = db_->read<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('x', 'y')"));
    return true;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Internal);
  auto x = setting("x");
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(*x, "(none)");
}

TEST_F(DatabaseTest, AFailedWriteRollsBackAndTheNextOneSucceeds) {
  auto r = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('a', '1')"));
    return Error::validation("no");
  });
  ASSERT_FALSE(r.ok());
  auto a = setting("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "(none)");
  ASSERT_TRUE(put_setting("a", "2").ok());
  EXPECT_EQ(*setting("a"), "2");
}

// SQLite maps the WAL index into memory; a page of it that the file system cannot back when
// written (a full disk) is a SIGBUS. The whole index file is allocated, ahead of the WAL.
TEST_F(DatabaseTest, TheWalIndexIsAllocatedAheadOfTheWal) {
  if (testing::testing_postgres_catalog()) GTEST_SKIP() << "SQLite's WAL index only";
  auto allocated = [&](int64_t* size) {
    struct stat st {};
    EXPECT_EQ(::stat((path() + "-shm").c_str(), &st), 0);
    *size = st.st_size;
    return static_cast<int64_t>(st.st_blocks) * 512 >= st.st_size;
  };
  int64_t size = 0;
  EXPECT_TRUE(allocated(&size));
  EXPECT_GE(size, 1 << 20);
  // Writes that grow the WAL past its first index region: the allocation stays ahead of them.
  const std::string blob(3000, 'x');
  for (int batch = 0; batch < 3; ++batch) {
    auto r = db_->write<bool>([&](Tx& tx) -> Result<bool> {
      for (int i = 0; i < 2500; ++i)
        CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES (?, ?)",
                       {std::to_string(batch) + "-" + std::to_string(i), blob}));
      return true;
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  int64_t grown = 0;
  EXPECT_TRUE(allocated(&grown));
  struct stat wal {};
  ASSERT_EQ(::stat((path() + "-wal").c_str(), &wal), 0);
  int64_t frames = wal.st_size / (4096 + 24);
  EXPECT_GE(grown, (frames / 4096 + 1) * 32768 + (1 << 19)) << "frames " << frames;
}

// What the repositories rely on, the same from both stores.
TEST_F(DatabaseTest, ValuesComeBackAsStoredBytesNumbersAndNulls) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));  // NULs, invalid UTF-8
  auto w = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("INSERT INTO accounts (account_id, name, created_at) VALUES (?, ?, ?)",
                   {std::string("111111111111"), std::string(""), int64_t{1} << 62}));
    CR_TRY(
        tx.exec("INSERT INTO access_keys (access_key_id, account_id, secret_sealed, created_at) "
                "VALUES (?, ?, ?, ?)",
                {std::string("AK"), std::string("111111111111"), bytes, int64_t{-5}}));
    return true;
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto r = db_->read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto key, tx.query_one("SELECT * FROM access_keys WHERE access_key_id = ?",
                                     {std::string("AK")}));
    EXPECT_TRUE(key.has_value());
    if (!key) return false;
    EXPECT_EQ(key->str("secret_sealed"), bytes);
    EXPECT_EQ(key->integer("created_at"), -5);
    CR_ASSIGN(auto account, tx.query_one("SELECT * FROM accounts"));
    EXPECT_EQ(account->integer("created_at"), int64_t{1} << 62);
    EXPECT_EQ(account->str("created_at"), std::to_string(int64_t{1} << 62));
    EXPECT_FALSE(account->is_null("name"));  // "" is not NULL
    EXPECT_EQ(account->opt_str("name"), std::optional<std::string>(""));
    EXPECT_TRUE(account->is_null("platform_role"));
    EXPECT_EQ(account->opt_str("platform_role"), std::nullopt);
    CR_ASSIGN(auto n, tx.query_one("SELECT CAST(?1 AS DOUBLE PRECISION) AS r, count(*) AS n "
                                   "FROM accounts",
                                   {0.1 + 0.2}));
    EXPECT_EQ(n->real("r"), 0.1 + 0.2);  // exactly
    EXPECT_EQ(n->integer("n"), 1);
    EXPECT_EQ(n->str("n"), "1");
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_F(DatabaseTest, ChangesCountTheRowsOfTheLastWrite) {
  ASSERT_TRUE(put_setting("a", "1").ok());
  ASSERT_TRUE(put_setting("b", "1").ok());
  auto r = db_->write<std::vector<int64_t>>([&](Tx& tx) -> Result<std::vector<int64_t>> {
    std::vector<int64_t> counts;
    CR_TRY(tx.exec("UPDATE settings SET value = '2' WHERE value = ?", {std::string("1")}));
    counts.push_back(tx.changes());
    CR_TRY(tx.query("SELECT * FROM settings"));  // a read leaves the count alone
    counts.push_back(tx.changes());
    CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('a', 'x') ON CONFLICT DO NOTHING"));
    counts.push_back(tx.changes());
    return counts;
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (std::vector<int64_t>{2, 2, 0}));
}

TEST_F(DatabaseTest, AUniqueViolationIsAConflictNamingTheColumn) {
  ASSERT_TRUE(put_setting("k", "v").ok());
  auto r = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('k', 'w')"));
    return true;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(r.error().cause, Cause::AlreadyExists);
  EXPECT_EQ(r.error().message, "already exists (UNIQUE constraint failed: settings.key)");
  EXPECT_EQ(*setting("k"), "v");
}

TEST_F(DatabaseTest, TheSchemaEnforcesChecksForeignKeysAndEmailsWithoutCase) {
  namespace repo = catalog::accounts_repo;
  auto write = [&](const std::string& sql) {
    return status_of(db_->write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(tx.exec(sql));
      return true;
    }));
  };
  EXPECT_FALSE(write("INSERT INTO accounts (account_id, name, created_at) "
                     "VALUES ('12345678901x', 'not digits', 0)")
                   .ok());
  EXPECT_FALSE(write("INSERT INTO access_keys VALUES ('AK', '999999999999', 'x', 0)").ok())
      << "a key of no account";
  auto user = [](const std::string& id, const std::string& email) {
    return catalog::UserRecord{id, email, "client-" + id, "", false, 0};
  };
  auto w = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(repo::insert_user(tx, user("u1", "Ann@Example.com"), "h1"));
    CR_TRY(repo::insert_amc_account(tx, {"ENTITY1", "AMC", "M", 0}));
    CR_TRY(repo::grant_amc_role(tx, "u1", "ENTITY1", "USER"));
    CR_TRY(repo::grant_amc_role(tx, "u1", "ENTITY1", "ADMIN"));  // replaces the grant
    return true;
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto again = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(repo::insert_user(tx, user("u2", "ann@example.COM"), "h2"));
    return true;
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
  auto found = db_->read<std::optional<catalog::UserRecord>>(
      [&](Tx& tx) { return repo::find_user_by_email(tx, "ANN@example.com"); });
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->user_id, "u1");
  auto roles =
      db_->read<std::vector<catalog::RoleGrant>>([&](Tx& tx) { return repo::amc_roles(tx, "u1"); });
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(roles->size(), 1u);
  EXPECT_EQ((*roles)[0].role, "ADMIN");
  // ON DELETE CASCADE: the user's grants go with it.
  ASSERT_TRUE(write("DELETE FROM users WHERE user_id = 'u1'").ok());
  auto left =
      db_->read<std::vector<catalog::RoleGrant>>([&](Tx& tx) { return repo::amc_roles(tx, "u1"); });
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST_F(DatabaseTest, AResourceTakesItsTagsWithIt) {
  auto w = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec(
        "INSERT INTO configured_tables (configured_table_id, account_id, name, database_name, "
        "table_name, allowed_columns, analysis_method, created_at, updated_at) "
        "VALUES ('t1', '111111111111', 'n', 'd', 't', '[]', 'DIRECT_QUERY', 0, 0)"));
    CR_TRY(tx.exec(
        "INSERT INTO collaborations (collaboration_id, name, description, creator_account_id, "
        "creator_display_name, query_log_status, created_at, updated_at) "
        "VALUES ('c1', 'c', 'd', '111111111111', 'A', 'DISABLED', 0, 0)"));
    for (const char* id : {"t1", "c1", "other"})
      CR_TRY(tx.exec("INSERT INTO resource_tags VALUES (?, 'k', 'v')", {std::string(id)}));
    CR_TRY(tx.exec("DELETE FROM configured_tables WHERE configured_table_id = 't1'"));
    CR_TRY(tx.exec("UPDATE collaborations SET name = 'renamed'"));  // keeps its tags
    return true;
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto tagged = [&] {
    return *db_->read<std::string>([&](Tx& tx) -> Result<std::string> {
      CR_ASSIGN(auto rows, tx.query("SELECT resource_id FROM resource_tags ORDER BY 1"));
      std::string ids;
      for (const auto& r : rows) ids += r.str("resource_id") + " ";
      return ids;
    });
  };
  EXPECT_EQ(tagged(), "c1 other ");
  auto deleted = db_->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("UPDATE collaborations SET deleted_at = 1 WHERE collaboration_id = 'c1'"));
    return true;
  });
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(tagged(), "other ");
}

TEST_F(DatabaseTest, EveryMigrationRanAndTheVersionSaysSo) {
  EXPECT_EQ(db_->schema_version(), static_cast<int>(catalog::migrations().size()));
  db_.reset();
  auto reopened = Database::open(target_);  // nothing left to run
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*reopened)->schema_version(), static_cast<int>(catalog::migrations().size()));
}

// Two stores opened on one catalog are two nodes (or a node and the admin CLI): a write of one
// waits for the other's to end, so a check and its write are never split by another node.
TEST_F(DatabaseTest, WritesOfTwoStoresOnOneCatalogWaitForEachOther) {
  auto other = Database::open(target_);
  ASSERT_TRUE(other.ok()) << other.error().message;
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread first([&] {
    auto r = db_->write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('first', '1')"));
      writing.set_value();
      released.wait();
      return true;
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
  });
  writing.get_future().wait();
  auto second = std::async(std::launch::async, [&] {
    return (*other)->write<std::string>([&](Tx& tx) -> Result<std::string> {
      // Runs after the first committed: it sees the first's row.
      CR_ASSIGN(auto row, tx.query_one("SELECT value FROM settings WHERE key = 'first'"));
      CR_TRY(tx.exec("INSERT INTO settings (key, value) VALUES ('second', '1')"));
      return row ? row->str("value") : std::string("(none)");
    });
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the other store wrote while the first write was open";
  release.set_value();
  first.join();
  auto seen = second.get();
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(*seen, "1");
}

// Nodes (or a server and the admin CLI) started at once on a new catalog: each step runs once.
TEST_F(DatabaseTest, StoresOpenedAtOnceOnANewCatalogMigrateItOnce) {
  fs::path fresh_dir = dir_ / "fresh";
  fs::create_directories(fresh_dir);
  const std::string fresh = testing::test_catalog_target(fresh_dir.string());
  std::vector<std::future<Result<std::unique_ptr<Database>>>> opening;
  for (int i = 0; i < 3; ++i)
    opening.push_back(std::async(std::launch::async, [&] { return Database::open(fresh); }));
  for (auto& o : opening) {
    auto db = o.get();
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ((*db)->schema_version(), static_cast<int>(catalog::migrations().size()));
  }
}

// A restarted PostgreSQL or a connection closed by it: the next transaction connects again.
TEST_F(DatabaseTest, ADroppedConnectionIsMadeAgainAtItsNextUse) {
  if (!testing::testing_postgres_catalog()) GTEST_SKIP() << "PostgreSQL's connections";
  ASSERT_TRUE(put_setting("k", "before").ok());
  ASSERT_TRUE(setting("k").ok());  // a reader connection exists
  auto admin = Database::open(target_);
  ASSERT_TRUE(admin.ok());
  auto killed = (*admin)->read<int64_t>([&](Tx& tx) -> Result<int64_t> {
    CR_ASSIGN(auto rows,
              tx.query("SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
    return static_cast<int64_t>(rows.size());
  });
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_GE(*killed, 2);  // this store's writer and reader (and the admin's own writer)
  ASSERT_TRUE(put_setting("k", "after").ok());
  auto after = setting("k");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(*after, "after");
}

// A rolling upgrade: another node's migration adds a column while this store has its statements
// prepared. On PostgreSQL one read fails as Throttled (retry); the next one sees the new column.
TEST_F(DatabaseTest, AReadAfterAnotherStoreChangedTheSchemaSeesTheChange) {
  ASSERT_TRUE(put_setting("k", "v").ok());
  auto read_all = [&] {
    return db_->read<std::vector<catalog::Row>>(
        [&](Tx& tx) { return tx.query("SELECT * FROM settings"); });
  };
  ASSERT_TRUE(read_all().ok());
  auto other = Database::open(target_);
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto altered = (*other)->write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(tx.exec("ALTER TABLE settings ADD COLUMN note TEXT"));
    CR_TRY(tx.exec("UPDATE settings SET note = 'new'"));
    return true;
  });
  ASSERT_TRUE(altered.ok()) << altered.error().message;
  auto first = read_all();
  if (testing::testing_postgres_catalog()) {  // its prepared SELECT * would change result type
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().kind, ErrorKind::Throttled) << first.error().message;
  } else {  // SQLite prepares every statement anew
    EXPECT_TRUE(first.ok()) << first.error().message;
  }
  auto second = read_all();
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].str("note"), "new");
  // Writes too prepare their statements again.
  ASSERT_TRUE(put_setting("k", "w").ok());
  EXPECT_EQ(*setting("k"), "w");
}

}  // namespace
}  // namespace cleanroom
