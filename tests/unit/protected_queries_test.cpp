// Protected queries through the core: who may run them, where results go, thresholds applied in
// the engine, and the state machine (SUBMITTED -> STARTED -> SUCCESS | FAILED | CANCELLED |
// TIMED_OUT). The checker's rules themselves are tested as data by query_policy_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "catalog/nodes_repo.h"
#include "catalog/protected_queries_repo.h"
#include "common/clock.h"
#include "test_support.h"

namespace cleanroom {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kA = "111111111111";  // creator: can query and receive results
const std::string kB = "222222222222";  // brings data, cannot query

json aggregation_rule(const std::vector<std::string>& dimensions, int minimum) {
  json dims = json::array();
  for (const auto& d : dimensions) dims.push_back(d);
  return {{"v1",
           {{"aggregation",
             {{"aggregateColumns",
               {{{"columnNames", {"hashed_email"}}, {"function", "COUNT_DISTINCT"}}}},
              {"joinColumns", {"hashed_email"}},
              {"dimensionColumns", dims},
              {"scalarFunctions", json::array()},
              {"outputConstraints",
               {{{"columnName", "hashed_email"},
                 {"minimum", minimum},
                 {"type", "COUNT_DISTINCT"}}}}}}}}};
}

json s3_config(const std::string& bucket, const std::string& format) {
  return {{"outputConfiguration",
           {{"s3", {{"bucket", bucket}, {"keyPrefix", "runs"}, {"resultFormat", format}}}}}};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A (segments of customers) and B (an audience) in one collaboration, both tables associated with
// aggregation rules; gold has 3 users in the overlap, silver 1, so silver fails a minimum of 2.
struct ProtectedQueries : ::testing::Test {
  testing::TestCore t;
  std::string collaboration_id, membership_a, membership_b;

  void SetUp() override { build(t, "DISABLED"); }

  void build(testing::TestCore& core, const std::string& query_log) {
    ASSERT_TRUE(core.s().accounts.create_account(kA, "A").ok());
    ASSERT_TRUE(core.s().accounts.create_account(kB, "B").ok());
    // Results go only to A's own buckets (core/buckets.h).
    ASSERT_TRUE(core.s().buckets.create(kA, "results").ok());
    ASSERT_TRUE(core.s().buckets.create(kA, "other-results").ok());
    upload(core, kA, "sales", "customers",
           "hashed_email,segment,spend\n"
           "e1,gold,10\ne2,gold,20\ne3,gold,30\ne4,silver,5\ne5,silver,7\n");
    upload(core, kB, "crm", "audience", "hashed_email,region\ne1,n\ne2,s\ne3,n\ne4,s\ne9,n\n");
    core::CreateCollaborationRequest c;
    c.name = "test";
    c.creator_display_name = "A";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kB, "B", {}, std::nullopt}};
    c.query_log_status = query_log;
    collaboration_id = core.s().collaborations.create(kA, c).value().collaboration.id;
    membership_a = core.s()
                       .memberships
                       .create(kA, testing::join_request(collaboration_id, query_log,
                                                         s3_config("results", "CSV")))
                       .value()
                       .membership.id;
    membership_b = core.s()
                       .memberships.create(kB, testing::join_request(collaboration_id, query_log))
                       .value()
                       .membership.id;
    configure(core, kA, membership_a, "sales", "customers", {"hashed_email", "segment", "spend"},
              aggregation_rule({"segment"}, 2), "customers");
    configure(core, kB, membership_b, "crm", "audience", {"hashed_email", "region"},
              aggregation_rule({"region"}, 2), "audience");
  }

  void upload(testing::TestCore& core, const std::string& account, const std::string& db,
              const std::string& table, const std::string& csv) {
    std::string path = core.dir + "/" + account + table + ".csv";
    std::ofstream(path) << csv;
    core::UploadRequest r;
    r.database_name = db;
    r.table_name = table;
    r.source_path = path;
    auto d = core.s().datasets.upload(account, r);
    ASSERT_TRUE(d.ok()) << d.error().message;
  }

  // Both members' tables with `rows` rows, every one of them matching: enough work for a query
  // to run a while, or to outgrow a small memory limit.
  void upload_large_tables(int rows) {
    std::string customers = "hashed_email,segment,spend\n", audience = "hashed_email,region\n";
    for (int i = 0; i < rows; ++i) {
      customers += "e" + std::to_string(i) + (i % 2 ? ",gold,1\n" : ",silver,2\n");
      audience += "e" + std::to_string(i) + ",n\n";
    }
    upload(t, kA, "sales", "customers", customers);
    upload(t, kB, "crm", "audience", audience);
  }

