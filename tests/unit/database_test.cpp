// The metadata store's concurrency (catalog/database.h): reads run on their own connections and
// never wait for a write, readers cannot write, and the WAL index is allocated ahead of its use.
#include "catalog/database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "common/crypto.h"

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
    auto db = Database::open(path());
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
      CR_TRY(tx.exec("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", {key, value}));
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

}  // namespace
}  // namespace cleanroom
