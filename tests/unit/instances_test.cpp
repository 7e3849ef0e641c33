// The AMC instance's rules, tested through the core (no HTTP).
#include <gtest/gtest.h>

#include "test_support.h"

namespace cleanroom {
namespace {

struct Advertiser {
  core::AmcCaller caller;
  std::string account_id;
};

Advertiser make_advertiser(core::Services& s, const std::string& account_id = "682015411111") {
  EXPECT_TRUE(s.accounts.create_account(account_id, "Advertiser A").ok());
  auto amc = s.accounts.create_amc_account("Advertiser A", "ATVPDKIKX0DER").value();
  core::CreateUserRequest u;
  u.email = "admin-" + account_id + "@example.com";
  u.amc_account = amc.advertiser_id;
  u.aws_account = account_id;
  auto user = s.accounts.create_user(u).value();
  auto caller = s.accounts.resolve_amc_caller(user.bearer_token, user.client_id, "ATVPDKIKX0DER",
                                              amc.advertiser_id);
  return {caller.value(), account_id};
}

core::CreateInstanceRequest sample_request(const std::string& account_id) {
  core::CreateInstanceRequest r;
  r.instance_name = "my_collaboration_instance";
  r.aws_account_id = account_id;
  r.acr_backed = true;
  return r;
}

TEST(Instances, CreateMakesTheCollaborationWithTheReferencesMembers) {
  testing::TestCore t;
  ASSERT_TRUE(t.s().accounts.ensure_platform(true).ok());
  auto adv = make_advertiser(t.s());
  auto v = t.s().instances.create(adv.caller, sample_request(adv.account_id));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(wire_name(v->instance.creation_status), "REQUESTED");
  EXPECT_EQ(v->collaboration_name, "AMC " + v->instance.instance_id);
  EXPECT_EQ(wire_name(v->collaboration_status), "Invited");
  ASSERT_EQ(v->members.size(), 8u);  // the advertiser and seven service members

  auto invited = t.s().collaborations.list(adv.account_id, MemberStatus::Invited, {});
  ASSERT_TRUE(invited.ok());
  ASSERT_EQ(invited->first.size(), 1u);
  EXPECT_EQ(invited->first[0].collaboration.id, v->instance.collaboration_id);
}

TEST(Instances, PrimaryMembershipActivatesAndLeavingShowsLeft) {
  testing::TestCore t;
  ASSERT_TRUE(t.s().accounts.ensure_platform(true).ok());
  auto adv = make_advertiser(t.s());
  auto v = t.s().instances.create(adv.caller, sample_request(adv.account_id)).value();
  ASSERT_TRUE(t.s().buckets.create(adv.account_id, "results").ok());

  core::CreateMembershipRequest join = testing::join_request(
      v.instance.collaboration_id, "ENABLED",
      {{"outputConfiguration", {{"s3", {{"resultFormat", "CSV"}, {"bucket", "results"}}}}}});
  auto ms = t.s().memberships.create(adv.account_id, join);
  ASSERT_TRUE(ms.ok()) << ms.error().message;
  auto active = t.s().instances.get(adv.caller, v.instance.instance_id).value();
  EXPECT_EQ(wire_name(active.instance.creation_status), "ACTIVE");
  EXPECT_EQ(wire_name(active.collaboration_status), "Active");

  ASSERT_TRUE(t.s().memberships.remove(adv.account_id, ms->membership.id).ok());
  auto left = t.s().instances.get(adv.caller, v.instance.instance_id).value();
  EXPECT_EQ(wire_name(left.collaboration_status), "Left");
  auto again = t.s().memberships.create(adv.account_id, join);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
  EXPECT_NE(again.error().message.find("new AMC instance"), std::string::npos);
}

TEST(Instances, NothingIsCreatedWhenTheCollaborationCannotBe) {
  testing::TestCore t;  // no ensure_platform: the service accounts are missing
  auto adv = make_advertiser(t.s());
  auto v = t.s().instances.create(adv.caller, sample_request(adv.account_id));
  ASSERT_FALSE(v.ok());
  auto list = t.s().instances.list(adv.caller, "", 100);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->first.empty());
  EXPECT_TRUE(t.s().collaborations.list(adv.account_id, std::nullopt, {})->first.empty());
}

TEST(Instances, OnlyAnAdminOfBothAccountsMayCreate) {
  testing::TestCore t;
  ASSERT_TRUE(t.s().accounts.ensure_platform(true).ok());
  auto adv = make_advertiser(t.s());
  ASSERT_TRUE(t.s().accounts.create_account("123456789001", "Other").ok());
  auto r = t.s().instances.create(adv.caller, sample_request("123456789001"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::AccessDenied);

  adv.caller.amc_role = "USER";
  r = t.s().instances.create(adv.caller, sample_request(adv.account_id));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::AccessDenied);
}

TEST(Instances, AnotherAmcAccountCannotSeeTheInstance) {
  testing::TestCore t;
  ASSERT_TRUE(t.s().accounts.ensure_platform(true).ok());
  auto a = make_advertiser(t.s(), "682015411111");
  auto b = make_advertiser(t.s(), "682015411112");
  auto v = t.s().instances.create(a.caller, sample_request(a.account_id)).value();
  auto r = t.s().instances.get(b.caller, v.instance.instance_id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
}

}  // namespace
}  // namespace cleanroom