  void configure(testing::TestCore& core, const std::string& account, const std::string& membership,
                 const std::string& db, const std::string& table, std::vector<std::string> columns,
                 const json& rule, const std::string& name) {
    auto& tables = core.s().configured_tables;
    auto ct =
        tables.create(account, {name, std::nullopt, {db, table}, columns, "DIRECT_QUERY", {}});
    ASSERT_TRUE(ct.ok()) << ct.error().message;
    auto r = tables.create_rule(account, ct->table.id, "AGGREGATION", rule);
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto a = tables.create_association(account, {membership, ct->table.id, name, std::nullopt,
                                                 "arn:aws:iam::" + account + ":role/cleanrooms"});
    ASSERT_TRUE(a.ok()) << a.error().message;
  }

  core::StartQueryRequest request(const std::string& sql, json result_config = nullptr) {
    core::StartQueryRequest r;
    r.membership_id = membership_a;
    r.query_string = sql;
    r.destination = api::cleanrooms::query_destination_of(result_config).value();
    r.destination_names = api::cleanrooms::destination_names("resultConfiguration");
    return r;
  }

  // Starts as A, waits for the workers, and returns the query as A then sees it.
  core::ProtectedQueryView run(const std::string& sql, json result_config = nullptr) {
    auto started = t.s().protected_queries.start(kA, request(sql, std::move(result_config)));
    EXPECT_TRUE(started.ok()) << started.error().message;
    if (!started.ok()) return {};
    EXPECT_EQ(wire_name(started->query.status), "SUBMITTED");
    t.s().protected_queries.wait_idle();
    return t.s().protected_queries.get(kA, membership_a, started->query.id).value();
  }

  std::string local_object(const std::string& location) {
    EXPECT_EQ(location.rfind("s3://", 0), 0u) << location;
    return t.dir + "/buckets/" + location.substr(5);
  }
};

const char* kOverlapBySegment =
    "SELECT c.segment, COUNT(DISTINCT c.hashed_email) AS users FROM customers c "
    "JOIN audience a ON c.hashed_email = a.hashed_email GROUP BY c.segment";

TEST_F(ProtectedQueries, JoinRunsAndOnlyRowsMeetingTheConstraintReachTheBucket) {
  auto v = run(kOverlapBySegment);
  ASSERT_EQ(wire_name(v.query.status), "SUCCESS") << v.query.error_message;
  EXPECT_EQ(v.query.result_location, "s3://results/runs/" + v.query.id + "/result.csv");
  EXPECT_EQ(read_file(local_object(v.query.result_location)), "segment,users\ngold,3\n");
  EXPECT_EQ(v.query.rows_written, 1);
  EXPECT_GE(v.query.finished_at_ms, v.query.created_at_ms);
  EXPECT_FALSE(fs::exists(t.dir + "/staging/results/" + v.query.id + ".csv"));
}

TEST_F(ProtectedQueries, ResultConfigurationOverridesTheDefaultAndWritesParquet) {
  auto v = run(kOverlapBySegment, s3_config("other-results", "PARQUET"));
  ASSERT_EQ(wire_name(v.query.status), "SUCCESS") << v.query.error_message;
  std::string body = read_file(local_object(v.query.result_location));
  ASSERT_GE(body.size(), 8u);
  EXPECT_EQ(body.substr(0, 4), "PAR1");
  EXPECT_NE(v.query.result_location.find("other-results/runs/"), std::string::npos);
}

TEST_F(ProtectedQueries, RefusedSqlIsAValidationErrorAndIsNotRecorded) {
  auto r = t.s().protected_queries.start(kA, request("SELECT hashed_email FROM customers"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);
  auto listed = t.s().protected_queries.list(kA, membership_a, std::nullopt, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->first.empty());
}

TEST_F(ProtectedQueries, MemberWithoutCanQueryIsDenied) {
  core::StartQueryRequest r = request(kOverlapBySegment);
  r.membership_id = membership_b;
  auto started = t.s().protected_queries.start(kB, r);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::AccessDenied);
  // Nor through A's membership: it is not B's.
  auto foreign = t.s().protected_queries.start(kB, request(kOverlapBySegment));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorKind::NotFound);
}

