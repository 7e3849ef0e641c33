#pragma once
// A core over a fresh metadata store in a temporary folder, for tests of business rules; its
// buckets are the local bucket folder DIR/buckets.
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

}  // namespace cleanroom::testing
