// Registering a dataset from a bucket goes through the context's object store into a private
// staging file that never outlives the call, nor a killed process once the data dir is reopened.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/datasets.h"
#include "test_support.h"

namespace cleanroom::core {
namespace {
namespace fs = std::filesystem;

constexpr const char* kOwner = "111122223333";

// Serves one object from memory, whatever the bucket folder holds.
class OneObjectStore : public delivery::ObjectStore {
 public:
  explicit OneObjectStore(std::string text) : text_(std::move(text)) {}
  Status put_file(const std::string&, const std::string&, const std::string&,
                  const std::string&) override {
    return Error::not_implemented("put");
  }
  Status get_file(const std::string& bucket, const std::string& key,
                  const std::string& local_path) override {
    fetched.push_back(bucket + "/" + key);
    if (key != "remote.csv") return Error::not_found(Resource::Object, bucket + "/" + key);
    std::ofstream(local_path) << text_;
    return {};
  }
  Result<std::vector<delivery::ObjectInfo>> list(const std::string&, const std::string&) override {
    return std::vector<delivery::ObjectInfo>{};
  }
  Status remove(const std::string&, const std::string&) override {
    return Error::not_implemented("remove");
  }
  std::vector<std::string> fetched;

 private:
  std::string text_;
};

class DatasetsFromBucketsTest : public ::testing::Test {
 protected:
  testing::TestCore core;

  void SetUp() override { ASSERT_TRUE(core.s().accounts.create_account(kOwner, "Owner").ok()); }

  UploadRequest request(const std::string& table) {
    UploadRequest r;
    r.database_name = "crm";
    r.table_name = table;
    r.pii = {{"email", data::PiiType::Email}};
    return r;
  }
  std::vector<std::string> staged() {
    std::vector<std::string> out;
    if (fs::exists(core.dir + "/staging"))
      for (const auto& e : fs::directory_iterator(core.dir + "/staging"))
        out.push_back(e.path().string());
    return out;
  }
};

TEST_F(DatasetsFromBucketsTest, ReadsThroughTheContextsObjectStore) {
  auto store = std::make_shared<OneObjectStore>("id,email\n1,a@example.com\n2,b@example.com\n");
  core.ctx->buckets = store;
  // A store that cannot create buckets still lets the operator assign one that answers.
  ASSERT_TRUE(core.s().buckets.create(kOwner, "remote-bucket").ok());
  auto d = core.s().datasets.register_from_bucket(kOwner, "remote-bucket", "remote.csv",
                                                  request("remote"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->row_count, 2);
  EXPECT_EQ(d->source_bucket, "remote-bucket");
  EXPECT_EQ(store->fetched, std::vector<std::string>{"remote-bucket/remote.csv"});
  EXPECT_TRUE(staged().empty());

  auto missing = core.s().datasets.register_from_bucket(kOwner, "remote-bucket", "other.csv",
                                                        request("other"));
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(staged().empty());
  // Names and the account are checked before anything is fetched.
  auto& datasets = core.s().datasets;
  EXPECT_FALSE(
      datasets.register_from_bucket("999999999999", "remote-bucket", "remote.csv", request("x"))
          .ok());
  EXPECT_FALSE(
      datasets.register_from_bucket(kOwner, "remote-bucket", "remote.csv", request("../x")).ok());
  EXPECT_EQ(store->fetched.size(), 2u);
}

TEST_F(DatasetsFromBucketsTest, AFailedIngestRemovesTheStagedCopyAndNamesTheObject) {
  fs::create_directories(core.dir + "/buckets/partner-data/in");
  std::ofstream(core.dir + "/buckets/partner-data/in/ragged.csv")
      << "id,email\n1,a@example.com\n2,b,c\n";
  ASSERT_TRUE(core.s().buckets.create(kOwner, "partner-data").ok());
  auto r = request("ragged");
  r.columns = {{"id", "BIGINT"}, {"email", "VARCHAR"}};
  auto d = core.s().datasets.register_from_bucket(kOwner, "partner-data", "in/ragged.csv", r);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message.find(core.dir + "/staging"), std::string::npos) << d.error().message;
  EXPECT_TRUE(staged().empty());
  EXPECT_TRUE(fs::exists(core.dir + "/buckets/partner-data/in/ragged.csv")) << "the object stays";
}

TEST_F(DatasetsFromBucketsTest, ReopeningRemovesCopiesOfKilledProcessesOnly) {
  fs::create_directories(core.dir + "/staging");
  // No process has this id (above Linux's pid_max).
  std::string dead = core.dir + "/staging/.staging-99999999-0000.csv";
  std::string dead_part = core.dir + "/staging/.staging-99999999-0001.csv.part-abc";
  std::string alive = core.dir + "/staging/.staging-" + std::to_string(::getpid()) + "-0002.csv";
  for (const auto& p : {dead, dead_part, alive}) std::ofstream(p) << "x";
  ASSERT_TRUE(core.s().datasets.remove_abandoned_uploads().ok());
  EXPECT_EQ(staged(), std::vector<std::string>{alive});
}

}  // namespace
}  // namespace cleanroom::core