TEST_F(ProtectedQueries, ResultsGoOnlyToMembersThatCanReceiveThem) {
  json to_b = {{"outputConfiguration", {{"member", {{"accountId", kB}}}}}};
  auto r = t.s().protected_queries.start(kA, request(kOverlapBySegment, to_b));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);
  EXPECT_NE(r.error().message.find("can receive results"), std::string::npos) << r.error().message;
}

TEST_F(ProtectedQueries, ABucketGoneSinceItWasGivenFailsTheQueryWithTheReason) {
  ASSERT_TRUE(t.s().buckets.create(kA, "gone-bucket").ok());
  fs::remove_all(t.dir + "/buckets/gone-bucket");
  auto v = run(kOverlapBySegment, s3_config("gone-bucket", "CSV"));
  EXPECT_EQ(wire_name(v.query.status), "FAILED");
  EXPECT_EQ(v.query.error_code, "DELIVERY_FAILED");
  EXPECT_NE(v.query.error_message.find("gone-bucket"), std::string::npos);
  EXPECT_TRUE(v.query.result_location.empty());
}

// Buckets have owners: a query's own destination is refused at submit unless the bucket is the
// caller's, with one answer for another account's bucket and a bucket that does not exist.
TEST_F(ProtectedQueries, AResultDestinationOutsideTheCallersBucketsIsRefusedAtSubmit) {
  ASSERT_TRUE(t.s().buckets.create(kB, "b-results").ok());
  auto into_b =
      t.s().protected_queries.start(kA, request(kOverlapBySegment, s3_config("b-results", "CSV")));
  ASSERT_FALSE(into_b.ok());
  EXPECT_EQ(into_b.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(into_b.error().field, "resultConfiguration.outputConfiguration.s3.bucket");
  auto nowhere = t.s().protected_queries.start(
      kA, request(kOverlapBySegment, s3_config("no-such-bucket", "CSV")));
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().kind, ErrorKind::AccessDenied);
  std::string b_message = into_b.error().message, none_message = nowhere.error().message;
  b_message.replace(b_message.find("b-results"), 9, "X");
  none_message.replace(none_message.find("no-such-bucket"), 14, "X");
  EXPECT_EQ(b_message, none_message) << "the answer tells nothing about the bucket";
  EXPECT_EQ(b_message.find(kB), std::string::npos) << "the owner is not named";
  EXPECT_FALSE(fs::exists(t.dir + "/buckets/b-results/runs"));

  json escaping = s3_config("results", "CSV");
  escaping["outputConfiguration"]["s3"]["keyPrefix"] = "runs/../../b-results";
  auto refused = t.s().protected_queries.start(kA, request(kOverlapBySegment, escaping));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Validation);
  EXPECT_EQ(refused.error().field, "resultConfiguration.outputConfiguration.s3.keyPrefix");
}

// A result sent to another member goes to that member's default; when that default is unusable
// the error says so in words, and names the member field, not a field of the default.
TEST_F(ProtectedQueries, AnotherMembersUnusableDefaultIsNamedAsTheirs) {
  ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(
                        tx.exec("UPDATE members SET abilities = '[\"CAN_RECEIVE_RESULTS\"]' "
                                "WHERE account_id = ?",
                                {std::string(kB)}));
                    return true;
                  })
                  .ok());
  auto to_b = t.s().protected_queries.start(
      kA, request(kOverlapBySegment, {{"outputConfiguration", {{"member", {{"accountId", kB}}}}}}));
  ASSERT_FALSE(to_b.ok());
  EXPECT_NE(to_b.error().message.find("has no result destination"), std::string::npos);
  EXPECT_EQ(to_b.error().field, "resultConfiguration.outputConfiguration.member.accountId");
  ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(
                        tx.exec("UPDATE memberships SET result_bucket = 'results' "
                                "WHERE membership_id = ?",
                                {membership_b}));
                    return true;
                  })
                  .ok());
  auto forged = t.s().protected_queries.start(
      kA, request(kOverlapBySegment, {{"outputConfiguration", {{"member", {{"accountId", kB}}}}}}));
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().kind, ErrorKind::AccessDenied);
  EXPECT_EQ(forged.error().field, "");
  EXPECT_NE(
      forged.error().message.find(std::string("the default result destination of member ") + kB),
      std::string::npos)
      << forged.error().message;
  EXPECT_EQ(forged.error().message.find("'results'"), std::string::npos)
      << "the caller does not learn where another member's results go: " << forged.error().message;
}

