// Difference checks' store (core/difference_checks.h) and the engine's people hash: which groups
// are admitted against the history, that concurrent runs see each other, and that the history
// survives a restart (and a torn append) but not its retention window.
#include "core/difference_checks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "common/clock.h"
#include "common/crypto.h"
#include "policy/analysis_rule.h"
#include "policy/query_check.h"

namespace cleanroom {
namespace {

namespace fs = std::filesystem;
using core::DifferenceChecks;

std::vector<uint64_t> people(uint64_t first, uint64_t count) {
  std::vector<uint64_t> v(count);
  std::iota(v.begin(), v.end(), first);
  return v;
}

struct DifferenceChecksTest : ::testing::Test {
  std::string dir = (fs::temp_directory_path() / ("cleanroom-diff-" + crypto::uuid4())).string();
  std::string key = crypto::random_bytes(32);
  ~DifferenceChecksTest() override { fs::remove_all(dir); }
};

TEST(SipHash, MatchesTheReferenceVectors) {
  // The reference implementation's vectors: key 00..0f, messages 00, 00 01, ... of each length.
  const engine::SipKey key = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  std::string message;
  EXPECT_EQ(engine::siphash24(key, message), 0x726fdb47dd0e0e31ULL);
  for (int i = 0; i < 15; ++i) message.push_back(static_cast<char>(i));
  EXPECT_EQ(engine::siphash24(key, message), 0xa129ca6149be45e5ULL);
}

TEST(SymmetricDifference, CountsUpToTheLimit) {
  EXPECT_EQ(core::symmetric_difference(people(0, 10), people(0, 10), 5), 0);
  EXPECT_EQ(core::symmetric_difference(people(0, 10), people(0, 9), 5), 1);
  EXPECT_EQ(core::symmetric_difference(people(0, 10), people(1, 10), 5), 2);
  EXPECT_EQ(core::symmetric_difference(people(0, 10), people(100, 10), 5), 5);
  EXPECT_EQ(core::symmetric_difference({}, people(0, 3), 5), 3);
}

TEST_F(DifferenceChecksTest, AGroupOneAwayFromAnAnsweredGroupIsRefused) {
  DifferenceChecks checks(dir, key);
  auto run = std::move(checks.start("c1")).value();
  EXPECT_TRUE(run->admit(people(0, 6), 3));    // the target (5) and five decoys
  EXPECT_FALSE(run->admit(people(0, 5), 3));   // the five decoys alone: 1 apart
  EXPECT_FALSE(run->admit(people(0, 7), 3));   // one more: 1 apart
  EXPECT_TRUE(run->admit(people(0, 6), 3));    // the same people again: nothing to learn
  EXPECT_TRUE(run->admit(people(0, 9), 3));    // 3 apart: as far as the minimum asks
  EXPECT_TRUE(run->admit(people(100, 6), 3));  // other people
  EXPECT_EQ(run->refused(), 2);
}

TEST_F(DifferenceChecksTest, TheLargerMinimumOfTheTwoGroupsDecides) {
  DifferenceChecks checks(dir, key);
  auto run = std::move(checks.start("c1")).value();
  EXPECT_TRUE(run->admit(people(0, 200), 100));
  // 50 apart: far enough for a minimum of 2, not for the earlier group's 100.
  EXPECT_FALSE(run->admit(people(0, 150), 2));
  EXPECT_TRUE(run->admit(people(0, 100), 2));  // 100 apart
}

TEST_F(DifferenceChecksTest, RunsSideBySideSeeEachOthersGroupsAndCollaborationsAreApart) {
  DifferenceChecks checks(dir, key);
  auto first = std::move(checks.start("c1")).value();
  auto second = std::move(checks.start("c1")).value();
  auto elsewhere = std::move(checks.start("c2")).value();
  EXPECT_TRUE(first->admit(people(0, 10), 3));
  EXPECT_FALSE(second->admit(people(0, 11), 3));
  EXPECT_TRUE(elsewhere->admit(people(0, 11), 3));
}

TEST_F(DifferenceChecksTest, RecordedGroupsSurviveARestartAndATornAppend) {
  {
    DifferenceChecks checks(dir, key);
    auto run = std::move(checks.start("c1")).value();
    EXPECT_TRUE(run->admit(people(0, 10), 3));
    ASSERT_TRUE(run->record().ok());
    auto unrecorded = std::move(checks.start("c1")).value();
    EXPECT_TRUE(unrecorded->admit(people(500, 10), 3));  // its query failed: never recorded
  }
  // A crash while appending leaves half a record behind.
  {
    std::ofstream out(dir + "/c1.sets", std::ios::binary | std::ios::app);
    const uint64_t head[3] = {1, 3, 1000};
    out.write(reinterpret_cast<const char*>(head), sizeof(head));
  }
  DifferenceChecks restarted(dir, key);
  auto run = std::move(restarted.start("c1")).value();
  EXPECT_FALSE(run->admit(people(0, 9), 3));
  EXPECT_TRUE(run->admit(people(500, 9), 3));
  // The torn tail was cut off: the file holds the one good record.
  EXPECT_EQ(fs::file_size(dir + "/c1.sets"), 3 * sizeof(uint64_t) + 10 * sizeof(uint64_t));
}

// Several nodes: what one node records is in the shared store before record() returns, and the
// node that runs the collaboration's queries next starts from it; a node that loaded the history
// before it became the collaboration's home loads it again.
TEST_F(DifferenceChecksTest, ASharedHistoryCarriesGroupsToTheNextNode) {
  auto store = std::shared_ptr<delivery::ObjectStore>(delivery::local_object_store(dir + "/store"));
  ASSERT_TRUE(store->create_bucket("shared").ok());
  auto shared = [&] { return std::make_pair(store.get(), std::string("shared")); };
  DifferenceChecks a(dir + "/a", key, core::kMaxPeoplePerCollaboration, shared);
  DifferenceChecks b(dir + "/b", key, core::kMaxPeoplePerCollaboration, shared);
  auto b_early = std::move(b.start("c1")).value();  // b loads c1 while a is its home
  auto run = std::move(a.start("c1")).value();
  EXPECT_TRUE(run->admit(people(0, 10), 3));
  ASSERT_TRUE(run->record().ok());
  EXPECT_TRUE(fs::exists(dir + "/store/shared/difference-checks/c1.sets"));
  // Still b's old view: what it loaded before cannot see a's group...
  auto stale = std::move(b.start("c1", 0)).value();
  EXPECT_TRUE(stale->admit(people(100, 10), 3));
  // ...and from the moment b is the home, it reads the history again and refuses the difference.
  auto fresh = std::move(b.start("c1", now_epoch_millis() + 1)).value();
  EXPECT_FALSE(fresh->admit(people(0, 9), 3));
}

TEST_F(DifferenceChecksTest, AFullHistoryWithholdsNewGroupsAndForgetsNothing) {
  DifferenceChecks checks(dir, key, /*max_people=*/20);
  auto run = std::move(checks.start("c1")).value();
  EXPECT_TRUE(run->admit(people(0, 10), 3));
  EXPECT_TRUE(run->admit(people(100, 10), 3));
  EXPECT_FALSE(run->admit(people(200, 10), 3));  // full: withheld
  EXPECT_TRUE(run->admit(people(0, 10), 3));     // already kept: answered again
  EXPECT_FALSE(run->admit(people(0, 9), 3));     // the first group is still there
}

TEST_F(DifferenceChecksTest, RecordsOlderThanTheRetentionWindowAreForgotten) {
  fs::create_directories(dir);
  {
    std::ofstream out(dir + "/c1.sets", std::ios::binary);
    const uint64_t head[3] = {1000, 3, 10};  // 1970: long past the window
    out.write(reinterpret_cast<const char*>(head), sizeof(head));
    auto p = people(0, 10);
    out.write(reinterpret_cast<const char*>(p.data()), p.size() * sizeof(uint64_t));
  }
  DifferenceChecks checks(dir, key);
  auto run = std::move(checks.start("c1")).value();
  EXPECT_TRUE(run->admit(people(0, 9), 3));
  EXPECT_EQ(fs::file_size(dir + "/c1.sets"), 0u);
}

}  // namespace
}  // namespace cleanroom

