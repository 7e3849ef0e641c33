// The sign-in throttle over the catalog (core/sign_in_throttle.h): free failures, then a wait
// that doubles; counted per email without case; shared by every node of the catalog.
#include "core/sign_in_throttle.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace cleanroom::core {
namespace {

struct SignInThrottleTest : ::testing::Test {
  testing::TestCore core;
  SignInThrottle t{*core.db};
  int64_t wait(const std::string& email, int64_t now) { return t.wait_seconds(email, now).value(); }
  void fail(const std::string& email, int64_t now) { ASSERT_TRUE(t.failed(email, now).ok()); }
};

TEST_F(SignInThrottleTest, FreeFailuresThenAWaitThatDoublesUpToTheCap) {
  const int64_t now = 1'000'000;
  for (int i = 0; i < SignInThrottle::kFreeFailures - 1; ++i) {
    fail("a@example.com", now);
    EXPECT_EQ(wait("a@example.com", now), 0) << "failure " << i + 1;
  }
  fail("a@example.com", now);
  EXPECT_EQ(wait("a@example.com", now), 60);
  EXPECT_EQ(wait("a@example.com", now + 59), 1);
  EXPECT_EQ(wait("a@example.com", now + 60), 0);
  fail("a@example.com", now + 60);
  EXPECT_EQ(wait("a@example.com", now + 60), 120);
  for (int i = 0; i < 10; ++i) fail("a@example.com", now + 1000);
  EXPECT_EQ(wait("a@example.com", now + 1000), SignInThrottle::kMaxWaitSeconds);
}

TEST_F(SignInThrottleTest, EmailsAreCountedWithoutCaseAndApart) {
  for (int i = 0; i < SignInThrottle::kFreeFailures; ++i)
    fail(i % 2 ? "A@Example.com" : "a@example.com", 10);
  EXPECT_GT(wait("a@EXAMPLE.com", 10), 0);
  EXPECT_EQ(wait("b@example.com", 10), 0);
}

TEST_F(SignInThrottleTest, ASuccessForgetsTheFailures) {
  for (int i = 0; i < SignInThrottle::kFreeFailures - 1; ++i) fail("a@example.com", 10);
  ASSERT_TRUE(t.succeeded("a@example.com").ok());
  fail("a@example.com", 10);
  EXPECT_EQ(wait("a@example.com", 10), 0);
}

// Another node over the same catalog sees the same counts: guesses spread over the nodes (or
// made across a restart) are counted together.
TEST_F(SignInThrottleTest, EveryNodeOfTheCatalogCountsTheSameFailures) {
  SignInThrottle other_node(*core.db);
  for (int i = 0; i < SignInThrottle::kFreeFailures; ++i)
    ASSERT_TRUE((i % 2 ? t : other_node).failed("a@example.com", 100).ok());
  EXPECT_EQ(other_node.wait_seconds("a@example.com", 100).value(), 60);
}

TEST_F(SignInThrottleTest, CountsUntouchedForADayAreForgotten) {
  for (int i = 0; i < SignInThrottle::kFreeFailures; ++i) fail("old@example.com", 10);
  fail("new@example.com", 10 + 24 * 60 * 60 + 1);
  EXPECT_EQ(wait("old@example.com", 10), 0);
}

}  // namespace
}  // namespace cleanroom::core
