#pragma once
// A core over a fresh metadata store in a temporary folder, for tests of business rules (its
// buckets are the local bucket folder DIR/buckets), and the check of an expected error. The
// catalog is DIR/meta.db, or a fresh PostgreSQL database when CLEANROOM_TEST_CATALOG=postgresql
// (support/postgres_server.h; CMake registers these tests a second time so).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "api/cleanrooms/destination_json.h"
#include "catalog/database.h"
#include "common/crypto.h"
#include "core/core.h"
#include "delivery/object_store.h"
#include "support/postgres_server.h"

namespace cleanroom::testing {

struct TestCore {
  std::string dir;
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;

  TestCore() {
    dir = (std::filesystem::temp_directory_path() / ("cleanroom-unit-" + crypto::uuid4())).string();
    std::filesystem::create_directories(dir);
    db = std::move(catalog::Database::open(test_catalog_target(dir))).value();
    ctx = std::make_unique<core::Context>(core::Context{
        *db, crypto::random_bytes(32), dir, delivery::local_object_store(dir + "/buckets")});
    services = std::make_unique<core::Services>(*ctx);
  }
  ~TestCore() {
    services.reset();
    ctx.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  core::Services& s() { return *services; }
};

// Another node over the first one's catalog: its own data dir and node id, the same key and
// buckets.
struct SecondNode {
  std::string dir;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;
  explicit SecondNode(TestCore& first) {
    dir = first.dir + "-node-b";
    std::filesystem::create_directories(dir);
    ctx = std::make_unique<core::Context>(
        core::Context{*first.db, first.ctx->master_key, dir, first.ctx->buckets});
    services = std::make_unique<core::Services>(*ctx);
  }
  ~SecondNode() {
    services.reset();
    std::filesystem::remove_all(dir);
  }
  core::Services& s() { return *services; }
};

// Membership requests as the Clean Rooms face builds them from its wire input: the default
// destination in the MembershipProtectedQueryResultConfiguration shape, or null for none.
inline core::CreateMembershipRequest join_request(std::string collaboration_id,
                                                  std::string query_log,
                                                  const nlohmann::json& default_config = nullptr) {
  core::CreateMembershipRequest r;
  r.collaboration_id = std::move(collaboration_id);
  r.query_log_status = std::move(query_log);
  r.default_destination = api::cleanrooms::membership_destination_of(default_config).value();
  r.destination_names = api::cleanrooms::destination_names("defaultResultConfiguration");
  return r;
}
inline core::UpdateMembershipRequest move_request(const nlohmann::json& default_config) {
  core::UpdateMembershipRequest r;
  r.default_destination = api::cleanrooms::membership_destination_of(default_config).value();
  r.destination_names = api::cleanrooms::destination_names("defaultResultConfiguration");
  return r;
}

inline nlohmann::json destination_json(const std::optional<S3Destination>& d) {
  return d ? api::cleanrooms::membership_destination_json(*d) : nlohmann::json();
}

// `s` failed with `kind`, and its message holds `fragment`.
inline void expect_error(const Status& s, ErrorKind kind, const std::string& fragment) {
  ASSERT_FALSE(s.ok()) << "succeeded; expected: " << fragment;
  EXPECT_EQ(s.error().kind, kind) << s.error().message;
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().message;
}
template <typename T>
void expect_error(const Result<T>& r, ErrorKind kind, const std::string& fragment) {
  expect_error(status_of(r), kind, fragment);
}

}  // namespace cleanroom::testing
