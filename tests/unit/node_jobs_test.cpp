// The jobs a node runs besides queries, over one catalog shared by two nodes: any node answers
// for an upload of the data face (core/dataset_uploads.h) and cancels it, and the uploads, AMC
// uploads, user deletion requests and audience runs of a node that stopped beating end FAILED
// with the reason (core/node_presence.h), while a live node's are left to it.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "catalog/amc_audiences_repo.h"
#include "catalog/amc_datasets_repo.h"
#include "catalog/nodes_repo.h"
#include "common/clock.h"
#include "test_support.h"

namespace cleanroom::core {
namespace {
using catalog::DatasetUploadRecord;
using catalog::Tx;
using nlohmann::json;

const std::string kA = "111111111111";

std::shared_ptr<const data::MemoryFile> csv_body(int rows) {
  std::string csv = "id,score\n";
  for (int i = 0; i < rows; ++i) csv += std::to_string(i) + "," + std::to_string(i % 7) + "\n";
  return std::make_shared<const data::MemoryFile>(data::MemoryFile::create(csv).value());
}

UploadRequest customers() {
  UploadRequest r;
  r.database_name = "sales";
  r.table_name = "customers";
  return r;
}

class NodeJobsTest : public ::testing::Test {
 protected:
  testing::TestCore a;
  std::unique_ptr<testing::SecondNode> b;

  void SetUp() override {
    ASSERT_TRUE(a.s().accounts.create_account(kA, "A").ok());
    b = std::make_unique<testing::SecondNode>(a);
  }

  // Polls through `s` until the upload has ended.
  DatasetUploadRecord ended(Services& s, const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      auto u = s.dataset_uploads.get(kA, "sales", "customers", id);
      EXPECT_TRUE(u.ok()) << u.error().message;
      if (!u.ok()) return {};
      if (u->status != UploadStatus::Pending && u->status != UploadStatus::Running) return *u;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "upload " << id << " did not end";
    return {};
  }

  void beat(const std::string& node_id, int64_t at_ms) {
    ASSERT_TRUE(a.ctx->db
                    .write<bool>([&](Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::nodes_repo::beat(tx, node_id, at_ms));
                      return true;
                    })
                    .ok());
  }
};

TEST_F(NodeJobsTest, AnotherNodeShowsAnUploadItsProgressAndItsDataset) {
  auto u = a.s().dataset_uploads.submit(kA, customers(), csv_body(1000));
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->node_id, a.ctx->node_id);
  DatasetUploadRecord done = ended(b->s(), u->upload_id);
  EXPECT_EQ(wire_name(done.status), "SUCCEEDED") << done.message;
  EXPECT_EQ(done.fraction, 1);
  EXPECT_GT(done.bytes_done, 0);
  EXPECT_EQ(done.bytes_done, done.bytes_total);
  json dataset = json::parse(done.dataset);
  EXPECT_EQ(dataset["rowCount"], 1000) << dataset.dump();
  EXPECT_EQ(dataset["version"], 1) << dataset.dump();

  // As on one node: another account, or another table, finds nothing.
  ASSERT_TRUE(a.s().accounts.create_account("222222222222", "B").ok());
  testing::expect_error(
      b->s().dataset_uploads.get("222222222222", "sales", "customers", u->upload_id),
      ErrorKind::NotFound, u->upload_id);
  testing::expect_error(b->s().dataset_uploads.get(kA, "sales", "orders", u->upload_id),
                        ErrorKind::NotFound, u->upload_id);
  // An ended upload is not cancelled, through any node.
  testing::expect_error(b->s().dataset_uploads.cancel(kA, "sales", "customers", u->upload_id),
                        ErrorKind::Conflict, "already ended");
}

TEST_F(NodeJobsTest, AnUploadWaitingOnOneNodeIsCancelledThroughAnother) {
  // Node A's workers are busy, so the upload waits there.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  for (int i = 0; i < UploadJobLimits{}.workers; ++i)
    ASSERT_TRUE(a.s()
                    .upload_jobs
                    .submit(kA, "busy", "t" + std::to_string(i),
                            [released](const data::ProgressCallback&) {
                              released.wait();
                              return Result<catalog::DatasetRecord>(catalog::DatasetRecord{});
                            })
                    .ok());
  auto u = a.s().dataset_uploads.submit(kA, customers(), csv_body(10));
  ASSERT_TRUE(u.ok()) << u.error().message;

  auto asked = b->s().dataset_uploads.cancel(kA, "sales", "customers", u->upload_id);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_EQ(wire_name(asked->status), "PENDING");  // node A has not looked yet
  EXPECT_TRUE(asked->cancel_requested);

  release.set_value();
  DatasetUploadRecord done = ended(b->s(), u->upload_id);
  EXPECT_EQ(wire_name(done.status), "CANCELLED");
  EXPECT_EQ(done.message, kUploadCancelled);
  // It wrote nothing.
  testing::expect_error(a.s().datasets.get(kA, "sales", "customers"), ErrorKind::NotFound,
                        "customers");
}

