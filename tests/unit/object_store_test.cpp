// The local bucket folder: what goes in comes out whole, keys stay inside their bucket, and no
// temp file outlives a call.
#include "delivery/object_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace cleanroom::delivery {
namespace {
namespace fs = std::filesystem;

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cleanroom-objects-" + crypto::uuid4());
    fs::create_directories(dir_ / "buckets" / "results");
    fs::create_directories(dir_ / "files");
    store_ = local_object_store((dir_ / "buckets").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / "files" / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Every file under the folder, relative to it.
  std::vector<std::string> files_under(const fs::path& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) out.push_back(e.path().lexically_relative(root).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, PutGetAndListRoundTrip) {
  std::string body = "id,n\n1,2\n";
  ASSERT_TRUE(store_->put_file("results", "q1/part-0.csv", file("a.csv", body), "text/csv").ok());
  ASSERT_TRUE(store_->put_file("results", "q1/sub/part-1.csv", file("b.csv", "x\n"), "").ok());
  ASSERT_TRUE(store_->put_file("results", "q2.csv", file("c.csv", ""), "text/csv").ok());
  EXPECT_EQ(read((dir_ / "buckets/results/q1/part-0.csv").string()), body);

  std::string out = (dir_ / "files" / "out.csv").string();
  ASSERT_TRUE(store_->get_file("results", "q1/part-0.csv", out).ok());
  EXPECT_EQ(read(out), body);
  // A second get replaces the file.
  ASSERT_TRUE(store_->get_file("results", "q1/sub/part-1.csv", out).ok());
  EXPECT_EQ(read(out), "x\n");

  auto all = store_->list("results", "");
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "q1/part-0.csv");
  EXPECT_EQ((*all)[0].size, static_cast<int64_t>(body.size()));
  EXPECT_EQ((*all)[1].key, "q1/sub/part-1.csv");
  EXPECT_EQ((*all)[2].key, "q2.csv");
  EXPECT_EQ((*all)[2].size, 0);

  auto q1 = store_->list("results", "q1/");
  ASSERT_TRUE(q1.ok());
  EXPECT_EQ(q1->size(), 2u);
  auto partial = store_->list("results", "q1/su");
  ASSERT_TRUE(partial.ok());
  ASSERT_EQ(partial->size(), 1u);
  EXPECT_EQ((*partial)[0].key, "q1/sub/part-1.csv");
  EXPECT_EQ(store_->list("results", "q")->size(), 3u);
  EXPECT_TRUE(store_->list("results", "nothing/")->empty());
  EXPECT_TRUE(store_->list("results", "../")->empty());

  EXPECT_EQ(ObjectStore::location("results", "q2.csv"), "s3://results/q2.csv");
}

TEST_F(LocalObjectStoreTest, OverwritingReplacesTheObject) {
  ASSERT_TRUE(store_->put_file("results", "r.csv", file("a.csv", "old\n"), "").ok());
  ASSERT_TRUE(store_->put_file("results", "r.csv", file("b.csv", "new\n"), "").ok());
  EXPECT_EQ(read((dir_ / "buckets/results/r.csv").string()), "new\n");
  EXPECT_EQ(files_under(dir_ / "buckets"), std::vector<std::string>{"results/r.csv"});
}

TEST_F(LocalObjectStoreTest, RemovesAnObjectAndIgnoresOneNeverThere) {
  ASSERT_TRUE(store_->put_file("results", "d/r.csv", file("a.csv", "a\n"), "").ok());
  ASSERT_TRUE(store_->put_file("results", "d/s.csv", file("b.csv", "b\n"), "").ok());
  ASSERT_TRUE(store_->remove("results", "d/r.csv").ok());
  EXPECT_EQ(files_under(dir_ / "buckets"), std::vector<std::string>{"results/d/s.csv"});
  EXPECT_TRUE(store_->remove("results", "d/r.csv").ok());
  EXPECT_TRUE(store_->remove("results", "none/x.csv").ok());
  EXPECT_EQ(store_->remove("nowhere", "d/s.csv").error().kind, ErrorKind::NotFound);
}

TEST_F(LocalObjectStoreTest, MissingBucketsAndObjectsAreNotFound) {
  std::string src = file("a.csv", "a\n");
  auto put = store_->put_file("nowhere", "k.csv", src, "");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(put.error().resource, Resource::Bucket);
  EXPECT_FALSE(fs::exists(dir_ / "buckets" / "nowhere"));

  auto list = store_->list("nowhere", "");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::NotFound);

  std::string out = (dir_ / "files" / "out.csv").string();
  auto get = store_->get_file("results", "absent.csv", out);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(get.error().resource, Resource::Object);
  EXPECT_FALSE(fs::exists(out));
  // A folder is no object.
  ASSERT_TRUE(store_->put_file("results", "dir/k.csv", src, "").ok());
  EXPECT_EQ(store_->get_file("results", "dir", out).error().kind, ErrorKind::NotFound);

