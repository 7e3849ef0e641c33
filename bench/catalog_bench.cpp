// Typical catalog operations through the core, with the catalog on SQLite (argument 0) and on
// PostgreSQL (argument 1, a throwaway server on 127.0.0.1 started by the benchmark): create a
// collaboration of two members and the creator's membership (write transactions), get both
// (reads), list the caller's memberships (a page of 100). The PostgreSQL run reports
// vs_sqlite, its time over SQLite's in the same run: the price of a catalog several nodes share
// (a round trip per statement over TCP, a server process) against an embedded file.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "catalog/database.h"
#include "common/crypto.h"
#include "core/core.h"
#include "delivery/object_store.h"
#include "support/postgres_server.h"

namespace {
using namespace cleanroom;
namespace fs = std::filesystem;

const std::string kCreator = "111111111111";
const std::string kMember = "222222222222";

struct CatalogWorld {
  std::string dir;
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<core::Context> ctx;
  std::unique_ptr<core::Services> services;
  std::string collaboration_id, membership_id;

  explicit CatalogWorld(bool postgres) {
    dir = (fs::temp_directory_path() / ("cleanroom-catalog-bench-" + crypto::uuid4())).string();
    fs::create_directories(dir);
    std::string target = dir + "/meta.db";
    if (postgres) target = testing::PostgresServer::shared().value()->create_database().value();
    db = std::move(catalog::Database::open(target)).value();
    ctx = std::make_unique<core::Context>(core::Context{
        *db, crypto::random_bytes(32), dir, delivery::local_object_store(dir + "/buckets")});
    services = std::make_unique<core::Services>(*ctx);
    (void)services->accounts.ensure_platform(false);
    (void)services->accounts.create_account(kCreator, "Creator");
    (void)services->accounts.create_account(kMember, "Member");
    // A page of memberships to list.
    for (int i = 0; i < 100; ++i) create();
  }
  ~CatalogWorld() {
    services.reset();
    ctx.reset();
    db.reset();
    fs::remove_all(dir);
  }

  void create() {
    core::CreateCollaborationRequest c;
    c.name = "bench";
    c.description = "catalog benchmark";
    c.creator_display_name = "Creator";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kMember, "Member", {}, std::nullopt}};
    collaboration_id = services->collaborations.create(kCreator, c).value().collaboration.id;
    core::CreateMembershipRequest m;
    m.collaboration_id = collaboration_id;
    m.query_log_status = "DISABLED";
    membership_id = services->memberships.create(kCreator, m).value().membership.id;
  }
};

CatalogWorld& world(int store) {
  static std::map<int, std::unique_ptr<CatalogWorld>> worlds;
  auto& w = worlds[store];
  if (!w) w = std::make_unique<CatalogWorld>(store == 1);
  return *w;
}

// Seconds per iteration of each benchmark on SQLite, for the PostgreSQL run's ratio.
std::map<std::string, double>& sqlite_seconds() {
  static std::map<std::string, double> s;
  return s;
}

template <typename F>
void run(benchmark::State& state, const std::string& name, F op) {
  const int store = static_cast<int>(state.range(0));
  CatalogWorld& w = world(store);
  auto start = std::chrono::steady_clock::now();
  for (auto _ : state) op(w);
  double each = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(store == 0 ? "sqlite" : "postgresql");
  if (store == 0) sqlite_seconds()[name] = each;
  if (store == 1 && sqlite_seconds().count(name))
    state.counters["vs_sqlite"] = each / sqlite_seconds()[name];
}

void BM_CatalogCreateCollaboration(benchmark::State& state) {
  run(state, "create", [](CatalogWorld& w) { w.create(); });
}
void BM_CatalogGet(benchmark::State& state) {
  run(state, "get", [](CatalogWorld& w) {
    benchmark::DoNotOptimize(w.services->collaborations.get(kCreator, w.collaboration_id));
    benchmark::DoNotOptimize(w.services->memberships.get(kCreator, w.membership_id));
  });
}
void BM_CatalogListMemberships(benchmark::State& state) {
  run(state, "list", [](CatalogWorld& w) {
    benchmark::DoNotOptimize(w.services->memberships.list(kCreator, std::nullopt, core::Page{}));
  });
}

BENCHMARK(BM_CatalogCreateCollaboration)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_CatalogGet)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_CatalogListMemberships)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