TEST_F(NodeJobsTest, TheJobsOfASilentNodeEndFailedAndALiveNodesAreLeftToIt) {
  // An instance to hang the AMC jobs on.
  ASSERT_TRUE(a.s().accounts.ensure_platform(true).ok());
  auto amc = a.s().accounts.create_amc_account("Advertiser A", "ATVPDKIKX0DER").value();
  CreateUserRequest user;
  user.email = "admin@example.com";
  user.amc_account = amc.advertiser_id;
  user.aws_account = kA;
  auto created = a.s().accounts.create_user(user).value();
  auto caller = a.s()
                    .accounts
                    .resolve_amc_caller(created.bearer_token, created.client_id, "ATVPDKIKX0DER",
                                        amc.advertiser_id)
                    .value();
  CreateInstanceRequest instance;
  instance.instance_name = "jobs";
  instance.aws_account_id = kA;
  instance.acr_backed = true;
  auto view = a.s().instances.create(caller, instance);
  ASSERT_TRUE(view.ok()) << view.error().message;
  const std::string instance_id = view->instance.instance_id;

  const int64_t now_ms = now_epoch_millis();
  const std::string live = b->ctx->node_id;
  beat(live, now_ms);
  beat("silent", now_ms - 60'000);
  // One running job of each kind on the live node, on the silent one, and on no node (a row
  // from before nodes were recorded).
  const std::vector<std::string> holders = {live, "silent", ""};
  ASSERT_TRUE(a.ctx->db
                  .write<bool>([&](Tx& tx) -> Result<bool> {
                    for (const auto& node : holders) {
                      const std::string id = node.empty() ? "none" : node;
                      DatasetUploadRecord u;
                      u.upload_id = "upload-" + id;
                      u.account_id = kA;
                      u.database_name = "sales";
                      u.table_name = "customers";
                      u.status = UploadStatus::Running;
                      u.node_id = node;
                      CR_TRY(catalog::dataset_uploads_repo::insert(tx, u));
                      catalog::AmcUploadRecord amc_upload;
                      amc_upload.upload_id = "amc-upload-" + id;
                      amc_upload.instance_id = instance_id;
                      amc_upload.data_set_id = "impressions";
                      amc_upload.status = UploadStatus::Running;
                      amc_upload.source = json::object();
                      amc_upload.node_id = node;
                      CR_TRY(catalog::amc_datasets_repo::insert_upload(tx, amc_upload));
                      catalog::AmcDeletionRequestRecord deletion;
                      deletion.request_id = "deletion-" + id;
                      deletion.instance_id = instance_id;
                      deletion.status = UploadStatus::Pending;
                      deletion.created_by = "someone";
                      deletion.node_id = node;
                      CR_TRY(catalog::amc_datasets_repo::insert_deletion_request(tx, deletion));
                      catalog::AmcAudienceRecord audience;
                      audience.audience_id = "audience-" + id;
                      audience.instance_id = instance_id;
                      audience.name = id;
                      audience.query_text = "SELECT 1";
                      audience.status = UploadStatus::Running;
                      audience.created_by = "someone";
                      audience.node_id = node;
                      CR_TRY(catalog::amc_audiences_repo::insert(tx, audience));
                    }
                    return true;
                  })
                  .ok());

  // What node A's beat does (core/node_presence.cpp), with a 10 s silence.
  const int64_t alive_since = now_ms - 10'000;
  ASSERT_TRUE(a.s().dataset_uploads.fail_lost_uploads(alive_since).ok());
  ASSERT_TRUE(a.s().amc_data_uploads.fail_lost_uploads(alive_since).ok());
  ASSERT_TRUE(a.s().amc_user_deletions.fail_lost_requests(alive_since).ok());
  ASSERT_TRUE(a.s().amc_audiences.fail_lost_runs(alive_since).ok());

  auto status_of_row = [&](const char* table, const char* key, const std::string& id) {
    auto row = a.ctx->db.read<std::optional<catalog::Row>>([&](Tx& tx) {
      return tx.query_one(std::string("SELECT status FROM ") + table + " WHERE " + key + " = ?",
                          {id});
    });
    EXPECT_TRUE(row.ok() && *row);
    return row.ok() && *row ? (*row)->str("status") : std::string();
  };
  for (const auto& node : holders) {
    const std::string id = node.empty() ? "none" : node;
    const bool lost = node != live;
    SCOPED_TRACE("held by " + id);
    EXPECT_EQ(status_of_row("dataset_uploads", "upload_id", "upload-" + id),
              lost ? "FAILED" : "RUNNING");
    EXPECT_EQ(status_of_row("amc_uploads", "upload_id", "amc-upload-" + id),
              lost ? "FAILED" : "RUNNING");
    EXPECT_EQ(status_of_row("amc_user_deletion_requests", "request_id", "deletion-" + id),
              lost ? "FAILED" : "PENDING");
    EXPECT_EQ(status_of_row("amc_audiences", "audience_id", "audience-" + id),
              lost ? "FAILED" : "RUNNING");
  }
  auto lost_upload = b->s().dataset_uploads.get(kA, "sales", "customers", "upload-silent");
  ASSERT_TRUE(lost_upload.ok());
  EXPECT_EQ(lost_upload->message, kUploadStopped);
  auto lost_audience = a.s().amc_audiences.get(caller, instance_id, "audience-silent");
  ASSERT_TRUE(lost_audience.ok()) << lost_audience.error().message;
  EXPECT_NE(lost_audience->status_reason.find("next refresh"), std::string::npos)
      << lost_audience->status_reason;
}

}  // namespace
}  // namespace cleanroom::core