  ASSERT_TRUE(store_->create_bucket("new-bucket").ok());
  ASSERT_TRUE(store_->create_bucket("new-bucket").ok());
  EXPECT_TRUE(store_->list("new-bucket", "")->empty());
}

TEST_F(LocalObjectStoreTest, KeysCannotLeaveTheirBucket) {
  std::string src = file("a.csv", "secret\n");
  fs::create_directories(dir_ / "buckets" / "other");
  std::ofstream(dir_ / "buckets" / "other" / "x.csv") << "other's\n";
  std::string out = (dir_ / "files" / "out.csv").string();
  for (const std::string key : {"", "/etc/passwd", "../other/x.csv", "a/../../other/x.csv", "a/./b",
                                "a//b", "dir/", "..", "."}) {
    auto put = store_->put_file("results", key, src, "");
    ASSERT_FALSE(put.ok()) << key;
    EXPECT_EQ(put.error().kind, ErrorKind::Validation) << key;
    EXPECT_EQ(put.error().field, "key") << key;
    auto get = store_->get_file("results", key, out);
    ASSERT_FALSE(get.ok()) << key;
    EXPECT_EQ(get.error().field, "key") << key;
    auto removed = store_->remove("results", key);
    ASSERT_FALSE(removed.ok()) << key;
    EXPECT_EQ(removed.error().field, "key") << key;
  }
  for (const std::string bucket :
       {"..", "a/b", "Bad_Bucket", "ab", "192.168.0.1", "a..b", "-ab", ""}) {
    auto put = store_->put_file(bucket, "k.csv", src, "");
    ASSERT_FALSE(put.ok()) << bucket;
    EXPECT_EQ(put.error().field, "bucket") << bucket;
    EXPECT_EQ(store_->list(bucket, "").error().field, "bucket") << bucket;
  }
  EXPECT_EQ(read((dir_ / "buckets/other/x.csv").string()), "other's\n");
  EXPECT_FALSE(fs::exists(out));
  // Odd but legal keys stay inside.
  ASSERT_TRUE(store_->put_file("results", "a..b/..c/.hidden", src, "").ok());
  EXPECT_TRUE(fs::exists(dir_ / "buckets/results/a..b/..c/.hidden"));
}

TEST_F(LocalObjectStoreTest, FailedCallsLeaveNoTempFiles) {
  std::string src = file("a.csv", "a\n");
  ASSERT_TRUE(store_->put_file("results", "deep/er/k.csv", src, "").ok());
  // A source that cannot be read: the put fails and leaves nothing in the bucket.
  EXPECT_FALSE(
      store_->put_file("results", "deep/er/j.csv", (dir_ / "files" / "gone").string(), "").ok());
  // A key below an object cannot become a folder.
  EXPECT_FALSE(store_->put_file("results", "deep/er/k.csv/under", src, "").ok());
  // A target whose folder does not exist: the get fails and leaves nothing.
  EXPECT_FALSE(
      store_->get_file("results", "deep/er/k.csv", (dir_ / "files/none/out").string()).ok());
  EXPECT_EQ(files_under(dir_ / "buckets"), std::vector<std::string>{"results/deep/er/k.csv"});
  EXPECT_EQ(files_under(dir_ / "files"), std::vector<std::string>{"a.csv"});
  auto listed = store_->list("results", "");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
}

TEST_F(LocalObjectStoreTest, ListingSkipsTempFilesOfPutsInProgress) {
  fs::create_directories(dir_ / "buckets/results/q");
  std::ofstream(dir_ / "buckets/results/q/.cleanroom-tmp-1234") << "half";
  std::ofstream(dir_ / "buckets/results/q/done.csv") << "whole";
  auto listed = store_->list("results", "");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "q/done.csv");
}

TEST(ObjectNames, FollowS3Rules) {
  for (const char* ok : {"abc", "my-bucket", "a.b.c", "results-2024", "0ab"})
    EXPECT_TRUE(check_bucket_name(ok).ok()) << ok;
  for (const char* bad : {"ab", "Abc", "a_b", "a..b", "a.-b", "-ab", "ab-", "1.2.3.4", "a b"})
    EXPECT_FALSE(check_bucket_name(bad).ok()) << bad;
  EXPECT_FALSE(check_bucket_name(std::string(64, 'a')).ok());
  for (const char* ok : {"k", "a/b/c.csv", "a..b", ".hidden", "with space/é.csv"})
    EXPECT_TRUE(check_key(ok).ok()) << ok;
  EXPECT_FALSE(check_key(std::string(1025, 'k')).ok());
  EXPECT_FALSE(check_key(std::string("a\0b", 3)).ok());
}

}  // namespace
}  // namespace cleanroom::delivery
