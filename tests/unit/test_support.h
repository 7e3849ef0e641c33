#pragma once
// A core over a fresh metadata store in a temporary folder, for tests of business rules (its
// buckets are the local bucket folder DIR/buckets), and the check of an expected error.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "catalog/database.h"
#include "common/crypto.h"
#include "core/core.h"
#include "delivery/object_store.h"

namespace cleanroom::testing {

struct TestCore {
  std::string dir;
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;

  TestCore() {
    dir = (std::filesystem::temp_directory_path() / ("cleanroom-unit-" + crypto::uuid4())).string();
    std::filesystem::create_directories(dir);
    db = std::move(catalog::Database::open(dir + "/meta.db")).value();
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
