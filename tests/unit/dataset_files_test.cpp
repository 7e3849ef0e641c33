// Several nodes over one catalog (core/dataset_files.h): a dataset written on one node is in the
// dataset store before the catalog names it, another node fetches it to answer a query, sweeps
// what the catalog no longer names, and the store's bucket can belong to no account. The nodes
// here share one catalog and one store (a bucket folder standing in for S3) and have data dirs
// of their own.
#include "core/dataset_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/nodes_repo.h"
#include "common/clock.h"
#include "test_support.h"

namespace cleanroom::core {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const std::string kA = "111111111111";  // uploads on node A, queries on node B
const std::string kB = "222222222222";
const std::string kStoreBucket = "cleanroom-datasets";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DatasetFilesTest : public ::testing::Test {
 protected:
  testing::TestCore a;
  std::shared_ptr<delivery::ObjectStore> store;

  void SetUp() override {
    store = delivery::local_object_store(a.dir + "/store");
    ASSERT_TRUE(a.s().accounts.create_account(kA, "A").ok());
    ASSERT_TRUE(a.s().accounts.create_account(kB, "B").ok());
    Status used = use_dataset_store(*a.ctx, store, kStoreBucket);
    ASSERT_TRUE(used.ok()) << used.error().message;
  }

  catalog::DatasetRecord upload(const std::string& csv) {
    const std::string path = a.dir + "/customers.csv";
    std::ofstream(path) << csv;
    UploadRequest r;
    r.database_name = "sales";
    r.table_name = "customers";
    r.source_path = path;
    auto d = a.s().datasets.upload(kA, r);
    EXPECT_TRUE(d.ok()) << d.error().message;
    return d.ok() ? *d : catalog::DatasetRecord{};
  }

  fs::path stored(const std::string& relative) {
    return fs::path(a.dir) / "store" / kStoreBucket / relative;
  }
};

TEST_F(DatasetFilesTest, AVersionIsInTheStoreUnderANameNeverUsedBefore) {
  auto v1 = upload("hashed_email,segment\ne1,gold\n");
  auto v2 = upload("hashed_email,segment\ne1,gold\ne2,gold\n");
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v2.version, 2);
  // "<uuid>.parquet", not "<version>.parquet": a deleted data set made again, or a node that
  // crashed before its commit, can never leave another node a stale copy under the same name.
  EXPECT_EQ(fs::path(v1.path).filename().string().size(), 36u + 8u) << v1.path;
  EXPECT_NE(v1.path, v2.path);
  for (const auto& v : {v1, v2}) {
    ASSERT_TRUE(fs::exists(stored(v.path))) << v.path;
    EXPECT_EQ(read_file(stored(v.path)), read_file(fs::path(a.dir) / v.path));
  }
}

TEST_F(DatasetFilesTest, AnotherNodeFetchesWhatItLacksAndSweepsWhatNoRowNames) {
  auto v1 = upload("hashed_email,segment\ne1,gold\n");
  testing::SecondNode b(a);
  ASSERT_TRUE(resume_dataset_store(*b.ctx, store).ok());
  const fs::path there = fs::path(b.dir) / v1.path;
  EXPECT_FALSE(fs::exists(there));
  Status got = ensure_local(*b.ctx, {there.string()});
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(read_file(there), read_file(fs::path(a.dir) / v1.path));

  auto v2 = upload("hashed_email,segment\ne2,gold\n");
  ASSERT_TRUE(ensure_local(*b.ctx, {(fs::path(b.dir) / v2.path).string()}).ok());
  // A copy younger than the minimum age stays (a query may still read it); then it goes, and
  // the version the catalog names stays.
  EXPECT_EQ(sweep_cache(*b.ctx, 3600).value(), 0);
  EXPECT_EQ(sweep_cache(*b.ctx, 0).value(), 1);
  EXPECT_FALSE(fs::exists(there));
  EXPECT_TRUE(fs::exists(fs::path(b.dir) / v2.path));
  // The store keeps every version: the catalog, not a node, decides what is removed.
  EXPECT_TRUE(fs::exists(stored(v1.path)));
}

TEST_F(DatasetFilesTest, WithoutAStoreAMissingFileIsTheDataDirsFault) {
  testing::SecondNode b(a);  // no resume_dataset_store: a node that was not told
  auto v1 = upload("hashed_email,segment\ne1,gold\n");
  Status got = ensure_local(*b.ctx, {(fs::path(b.dir) / v1.path).string()});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Internal);
}