namespace cleanroom {
namespace {

policy::QueryContext one_table_context(bool difference_checks) {
  nlohmann::json rule = {
      {"v1",
       {{"aggregation",
         {{"aggregateColumns",
           {{{"columnNames", {"user_id"}}, {"function", "COUNT_DISTINCT"}},
            {{"columnNames", {"cost"}}, {"function", "SUM"}}}},
          {"joinColumns", {"user_id"}},
          {"dimensionColumns", {"segment"}},
          {"scalarFunctions", nlohmann::json::array()},
          {"outputConstraints",
           {{{"columnName", "user_id"}, {"minimum", 3}, {"type", "COUNT_DISTINCT"}}}}}}}}};
  const std::vector<std::string> columns = {"user_id", "segment", "cost"};
  policy::QueryContext ctx;
  ctx.runner_account_id = "111111111111";
  ctx.tables = {{"people", columns,
                 policy::parse_analysis_rule("AGGREGATION", rule, columns).value(), "222222222222",
                 std::nullopt}};
  ctx.tables[0].column_types = {{"user_id", "VARCHAR"}, {"segment", "VARCHAR"}, {"cost", "DOUBLE"}};
  ctx.difference_checks = difference_checks;
  return ctx;
}

TEST(DifferenceCheckRewrite, AThresholdedQueryAsksForItsGroupsPeopleAfterEverythingElse) {
  const char* sql = "SELECT segment, SUM(cost) FROM people GROUP BY segment HAVING SUM(cost) > 1";
  auto on = policy::check_query(sql, one_table_context(true));
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->checks_people);
  EXPECT_NE(on->sql.find("HAVING CASE  WHEN ((TRY((sum(\"cost\") > 1)) AND (count(DISTINCT "
                         "people.user_id) >= 3))) THEN"),
            std::string::npos)
      << on->sql;
  EXPECT_NE(on->sql.find(
                "__cleanroom_admit_people(__cleanroom_people(CAST(people.user_id AS VARCHAR)), 3)"),
            std::string::npos)
      << on->sql;
  auto off = policy::check_query(sql, one_table_context(false));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->checks_people);
  EXPECT_EQ(off->sql.find("__cleanroom"), std::string::npos) << off->sql;
}

TEST(DifferenceCheckRewrite, TheAnalystCannotCallTheCheck) {
  auto r = policy::check_query(
      "SELECT segment, SUM(cost) FROM people GROUP BY segment "
      "HAVING __cleanroom_admit_people(__cleanroom_people(user_id), 3) OR TRUE",
      one_table_context(true));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace cleanroom
