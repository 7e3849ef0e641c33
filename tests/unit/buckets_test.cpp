// Buckets have owners (core/buckets.h): the one rule every bucket read and every result
// destination goes through, the keyPrefix check, and how a bucket comes to belong to an account.
#include "core/buckets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "test_support.h"

namespace cleanroom::core {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kA = "111111111111";
constexpr const char* kB = "222222222222";

class Buckets : public ::testing::Test {
 protected:
  testing::TestCore t;

  void SetUp() override {
    ASSERT_TRUE(t.s().accounts.create_account(kA, "A").ok());
    ASSERT_TRUE(t.s().accounts.create_account(kB, "B").ok());
  }

  Status own(const std::string& account, const std::string& bucket) {
    return status_of(t.db->read<bool>([&](catalog::Tx& tx) -> Result<bool> {
      CR_TRY(require_own_bucket(tx, account, bucket, "some.field"));
      return true;
    }));
  }
};

TEST_F(Buckets, CreatingGivesTheBucketToTheAccountAndMakesItsFolder) {
  auto b = t.s().buckets.create(kA, "a-data");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->account_id, kA);
  EXPECT_TRUE(fs::is_directory(t.dir + "/buckets/a-data"));
  EXPECT_TRUE(own(kA, "a-data").ok());
  // Again for the same owner is no error; for another account it is a conflict.
  EXPECT_TRUE(t.s().buckets.create(kA, "a-data").ok());
  auto taken = t.s().buckets.create(kB, "a-data");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().kind, ErrorKind::Conflict);
  EXPECT_FALSE(own(kB, "a-data").ok());

  auto listed = t.s().buckets.list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(bucket_json((*listed)[0])["accountId"], kA);

  EXPECT_EQ(t.s().buckets.create(kA, "Bad_Name").error().field, "bucket");
  EXPECT_EQ(t.s().buckets.create("999999999999", "x-data").error().kind, ErrorKind::NotFound);
  EXPECT_FALSE(fs::exists(t.dir + "/buckets/x-data")) << "nothing is made for an unknown account";
}

// A folder made by hand under DATA_DIR/buckets belongs to nobody until the operator assigns it.
TEST_F(Buckets, AFolderWithNoOwnerIsUsableByNobody) {
  fs::create_directories(t.dir + "/buckets/stray/in");
  std::ofstream(t.dir + "/buckets/stray/in/data.csv") << "id,email\n1,a@example.com\n";
  EXPECT_FALSE(own(kA, "stray").ok());
  EXPECT_FALSE(own(kB, "stray").ok());
  UploadRequest r;
  r.database_name = "crm";
  r.table_name = "stray";
  auto refused = t.s().datasets.register_from_bucket(kA, "stray", "in/data.csv", r);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(refused.error().field, "bucket");

  ASSERT_TRUE(t.s().buckets.create(kA, "stray").ok());
  EXPECT_TRUE(fs::exists(t.dir + "/buckets/stray/in/data.csv")) << "assigning keeps the contents";
  auto read = t.s().datasets.register_from_bucket(kA, "stray", "in/data.csv", r);
  ASSERT_TRUE(read.ok()) << read.error().message;
  auto other = t.s().datasets.register_from_bucket(kB, "stray", "in/data.csv", r);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::AccessDenied);
}

// The answer is the same whether the bucket is another account's or does not exist at all, and
// names neither the owner nor anything about the bucket's contents.
TEST_F(Buckets, RefusalRevealsNeitherExistenceNorOwner) {
  ASSERT_TRUE(t.s().buckets.create(kA, "abc-data").ok());
  Status theirs = own(kB, "abc-data");
  Status missing = own(kB, "xyz-data");
  ASSERT_FALSE(theirs.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(theirs.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(missing.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(theirs.error().field, "some.field");
  std::string a = theirs.error().message, b = missing.error().message;
  a.replace(a.find("abc-data"), 8, "?");
  b.replace(b.find("xyz-data"), 8, "?");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.find(kA), std::string::npos) << a;
  EXPECT_NE(a.find("some.field"), std::string::npos) << "the message names the field";
}

TEST_F(Buckets, KeyPrefixesThatCouldLeaveTheirPlaceAreRefused) {
  for (const char* good : {"", "amc", "amc/", "a/b/c", "runs-2024/q.1", "x//"})
    EXPECT_TRUE(check_key_prefix(good, "f").ok()) << good;
  for (const std::string& bad : std::vector<std::string>{
           "..", "../x", "a/../b", "a/..", "./a", "a/./b", "/abs", "a\\b", std::string("a\0b", 3),
           "a//b", "tab\there", std::string(513, 'a')}) {
    Status s = check_key_prefix(bad, "f.keyPrefix");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().kind, ErrorKind::Validation) << bad;
    EXPECT_EQ(s.error().field, "f.keyPrefix") << bad;
  }
}

// Memberships: the default destination is refused unless the bucket is the member's own and its
// prefix well formed, on create and on update; nothing is created by a refused request.
TEST_F(Buckets, MembershipDestinationsMustBeTheMembersOwn) {
  CreateCollaborationRequest c;
  c.name = "owners";
  c.description = "d";
  c.creator_display_name = "A";
  c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
  c.members = {{kB, "B", {MemberAbility::CanReceiveResults}, std::nullopt}};
  c.query_log_status = "DISABLED";
  auto collab = t.s().collaborations.create(kA, c);
  ASSERT_TRUE(collab.ok()) << collab.error().message;
  ASSERT_TRUE(t.s().buckets.create(kA, "a-results").ok());
  ASSERT_TRUE(t.s().buckets.create(kB, "b-results").ok());
  auto config = [](const std::string& bucket, const std::string& prefix) {
    return json{{"outputConfiguration",
                 {{"s3", {{"resultFormat", "CSV"}, {"bucket", bucket}, {"keyPrefix", prefix}}}}}};
  };

  auto into_a = t.s().memberships.create(
      kB, testing::join_request(collab->collaboration.id, "DISABLED", config("a-results", "x")));
  ASSERT_FALSE(into_a.ok());
  EXPECT_EQ(into_a.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(into_a.error().field, "defaultResultConfiguration.outputConfiguration.s3.bucket");
  auto escaping =
      t.s().memberships.create(kB, testing::join_request(collab->collaboration.id, "DISABLED",
                                                         config("b-results", "../a-results")));
  ASSERT_FALSE(escaping.ok());
  EXPECT_EQ(escaping.error().kind, ErrorKind::Validation);
  EXPECT_EQ(escaping.error().field, "defaultResultConfiguration.outputConfiguration.s3.keyPrefix");
  EXPECT_TRUE(t.s().memberships.list(kB, std::nullopt, {})->first.empty());

  auto joined = t.s().memberships.create(
      kB, testing::join_request(collab->collaboration.id, "DISABLED", config("b-results", "out/")));
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  UpdateMembershipRequest move = testing::move_request(config("a-results", "out"));
  auto moved = t.s().memberships.update(kB, joined->membership.id, move);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(testing::destination_json(
                t.s().memberships.get(kB, joined->membership.id)->membership.default_destination),
            config("b-results", "out/"));
}

}  // namespace
}  // namespace cleanroom::core
