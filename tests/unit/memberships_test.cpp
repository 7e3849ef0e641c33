// Memberships' results-bucket rule, tested through the core (no HTTP): the reference's "Ensure that
// the S3 bucket for receiving the query results is a different location from the S3 bucket that
// contains the data that you bring into the collaboration." Data sources cannot register their
// buckets over the API yet, so MembershipService::register_data_bucket is called directly.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "catalog/database.h"
#include "common/crypto.h"
#include "core/core.h"
#include "delivery/object_store.h"
#include "test_support.h"

namespace cleanroom {
namespace {

constexpr const char* kCreator = "111111111111";
constexpr const char* kReceiver = "222222222222";

nlohmann::json s3_config(const std::string& bucket, const std::string& format = "CSV") {
  return {{"outputConfiguration",
           {{"s3", {{"resultFormat", format}, {"bucket", bucket}, {"keyPrefix", "out"}}}}}};
}

class MembershipBuckets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("cleanroom-memberships-" + crypto::uuid4());
    std::filesystem::create_directories(dir_);
    auto db = catalog::Database::open(testing::test_catalog_target(dir_.string()));
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ctx_ = std::make_unique<core::Context>(
        core::Context{*db_, crypto::random_bytes(32), dir_.string(),
                      delivery::local_object_store((dir_ / "buckets").string())});
    s_ = std::make_unique<core::Services>(*ctx_);
    ASSERT_TRUE(s_->accounts.ensure_platform(false).ok());
    ASSERT_TRUE(s_->accounts.create_account(kCreator, "Creator").ok());
    ASSERT_TRUE(s_->accounts.create_account(kReceiver, "Receiver").ok());
    // Results go only to the receiver's own buckets (core/buckets.h).
    for (const char* bucket : {"receiver-data", "receiver-results", "receiver-results-2",
                               "shared-name", "elsewhere-data"})
      ASSERT_TRUE(s_->buckets.create(kReceiver, bucket).ok()) << bucket;

    core::CreateCollaborationRequest req;
    req.name = "Buckets";
    req.description = "results bucket rule";
    req.creator_display_name = "Creator";
    req.creator_abilities = {MemberAbility::CanQuery};
    req.query_log_status = "DISABLED";
    req.members = {{kReceiver, "Receiver", {MemberAbility::CanReceiveResults}, std::nullopt}};
    auto c = s_->collaborations.create(kCreator, req);
    ASSERT_TRUE(c.ok()) << c.error().message;
    collaboration_ = c->collaboration.id;
  }

  void TearDown() override {
    s_.reset();
    ctx_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<core::MembershipView> join(const std::string& bucket) {
    return s_->memberships.create(
        kReceiver, testing::join_request(collaboration_, "ENABLED", s3_config(bucket)));
  }

  std::filesystem::path dir_;
  std::unique_ptr<catalog::Database> db_;
  std::unique_ptr<core::Context> ctx_;
  std::unique_ptr<core::Services> s_;
  std::string collaboration_;
};

TEST_F(MembershipBuckets, ResultsCannotGoToTheBucketHoldingTheMembersData) {
  ASSERT_TRUE(
      s_->memberships.register_data_bucket(collaboration_, kReceiver, "receiver-data").ok());

  auto refused = join("receiver-data");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Validation);
  EXPECT_NE(refused.error().message.find("receiver-data"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("different bucket"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().field, "defaultResultConfiguration.outputConfiguration.s3.bucket");

  // Nothing was created: the member is still invited and has no membership.
  auto listed = s_->memberships.list(kReceiver, std::nullopt, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->first.empty());
  auto seen = s_->collaborations.get(kReceiver, collaboration_);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(wire_name(seen->member_status), "INVITED");

  auto joined = join("receiver-results");
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(wire_name(joined->membership.status), "ACTIVE");
  EXPECT_EQ(testing::destination_json(joined->membership.default_destination),
            s3_config("receiver-results"));
}

TEST_F(MembershipBuckets, UpdateCannotMoveResultsIntoTheDataBucket) {
  auto joined = join("receiver-results");
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  ASSERT_TRUE(
      s_->memberships.register_data_bucket(collaboration_, kReceiver, "receiver-data").ok());

  core::UpdateMembershipRequest move = testing::move_request(s3_config("receiver-data", "PARQUET"));
  auto refused = s_->memberships.update(kReceiver, joined->membership.id, move);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Validation);
  EXPECT_NE(refused.error().message.find("receiver-data"), std::string::npos)
      << refused.error().message;
  auto unchanged = s_->memberships.get(kReceiver, joined->membership.id);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(testing::destination_json(unchanged->membership.default_destination),
            s3_config("receiver-results"));

  core::UpdateMembershipRequest other =
      testing::move_request(s3_config("receiver-results-2", "PARQUET"));
  auto moved = s_->memberships.update(kReceiver, joined->membership.id, other);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(testing::destination_json(moved->membership.default_destination),
            s3_config("receiver-results-2", "PARQUET"));
}

TEST_F(MembershipBuckets, TheResultsBucketCannotThenBeRegisteredForData) {
  ASSERT_TRUE(join("receiver-results").ok());
  auto refused =
      s_->memberships.register_data_bucket(collaboration_, kReceiver, "receiver-results");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Validation);
  EXPECT_NE(refused.error().message.find("receiver-results"), std::string::npos)
      << refused.error().message;
}

TEST_F(MembershipBuckets, TheRuleIsPerMemberAndPerCollaboration) {
  // Another member's data bucket does not restrict this member.
  ASSERT_TRUE(s_->memberships.register_data_bucket(collaboration_, kCreator, "shared-name").ok());
  auto joined = join("shared-name");
  ASSERT_TRUE(joined.ok()) << joined.error().message;

  // Nor does the member's data bucket in a different collaboration.
  core::CreateCollaborationRequest req;
  req.name = "Second";
  req.description = "another collaboration";
  req.creator_display_name = "Creator";
  req.creator_abilities = {MemberAbility::CanQuery};
  req.query_log_status = "DISABLED";
  req.members = {{kReceiver, "Receiver", {MemberAbility::CanReceiveResults}, std::nullopt}};
  auto second = s_->collaborations.create(kCreator, req);
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_TRUE(
      s_->memberships.register_data_bucket(second->collaboration.id, kReceiver, "elsewhere-data")
          .ok());
  core::UpdateMembershipRequest move = testing::move_request(s3_config("elsewhere-data"));
  EXPECT_TRUE(s_->memberships.update(kReceiver, joined->membership.id, move).ok());

  // A non-member cannot register buckets in the collaboration.
  auto outsider = s_->memberships.register_data_bucket(collaboration_, "999999999999", "x-data");
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().kind, ErrorKind::NotFound);
}

}  // namespace
}  // namespace cleanroom
