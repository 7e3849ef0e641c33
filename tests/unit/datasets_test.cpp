#include "core/datasets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace cleanroom::core {
namespace {
namespace fs = std::filesystem;

constexpr const char* kOwner = "111122223333";
constexpr const char* kOther = "444455556666";

class DatasetsTest : public ::testing::Test {
 protected:
  testing::TestCore core;

  void SetUp() override {
    ASSERT_TRUE(core.s().accounts.create_account(kOwner, "Owner").ok());
    ASSERT_TRUE(core.s().accounts.create_account(kOther, "Other").ok());
  }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = core.dir + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  UploadRequest request(const std::string& path) {
    UploadRequest r;
    r.database_name = "crm";
    r.table_name = "customers";
    r.source_path = path;
    r.pii = {{"email", data::PiiType::Email}};
    return r;
  }
};

TEST_F(DatasetsTest, UploadsNewVersionsAndKeepsThePreviousOne) {
  auto v1 =
      core.s().datasets.upload(kOwner, request(write("a.csv", "id,email\n1,a@example.com\n")));
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->path, std::string("datasets/") + kOwner + "/crm/customers/1.parquet");
  EXPECT_EQ(v1->row_count, 1);
  ASSERT_EQ(v1->columns.size(), 2u);
  EXPECT_EQ(v1->columns[1].pii, "email");
  EXPECT_TRUE(v1->source_bucket.empty());

  auto v2 = core.s().datasets.upload(
      kOwner, request(write("b.csv", "id,email\n1,a@example.com\n2,b@example.com\n")));
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->created_at, v1->created_at);
  EXPECT_TRUE(fs::exists(core.dir + "/" + v1->path));
  EXPECT_TRUE(fs::exists(core.dir + "/" + v2->path));

  auto got = core.s().datasets.get(kOwner, "crm", "customers");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->row_count, 2);
  auto json = dataset_json(*got);
  EXPECT_EQ(json["tableName"], "customers");
  EXPECT_EQ(json["columns"][1]["pii"], "email");
  EXPECT_FALSE(json.contains("sourceBucket"));
}

TEST_F(DatasetsTest, AFailedUploadKeepsTheCurrentVersion) {
  ASSERT_TRUE(core.s()
                  .datasets.upload(kOwner, request(write("a.csv", "id,email\n1,a@example.com\n")))
                  .ok());
  auto bad = request(write("bad.csv", "id,email\n1,a@example.com\n2,b@example.com,extra\n"));
  auto r = core.s().datasets.upload(kOwner, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);
  EXPECT_EQ(core.s().datasets.get(kOwner, "crm", "customers")->version, 1);
  std::vector<std::string> files;
  for (const auto& f : fs::directory_iterator(core.dir + "/datasets/" + kOwner + "/crm/customers"))
    files.push_back(f.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{"1.parquet"});
}

TEST_F(DatasetsTest, SkipsAVersionWhoseFileWasNeverCommitted) {
  ASSERT_TRUE(core.s()
                  .datasets.upload(kOwner, request(write("a.csv", "id,email\n1,a@example.com\n")))
                  .ok());
  write(std::string("datasets/") + kOwner + "/crm/customers/2.parquet",
        "renamed, then the process died");
  auto v = core.s().datasets.upload(kOwner, request(write("b.csv", "id,email\n2,b@example.com\n")));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->version, 3);
}

TEST_F(DatasetsTest, DatasetsBelongToTheirAccount) {
  ASSERT_TRUE(core.s()
                  .datasets.upload(kOwner, request(write("a.csv", "id,email\n1,a@example.com\n")))
                  .ok());
  EXPECT_EQ(core.s().datasets.list(kOwner)->size(), 1u);
  EXPECT_TRUE(core.s().datasets.list(kOther)->empty());
  auto other = core.s().datasets.get(kOther, "crm", "customers");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::NotFound);
  auto unknown = core.s().datasets.upload("999999999999",
                                          request(write("b.csv", "id,email\n1,a@example.com\n")));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
}

TEST_F(DatasetsTest, RejectsNamesThatAreNotGlueNames) {
  auto r = request(write("a.csv", "id,email\n1,a@example.com\n"));
  for (const char* bad : {"", "../etc", "a/b", "-lead", "x.y"}) {
    r.database_name = bad;
    auto out = core.s().datasets.upload(kOwner, r);
    ASSERT_FALSE(out.ok()) << bad;
    EXPECT_EQ(out.error().field, "databaseName") << bad;
  }
  r.database_name = "crm";
  r.table_name = "../../x";
  EXPECT_EQ(core.s().datasets.upload(kOwner, r).error().field, "tableName");
}

TEST_F(DatasetsTest, RegistersFromALocalBucket) {
  write("buckets/partner-data/exports/2024/customers.csv", "id,email\n1,a@example.com\n");
  ASSERT_TRUE(core.s().buckets.create(kOwner, "partner-data").ok());
  auto r = request("");
  auto d = core.s().datasets.register_from_bucket(kOwner, "partner-data",
                                                  "exports/2024/customers.csv", r);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->source_bucket, "partner-data");
  EXPECT_EQ(dataset_json(*d)["sourceBucket"], "partner-data");
  EXPECT_EQ(core.s().datasets.get(kOwner, "crm", "customers")->source_bucket, "partner-data");

  auto missing = core.s().datasets.register_from_bucket(kOwner, "partner-data", "nope.csv", r);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(core.s()
                .datasets.register_from_bucket(kOwner, "partner-data", "../../meta.db", r)
                .error()
                .field,
            "key");
  EXPECT_EQ(core.s().datasets.register_from_bucket(kOwner, "Bad_Bucket", "x.csv", r).error().field,
            "bucket");
}

}  // namespace
}  // namespace cleanroom::core
