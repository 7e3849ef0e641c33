// Throughput of the AMC instance API on this machine: POST /amc/instances and
// GET /amc/instances/{id}, over real HTTP to an in-process server on 127.0.0.1.
#include <benchmark/benchmark.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <thread>

#include "api/server.h"
#include "cli/data_dir.h"

namespace {
using namespace cleanroom;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;

// One keep-alive connection, as an SDK's connection pool holds it.
class Client {
 public:
  explicit Client(int port) : port_(port), stream_(ioc_) {
    stream_.connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    stream_.socket().set_option(asio::ip::tcp::no_delay(true));
  }
  // The status, with the body in *body when given; 0 when the exchange failed.
  int send(http::verb verb, const std::string& target, const Headers& headers,
           const std::string& body = "", std::string* response_body = nullptr) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    beast::error_code ec;
    http::write(stream_, req, ec);
    http::response<http::string_body> res;
    if (!ec) http::read(stream_, buffer_, res, ec);
    if (ec) return 0;
    if (response_body) *response_body = res.body();
    return static_cast<int>(res.result_int());
  }

 private:
  int port_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

struct Fixture {
  std::string dir;
  std::unique_ptr<cli::DataDir> data;
  std::unique_ptr<api::Server> server;
  std::thread thread;
  Headers headers;
  std::string instance_id;

  Fixture() {
    dir =
        (std::filesystem::temp_directory_path() / ("cleanroom-bench-" + std::to_string(::getpid())))
            .string();
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
    std::string body;
    client().send(http::verb::post, "/amc/instances", headers, kBody, &body);
    instance_id = nlohmann::json::parse(body)["instance"]["instanceId"];
  }
  ~Fixture() {
    server->stop();
    thread.join();
    std::filesystem::remove_all(dir);
  }
  Client client() const { return Client(server->port()); }

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
  for (auto _ : state) {
    if (client.send(http::verb::post, "/amc/instances", f.headers, Fixture::kBody) != 200)
      state.SkipWithError("POST /amc/instances failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GetInstance(benchmark::State& state) {
  auto& f = fixture();
  auto client = f.client();
  std::string path = "/amc/instances/" + f.instance_id;
  for (auto _ : state) {
    if (client.send(http::verb::get, path, f.headers) != 200)
      state.SkipWithError("GET /amc/instances/{id} failed");
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_CreateInstance)->Threads(1)->Threads(4)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_GetInstance)->Threads(1)->Threads(4)->UseRealTime()->MinTime(2.0);
BENCHMARK_MAIN();
