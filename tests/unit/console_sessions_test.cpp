// Console sessions in the catalog (core/console_sessions.h): only the token's hash is kept, every
// node over the catalog finds every session, and a session ends when idle, too old, signed out,
// or pushed out by newer ones.
#include "core/console_sessions.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "test_support.h"

namespace cleanroom::core {
namespace {

struct ConsoleSessionsTest : ::testing::Test {
  testing::TestCore core;
  catalog::UserRecord user;

  void SetUp() override {
    CreateUserRequest r;
    r.email = "ana@example.com";
    r.password = "correct horse battery staple";
    auto made = core.s().accounts.create_user(r);
    ASSERT_TRUE(made.ok()) << made.error().message;
    user = core.s().accounts.authenticate_password(r.email, r.password).value();
  }
  std::optional<Session> find(ConsoleSessions& s, const std::string& token) {
    auto r = s.find(token);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::nullopt;
  }
};

TEST_F(ConsoleSessionsTest, EveryNodeFindsTheSessionWhichKeepsOnlyTheTokensHash) {
  ConsoleSessions here(*core.ctx), other_node(*core.ctx);
  Session made;
  const std::string token = here.create(user, &made).value();
  EXPECT_TRUE(made.user.password_hash.empty());
  auto found = find(other_node, token);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user.user_id, user.user_id);
  EXPECT_EQ(found->csrf_token, made.csrf_token);
  EXPECT_TRUE(found->user.password_hash.empty());
  // The catalog holds the hash, never the token.
  auto rows = core.db
                  ->read<std::vector<catalog::Row>>([](catalog::Tx& tx) {
                    return tx.query("SELECT token_hash FROM console_sessions");
                  })
                  .value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str("token_hash"), crypto::sha256_hex(token));
  EXPECT_FALSE(find(other_node, "not-" + token));
  ASSERT_TRUE(other_node.remove(token).ok());  // signed out through another node
  EXPECT_FALSE(find(here, token));
}

TEST_F(ConsoleSessionsTest, IdleOldAndCrowdedOutSessionsEnd) {
  SessionOptions idle_now;
  idle_now.idle_seconds = -1;
  ConsoleSessions idle(*core.ctx, idle_now);
  EXPECT_FALSE(find(idle, idle.create(user, nullptr).value()));
  SessionOptions too_old;
  too_old.lifetime_seconds = -1;
  ConsoleSessions old(*core.ctx, too_old);
  EXPECT_FALSE(find(old, old.create(user, nullptr).value()));
  SessionOptions two;
  two.max_sessions = 2;
  ConsoleSessions crowded(*core.ctx, two);
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) tokens.push_back(crowded.create(user, nullptr).value());
  int live = 0;
  for (const auto& t : tokens) live += find(crowded, t) ? 1 : 0;
  EXPECT_EQ(live, 2);
  EXPECT_TRUE(find(crowded, tokens.back()));
}

}  // namespace
}  // namespace cleanroom::core