TEST_F(DatasetFilesTest, ANodeWithoutTheEndpointIsRefusedAndTheBucketIsNobodys) {
  auto v1 = upload("hashed_email,segment\ne1,gold\n");
  testing::SecondNode b(a);
  // A process without the endpoint (an admin command) opens the catalog, but reads and writes
  // no dataset file: one it wrote would live only on its disk.
  ASSERT_TRUE(resume_dataset_store(*b.ctx, nullptr).ok());
  testing::expect_error(ensure_local(*b.ctx, {(fs::path(b.dir) / v1.path).string()}),
                        ErrorKind::Validation, "keeps its datasets in bucket 'cleanroom-datasets'");
  testing::expect_error(store_file(*b.ctx, (fs::path(a.dir) / v1.path).string(), "datasets/x"),
                        ErrorKind::Validation, "give --s3-endpoint");
  // Nor a result bucket: a local folder of its own that no node would deliver to.
  testing::expect_error(status_of(b.s().buckets.create(kA, "results")), ErrorKind::Validation,
                        "give --s3-endpoint");
  testing::expect_error(status_of(a.s().buckets.create(kA, kStoreBucket)), ErrorKind::Validation,
                        "holds the server's datasets");
  testing::expect_error(use_dataset_store(*a.ctx, store, "another-bucket"), ErrorKind::Validation,
                        "keeps its datasets in bucket 'cleanroom-datasets'");
  // A bucket an account owns cannot become the store.
  testing::TestCore fresh;
  ASSERT_TRUE(fresh.s().accounts.create_account(kA, "A").ok());
  ASSERT_TRUE(fresh.s().buckets.create(kA, "results").ok());
  testing::expect_error(use_dataset_store(*fresh.ctx, store, "results"), ErrorKind::Validation,
                        "belongs to account 111111111111");
}

TEST_F(DatasetFilesTest, RemovingAFolderRemovesItHereAndInTheStoreButTheKeptFile) {
  auto v1 = upload("hashed_email,segment\ne1,gold\n");
  auto v2 = upload("hashed_email,segment\ne2,gold\n");
  const std::string folder = fs::path(v1.path).parent_path().string();
  ASSERT_TRUE(remove_files(*a.ctx, folder, v2.path).ok());
  EXPECT_FALSE(fs::exists(stored(v1.path)));
  EXPECT_FALSE(fs::exists(fs::path(a.dir) / v1.path));
  EXPECT_TRUE(fs::exists(stored(v2.path)));
  EXPECT_TRUE(fs::exists(fs::path(a.dir) / v2.path));
  ASSERT_TRUE(remove_files(*a.ctx, folder).ok());
  EXPECT_FALSE(fs::exists(stored(v2.path)));
}

json aggregation_rule() {
  return {{"v1",
           {{"aggregation",
             {{"aggregateColumns",
               {{{"columnNames", {"hashed_email"}}, {"function", "COUNT_DISTINCT"}}}},
              {"joinColumns", {"hashed_email"}},
              {"dimensionColumns", {"segment"}},
              {"scalarFunctions", json::array()},
              {"outputConstraints",
               {{{"columnName", "hashed_email"}, {"minimum", 2}, {"type", "COUNT_DISTINCT"}}}}}}}}};
}

