#include "core/sign_in_throttle.h"

#include <gtest/gtest.h>

using cleanroom::core::SignInThrottle;

TEST(SignInThrottle, FreeFailuresThenAWaitThatDoublesUpToTheCap) {
  SignInThrottle t;
  const int64_t now = 1'000'000;
  for (int i = 0; i < SignInThrottle::kFreeFailures - 1; ++i) {
    t.failed("a@example.com", now);
    EXPECT_EQ(t.wait_seconds("a@example.com", now), 0) << "failure " << i + 1;
  }
  t.failed("a@example.com", now);
  EXPECT_EQ(t.wait_seconds("a@example.com", now), 60);
  EXPECT_EQ(t.wait_seconds("a@example.com", now + 59), 1);
  EXPECT_EQ(t.wait_seconds("a@example.com", now + 60), 0);
  t.failed("a@example.com", now + 60);
  EXPECT_EQ(t.wait_seconds("a@example.com", now + 60), 120);
  for (int i = 0; i < 10; ++i) t.failed("a@example.com", now + 1000);
  EXPECT_EQ(t.wait_seconds("a@example.com", now + 1000), SignInThrottle::kMaxWaitSeconds);
}

TEST(SignInThrottle, EmailsAreCountedWithoutCaseAndApart) {
  SignInThrottle t;
  for (int i = 0; i < SignInThrottle::kFreeFailures; ++i)
    t.failed(i % 2 ? "A@Example.com" : "a@example.com", 10);
  EXPECT_GT(t.wait_seconds("a@EXAMPLE.com", 10), 0);
  EXPECT_EQ(t.wait_seconds("b@example.com", 10), 0);
}

TEST(SignInThrottle, ASuccessForgetsTheFailures) {
  SignInThrottle t;
  for (int i = 0; i < SignInThrottle::kFreeFailures - 1; ++i) t.failed("a@example.com", 10);
  t.succeeded("a@example.com");
  t.failed("a@example.com", 10);
  EXPECT_EQ(t.wait_seconds("a@example.com", 10), 0);
}
