// Throughput of the AMC instance API on this machine: POST /amc/instances and
// GET /amc/instances/{id}, over real HTTP to an in-process server on 127.0.0.1.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <filesystem>
#include <thread>

#include "api/server.h"
#include "cli/data_dir.h"

namespace {
using namespace cleanroom;

struct Fixture {
  std::string dir;
  std::unique_ptr<cli::DataDir> data;
  std::unique_ptr<api::Server> server;
  std::thread thread;
  httplib::Headers headers;
  std::string instance_id;

  Fixture() {
    dir = (std::filesystem::temp_directory_path() / ("cleanroom-bench-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    data = std::move(cli::open_data_dir(dir)).value();
    auto& s = *data->services;
    (void)s.accounts.ensure_platform(true);
    (void)s.accounts.create_account("682015411111", "Advertiser A");
    auto amc = s.accounts.create_amc_account("Advertiser A", "ATVPDKIKX0DER").value();
    core::CreateUserRequest u;
    u.email = "bench@example.com";
    u.amc_account = amc.advertiser_id;
    u.aws_account = "682015411111";
    auto user = s.accounts.create_user(u).value();
    headers = {{"Amazon-Advertising-API-ClientId", user.client_id},
               {"Amazon-Advertising-API-MarketplaceId", "ATVPDKIKX0DER"},
               {"Amazon-Advertising-API-AdvertiserId", amc.advertiser_id},
               {"Authorization", "Bearer " + user.bearer_token}};
    api::ServerOptions o;
    o.port = 0;
    server = std::make_unique<api::Server>(s, o);
    (void)server->bind();
    thread = std::thread([this] { server->run(); });
    auto r = client().Post("/amc/instances", headers, kBody, "application/json");
    instance_id = nlohmann::json::parse(r->body)["instance"]["instanceId"];
  }
  ~Fixture() {
    server->stop();
    thread.join();
    std::filesystem::remove_all(dir);
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", server->port()); }

  static constexpr const char* kBody =
      R"({"instanceName": "my_collaboration_instance", "awsAccountId": "682015411111", "acrBacked": "true"})";
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_CreateInstance(benchmark::State& state) {
  auto& f = fixture();
  auto client = f.client();
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  for (auto _ : state) {
    auto r = client.Post("/amc/instances", f.headers, Fixture::kBody, "application/json");
    if (!r || r->status != 200) state.SkipWithError("POST /amc/instances failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GetInstance(benchmark::State& state) {
  auto& f = fixture();
  auto client = f.client();
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  std::string path = "/amc/instances/" + f.instance_id;
  for (auto _ : state) {
    auto r = client.Get(path.c_str(), f.headers);
    if (!r || r->status != 200) state.SkipWithError("GET /amc/instances/{id} failed");
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_CreateInstance)->Threads(1)->Threads(4)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_GetInstance)->Threads(1)->Threads(4)->UseRealTime()->MinTime(2.0);
BENCHMARK_MAIN();