// A's collaboration, its customers table under an aggregation rule, queried by A.
struct TwoNodeQueries : DatasetFilesTest {
  std::string membership;
  void SetUp() override {
    DatasetFilesTest::SetUp();
    upload("hashed_email,segment\ne1,gold\ne2,gold\ne3,gold\ne4,silver\n");
    ASSERT_TRUE(a.s().buckets.create(kA, "results").ok());
    CreateCollaborationRequest c;
    c.name = "two nodes";
    c.creator_display_name = "A";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kB, "B", {}, std::nullopt}};
    auto collaboration = a.s().collaborations.create(kA, c).value().collaboration.id;
    json destination = {
        {"outputConfiguration", {{"s3", {{"bucket", "results"}, {"resultFormat", "CSV"}}}}}};
    membership =
        a.s()
            .memberships.create(kA, testing::join_request(collaboration, "DISABLED", destination))
            .value()
            .membership.id;
    auto& tables = a.s().configured_tables;
    auto ct = tables
                  .create(kA, {"customers",
                               std::nullopt,
                               {"sales", "customers"},
                               {"hashed_email", "segment"},
                               "DIRECT_QUERY",
                               {}})
                  .value();
    ASSERT_TRUE(tables.create_rule(kA, ct.table.id, "AGGREGATION", aggregation_rule()).ok());
    ASSERT_TRUE(tables
                    .create_association(kA, {membership, ct.table.id, "customers", std::nullopt,
                                             "arn:aws:iam::" + kA + ":role/cleanrooms"})
                    .ok());
  }
  StartQueryRequest request() {
    StartQueryRequest r;
    r.membership_id = membership;
    r.query_string =
        "SELECT segment, COUNT(DISTINCT hashed_email) AS people FROM customers GROUP BY segment";
    r.destination = api::cleanrooms::query_destination_of(nullptr).value();
    r.destination_names = api::cleanrooms::destination_names("resultConfiguration");
    return r;
  }
  void beat(const Context& node) {
    ASSERT_TRUE(a.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::nodes_repo::beat(tx, node.node_id, now_epoch_millis()));
                      return true;
                    })
                    .ok());
  }
  catalog::ProtectedQueryRecord seen(Services& node, const std::string& id) {
    return node.protected_queries.get(kA, membership, id).value().query;
  }
};

// A collaboration's queries run on its home node (the first to run one, while it beats), so that
// its difference checks see every query, whichever node the analyst's calls reach.
TEST_F(TwoNodeQueries, ACollaborationsQueriesRunOnItsHomeNode) {
  testing::SecondNode b(a);
  ASSERT_TRUE(resume_dataset_store(*b.ctx, store).ok());
  beat(*a.ctx);
  beat(*b.ctx);
  auto first = a.s().protected_queries.start(kA, request());
  ASSERT_TRUE(first.ok()) << first.error().message;
  a.s().protected_queries.wait_idle();
  EXPECT_EQ(wire_name(seen(a.s(), first->query.id).status), "SUCCESS");
  // Through node B: given to A, the home, which takes it at its next beat.
  auto second = b.services->protected_queries.start(kA, request());
  ASSERT_TRUE(second.ok()) << second.error().message;
  b.services->protected_queries.wait_idle();
  EXPECT_EQ(wire_name(seen(a.s(), second->query.id).status), "SUBMITTED");
  EXPECT_EQ(seen(a.s(), second->query.id).node_id, a.ctx->node_id);
  ASSERT_TRUE(a.s().protected_queries.adopt_orphans(now_epoch_millis() - kNodeSilenceMs).ok());
  a.s().protected_queries.wait_idle();
  EXPECT_EQ(wire_name(seen(a.s(), second->query.id).status), "SUCCESS");
  // A silent home loses the collaboration to the node that runs its next query.
  ASSERT_TRUE(a.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(catalog::nodes_repo::remove(tx, a.ctx->node_id));
                    return true;
                  })
                  .ok());
  auto third = b.services->protected_queries.start(kA, request());
  ASSERT_TRUE(third.ok()) << third.error().message;
  b.services->protected_queries.wait_idle();
  auto q = seen(*b.services, third->query.id);
  EXPECT_EQ(wire_name(q.status), "SUCCESS") << q.error_message;
  EXPECT_EQ(q.node_id, b.ctx->node_id);
}

// The whole path: uploaded on node A, queried on node B, whose data dir never had the file.
TEST_F(TwoNodeQueries, AQueryOnAnotherNodeReadsWhatTheFirstNodeUploaded) {
  testing::SecondNode b(a);
  ASSERT_TRUE(resume_dataset_store(*b.ctx, store).ok());
  auto started = b.services->protected_queries.start(kA, request());
  ASSERT_TRUE(started.ok()) << started.error().message;
  b.services->protected_queries.wait_idle();
  auto q = seen(*b.services, started->query.id);
  ASSERT_EQ(wire_name(q.status), "SUCCESS") << q.error_message;
  EXPECT_EQ(read_file(fs::path(a.dir) / "buckets" / q.result_location.substr(5)),
            "segment,people\ngold,3\n");
}

}  // namespace
}  // namespace cleanroom::core