TEST_F(ProtectedQueries, AQueryOverItsTimeLimitEndsTimedOut) {
  // The fixture's data, served by a core that gives queries no time at all.
  auto hurried = std::make_unique<core::Services>(*t.ctx, core::QueryLimits{1, 1, "1GB", 0});
  std::swap(t.services, hurried);
  auto v = run(kOverlapBySegment);
  std::swap(t.services, hurried);
  EXPECT_EQ(wire_name(v.query.status), "TIMED_OUT");
  EXPECT_EQ(v.query.error_code, "TIMED_OUT");
}

TEST_F(ProtectedQueries, ThePoolCountsWhatWasSubmittedAndHowEachQueryEnded) {
  run(kOverlapBySegment);
  ASSERT_FALSE(
      t.s().protected_queries.start(kA, request("SELECT hashed_email FROM customers")).ok());
  ASSERT_TRUE(t.s().buckets.create(kA, "gone-bucket").ok());
  fs::remove_all(t.dir + "/buckets/gone-bucket");
  run(kOverlapBySegment, s3_config("gone-bucket", "CSV"));
  auto c = t.s().protected_queries.counts();
  EXPECT_EQ(c.queued, 0u);
  EXPECT_EQ(c.running, 0u);
  EXPECT_EQ(c.submitted, 2u);
  EXPECT_EQ(c.ended[QueryStatus::Success], 1u);
  EXPECT_EQ(c.ended[QueryStatus::Failed], 1u);
  EXPECT_EQ(c.ended[QueryStatus::Cancelled], 0u);
}

TEST_F(ProtectedQueries, CancellingAnEndedQueryIsAConflict) {
  auto v = run(kOverlapBySegment);
  auto c = t.s().protected_queries.cancel(kA, membership_a, v.query.id);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(c.error().cause, Cause::InvalidState);
}

TEST_F(ProtectedQueries, OthersSeeQueriesOnlyWithTheQueryLogEnabled) {
  auto v = run(kOverlapBySegment);
  auto hidden = t.s().protected_queries.get(kB, membership_b, v.query.id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(t.s().protected_queries.list(kB, membership_b, std::nullopt, {})->first.empty());

  testing::TestCore logged;
  build(logged, "ENABLED");
  auto started = logged.s().protected_queries.start(kA, [&] {
    auto r = request(kOverlapBySegment);
    r.membership_id = membership_a;
    return r;
  }());
  ASSERT_TRUE(started.ok()) << started.error().message;
  logged.s().protected_queries.wait_idle();
  auto seen = logged.s().protected_queries.get(kB, membership_b, started->query.id);
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(seen->query.query_text, kOverlapBySegment);
  EXPECT_FALSE(seen->shows_result);  // B is not the receiver
  auto listed = logged.s().protected_queries.list(kB, membership_b, QueryStatus::Success, {});
  ASSERT_EQ(listed->first.size(), 1u);
}

// What a caller records beside a query (an AMC execution) shares its transaction: refused, the
// query is not recorded either, so a crash or an error never leaves one without the other.
TEST_F(ProtectedQueries, WhatIsRecordedBesideAQueryIsRecordedWithItOrNotAtAll) {
  auto refused_request = request(kOverlapBySegment);
  refused_request.record_with = [](catalog::Tx&, const catalog::ProtectedQueryRecord&) -> Status {
    return Error::internal("the execution could not be written");
  };
  auto refused = t.s().protected_queries.start(kA, refused_request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "the execution could not be written");
  EXPECT_TRUE(t.s().protected_queries.list(kA, membership_a, std::nullopt, {})->first.empty());

  std::string recorded_id;
  auto accepted_request = request(kOverlapBySegment);
  accepted_request.record_with = [&](catalog::Tx& tx,
                                     const catalog::ProtectedQueryRecord& q) -> Status {
    // The query is already in the transaction that this runs in.
    CR_ASSIGN(auto seen, catalog::protected_queries_repo::find(tx, q.id));
    recorded_id = seen ? seen->id : "";
    return {};
  };
  auto accepted = t.s().protected_queries.start(kA, accepted_request);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(recorded_id, accepted->query.id);
  t.s().protected_queries.wait_idle();
}

// A result a stopped server was writing or delivering is never delivered: the next start removes
// the file, and the query runs again (below).
TEST_F(ProtectedQueries, AStartRemovesTheResultFilesAStoppedServerLeft) {
  fs::create_directories(t.dir + "/staging/results");
  {
    std::ofstream(t.dir + "/staging/results/00000000-0000-4000-8000-000000000001.csv") << "a\n1\n";
  }
  ASSERT_TRUE(t.s().protected_queries.clear_result_staging().ok());
  EXPECT_FALSE(fs::exists(t.dir + "/staging/results/00000000-0000-4000-8000-000000000001.csv"));
}

// Queries held by nodes: one that beat last long ago (killed), one that beats now (alive).
struct OrphanedQueries : ProtectedQueries {
  catalog::ProtectedQueryRecord record(int n, QueryStatus status, const std::string& node,
                                       int64_t attempts) {
    catalog::ProtectedQueryRecord q{"00000000-0000-4000-8000-00000000000" + std::to_string(n),
                                    collaboration_id,
                                    membership_a,
                                    kA,
                                    kOverlapBySegment,
                                    "",
                                    json::object(),
                                    kA,
                                    "results",
                                    "",
                                    ResultFormat::Csv,
                                    status};
    q.created_at_ms = n;
    q.node_id = node;
    q.attempts = attempts;
    EXPECT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::protected_queries_repo::insert(tx, q));
                      return true;
                    })
                    .ok());
    return q;
  }
  void beat(const std::string& node, int64_t at_ms) {
    ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::nodes_repo::beat(tx, node, at_ms));
                      return true;
                    })
                    .ok());
  }
  core::ProtectedQueryView seen(const std::string& id) {
    return t.s().protected_queries.get(kA, membership_a, id).value();
  }
};

TEST_F(OrphanedQueries, AKilledNodesQueriesAreTakenOverAndRunOnceMore) {
  const int64_t now = now_epoch_millis();
  beat("killed-node", now - 60000);
  beat("live-node", now);
  auto running = record(1, QueryStatus::Started, "killed-node", 1);
  auto queued = record(2, QueryStatus::Submitted, "killed-node", 2);
  auto released = record(3, QueryStatus::Submitted, "", 1);  // its node stopped cleanly
  auto cancelling = record(4, QueryStatus::Cancelling, "killed-node", 1);
  auto worn = record(5, QueryStatus::Started, "killed-node", 3);
  auto elsewhere = record(6, QueryStatus::Started, "live-node", 1);
  ASSERT_TRUE(t.s().protected_queries.adopt_orphans(now - 10000).ok());
  t.s().protected_queries.wait_idle();

  for (const auto& q : {running, queued, released}) {
    auto v = seen(q.id);
    EXPECT_EQ(wire_name(v.query.status), "SUCCESS") << q.id << " " << v.query.error_message;
    EXPECT_EQ(v.query.node_id, t.ctx->node_id) << q.id;
    EXPECT_EQ(v.query.attempts, q.attempts + 1) << q.id;
    EXPECT_EQ(read_file(local_object(v.query.result_location)), "segment,users\ngold,3\n");
  }
  EXPECT_EQ(wire_name(seen(cancelling.id).query.status), "CANCELLED");
  auto lost = seen(worn.id);
  EXPECT_EQ(wire_name(lost.query.status), "FAILED");
  EXPECT_EQ(lost.query.error_code, "NODE_LOST");
  // A node that beats keeps what it holds.
  auto kept = seen(elsewhere.id);
  EXPECT_EQ(wire_name(kept.query.status), "STARTED");
  EXPECT_EQ(kept.query.node_id, "live-node");
}

// A run that finishes on a node that was taken over (it was silent too long) does not end the
// query: only the holder does, so a query ends once.
TEST_F(OrphanedQueries, OnlyTheHolderEndsAQuery) {
  auto q = record(1, QueryStatus::Submitted, t.ctx->node_id, 1);
  ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(
                        tx.exec("UPDATE protected_queries SET node_id = 'other-node' "
                                "WHERE protected_query_id = ?",
                                {q.id}));
                    return true;
                  })
                  .ok());
  beat("other-node", now_epoch_millis());
  ASSERT_TRUE(t.s().protected_queries.adopt_orphans(now_epoch_millis() - 10000).ok());
  t.s().protected_queries.wait_idle();
  auto v = seen(q.id);
  EXPECT_EQ(wire_name(v.query.status), "SUBMITTED");
  EXPECT_EQ(v.query.node_id, "other-node");
}

// A server that stops while a query runs (issue 14, item 1) stops the query and hands it back,
// rather than reading its worker pool through a pointer already reset; the next node (here the
// same data dir started again) runs it.
TEST_F(ProtectedQueries, StoppingWhileAQueryRunsReleasesItToTheNextNode) {
  upload_large_tables(1000000);
  auto serving = std::make_unique<core::Services>(*t.ctx, core::QueryLimits{1, 1, "1GB", 60000});
  auto started = serving->protected_queries.start(kA, request(kOverlapBySegment));
  ASSERT_TRUE(started.ok()) << started.error().message;
  const std::string id = started->query.id;
  auto held = [&]() {
    return t.db
        ->read<catalog::ProtectedQueryRecord>(
            [&](catalog::Tx& tx) -> Result<catalog::ProtectedQueryRecord> {
              CR_ASSIGN(auto q, catalog::protected_queries_repo::find(tx, id));
              return q.value_or(catalog::ProtectedQueryRecord{});
            })
        .value();
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (held().status == QueryStatus::Submitted && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(wire_string(held().status), "STARTED") << "the query must still run when it stops";
  serving.reset();  // as `serve` does on SIGTERM
  EXPECT_EQ(wire_string(held().status), "SUBMITTED");
  EXPECT_EQ(held().node_id, "");
  ASSERT_TRUE(t.s().protected_queries.adopt_orphans(now_epoch_millis()).ok());
  t.s().protected_queries.wait_idle();
  EXPECT_EQ(wire_string(held().status), "SUCCESS") << held().error_message;
  EXPECT_EQ(held().attempts, 2);
}

// When the engine itself fails (here: out of memory), the query ends EXECUTION_FAILED with a
// fixed message: DuckDB's text, even its error class, could describe other parties' rows.
TEST_F(ProtectedQueries, AnEngineFailureSaysNothingAboutTheData) {
  upload_large_tables(300000);
  auto starved = std::make_unique<core::Services>(*t.ctx, core::QueryLimits{1, 1, "2MB", 60000});
  std::swap(t.services, starved);
  auto v = run(kOverlapBySegment);
  std::swap(t.services, starved);
  EXPECT_EQ(wire_name(v.query.status), "FAILED");
  EXPECT_EQ(v.query.error_code, "EXECUTION_FAILED");
  EXPECT_EQ(v.query.error_message,
            "the query failed while running in the engine; details are withheld because they can "
            "describe other parties' data");
}

// A query that needs more temporary disk than the server allows one query ends FAILED saying so,
// with the configured bound and neither DuckDB's text nor the spill folder's path. 46 MB: the join
// needs to spill from below 56 MB, and DuckDB runs out of memory first below 40 MB. (Given room,
// such a query finishes: the Engine and ProtectedRun tests show it.)
TEST_F(ProtectedQueries, AQueryOverItsSpillLimitFailsSayingSo) {
  upload_large_tables(300000);
  core::QueryLimits limits{1, 1, "46MB", 60000};
  limits.spill_limit = "1MB";
  auto cramped = std::make_unique<core::Services>(*t.ctx, limits);
  std::swap(t.services, cramped);
  auto v = run(kOverlapBySegment);
  std::swap(t.services, cramped);
  EXPECT_EQ(wire_name(v.query.status), "FAILED");
  EXPECT_EQ(v.query.error_code, "EXECUTION_FAILED");
  EXPECT_EQ(v.query.error_message,
            "the query needed more temporary disk space than the server allows one query (1MB)");
  EXPECT_TRUE(fs::is_empty(t.dir + "/tmp"));  // its spill folder is gone with it
}

TEST_F(ProtectedQueries, AMemberThatLeftTakesItsDataOut) {
  ASSERT_TRUE(t.s().memberships.remove(kB, membership_b).ok());
  auto r = t.s().protected_queries.start(kA, request(kOverlapBySegment));
  ASSERT_FALSE(r.ok());  // `audience` is no longer in the collaboration
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);
}

}  // namespace
}  // namespace cleanroom
