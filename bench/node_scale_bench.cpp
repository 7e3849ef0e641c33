// One node at scale: `generate --scale S` (CLEANROOM_BENCH_SCALE, default 1; the figure
// is 100, i.e. 100 million DSP impressions), then on one data dir whose engines spill beyond their
// memory limits (an upload's: 2 GB; a query's: CLEANROOM_BENCH_MEMORY, default 1GB):
//  - the upload of platform.dsp_impressions (its declared columns), against DuckDB's own
//    CSV-to-Parquet COPY of the same file with the same threads, memory limit and a spill folder;
//  - the join-and-aggregate (DSP impressions of users who converted, by campaign) and the reach
//    query (distinct users by campaign) as protected queries through the Clean Rooms API, end to
//    end until the result is in the bucket, against the same SQL in plain DuckDB over the same
//    Parquet files with the same limits.
// Each reports both times, the ratio, and the most the engines had spilled at once (MB), which
// shows the limit was reached. Run alone: CLEANROOM_BENCH_SCALE=100 build/cleanroom_bench
// --benchmark_filter=NodeScale (the generated CSV is about 0.3 GB per unit of scale).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/server.h"
#include "clean_rooms_client.h"
#include "cli/data_dir.h"
#include "core/datasets.h"
#include "data/generator.h"
#include "engine/engine.h"

namespace {
using namespace cleanroom;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kAdvertiser = "111111111111";  // queries and receives results
const std::string kPlatform = "222222222222";    // DSP impressions and conversions

const char* kJoin =
    "SELECT i.campaign_id, COUNT(DISTINCT i.user_id) AS users, SUM(i.impressions) AS impressions, "
    "SUM(i.total_cost) AS cost FROM dsp_impressions i JOIN conversions c ON i.user_id = c.user_id "
    "GROUP BY i.campaign_id";
const char* kReach =
    "SELECT campaign_id, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY "
    "campaign_id";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The most bytes the files under `root` held at once while it ran, sampled every 50 ms.
class SpillWatch {
 public:
  explicit SpillWatch(fs::path root) : root_(std::move(root)) {
    thread_ = std::thread([this] {
      while (!done_) {
        peak_ = std::max(peak_.load(), bytes_under());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~SpillWatch() { stop(); }
  double stop_mb() {
    stop();
    return static_cast<double>(peak_) / (1 << 20);
  }

 private:
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t bytes_under() const {
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code ignored;  // a spill file removed between listing and sizing
      if (it->is_regular_file(ignored)) total += it->file_size(ignored);
    }
    return total;
  }
  fs::path root_;
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> peak_{0};
  std::thread thread_;
};

json aggregation_rule(const std::vector<std::string>& sums, const std::string& dimension) {
  json aggregates = {{{"columnNames", {"user_id"}}, {"function", "COUNT_DISTINCT"}}};
  for (const auto& s : sums) aggregates.push_back({{"columnNames", {s}}, {"function", "SUM"}});
  return {{"v1",
           {{"aggregation",
             {{"aggregateColumns", aggregates},
              {"joinColumns", {"user_id"}},
              {"dimensionColumns", {dimension}},
              {"scalarFunctions", json::array()},
              {"outputConstraints",
               {{{"columnName", "user_id"}, {"minimum", 2}, {"type", "COUNT_DISTINCT"}}}}}}}}};
}

struct NodeWorld {
  const double scale = std::stod(env_or("CLEANROOM_BENCH_SCALE", "1"));
  const std::string memory = env_or("CLEANROOM_BENCH_MEMORY", "1GB");
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  fs::path dir = fs::temp_directory_path() / ("cleanroom-node-bench-" + std::to_string(::getpid()));
  std::unique_ptr<cli::DataDir> data;
  std::unique_ptr<api::Server> server;
  std::thread thread;
  core::AccountCredentials advertiser;
  std::string collaboration, membership, platform_membership;
  std::vector<data::GeneratedFile> files;
  double generate_seconds = 0;
  std::string impressions_parquet, conversions_parquet;

  NodeWorld() {
    spdlog::set_level(spdlog::level::warn);  // the polling would log every request
    fs::remove_all(dir);
    auto t0 = Clock::now();
    files = std::move(data::generate({scale, 1, (dir / "csv").string(), 0.6})).value();
    generate_seconds = seconds_since(t0);
    core::QueryLimits limits;
    limits.memory_limit = memory;
    limits.threads_per_query = threads;
    data = std::move(cli::open_data_dir((dir / "var").string(), "", std::nullopt, limits)).value();
    auto& s = *data->services;
    (void)s.accounts.ensure_platform(true);
    advertiser = s.accounts.create_account(kAdvertiser, "Advertiser").value();
    (void)s.accounts.create_account(kPlatform, "Platform");
    (void)s.buckets.create(kAdvertiser, "results").value();

    core::CreateCollaborationRequest c;
    c.name = "node bench";
    c.creator_display_name = "Advertiser";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kPlatform, "Platform", {}, std::nullopt}};
    collaboration = s.collaborations.create(kAdvertiser, c).value().collaboration.id;
    core::CreateMembershipRequest join;
    join.collaboration_id = collaboration;
    join.query_log_status = "DISABLED";
    platform_membership = s.memberships.create(kPlatform, join).value().membership.id;
    join.default_destination = S3Destination{"results", "", ResultFormat::Csv, std::nullopt, ""};
    membership = s.memberships.create(kAdvertiser, join).value().membership.id;

    api::ServerOptions o;
    o.port = 0;
    server = std::make_unique<api::Server>(s, o);
    (void)server->bind();
    thread = std::thread([this] { server->run(); });
  }
  ~NodeWorld() {
    server->stop();
    thread.join();
    data.reset();
    fs::remove_all(dir);
  }

  const data::GeneratedFile& file(const std::string& table) const {
    for (const auto& f : files)
      if (f.database == "platform" && f.table == table) return f;
    throw std::runtime_error("the generator wrote no platform." + table);
  }

  // Uploads a generated table into the platform's account, configured for the collaboration.
  Result<std::string> upload(const std::string& table, const std::vector<std::string>& columns,
                             const json& rule) {
    auto& s = *data->services;
    core::UploadRequest r;
    r.database_name = "platform";
    r.table_name = table;
    r.source_path = file(table).path;
    r.columns = file(table).columns;
    CR_ASSIGN(auto d, s.datasets.upload(kPlatform, r));
    CR_ASSIGN(auto t, s.configured_tables.create(
                          kPlatform,
                          {table, std::nullopt, {"platform", table}, columns, "DIRECT_QUERY", {}}));
    CR_TRY(s.configured_tables.create_rule(kPlatform, t.table.id, "AGGREGATION", rule));
    CR_TRY(s.configured_tables.create_association(
        kPlatform, {platform_membership, t.table.id, table, std::nullopt,
                    "arn:aws:iam::" + kPlatform + ":role/bench"}));
    return (dir / "var" / d.path).string();
  }

  // A fresh engine with the threads and memory limit of the node's own for the same task,
  // spilling under `spill`.
  std::unique_ptr<engine::Engine> raw_engine(const fs::path& spill,
                                             const std::string& memory_limit) const {
    engine::EngineOptions o;
    o.threads = threads;
    o.memory_limit = memory_limit;
    o.spill_root = spill.string();
    return std::move(engine::Engine::open(o)).value();
  }
};

NodeWorld& world() {
  static NodeWorld w;
  return w;
}

void report(benchmark::State& state, double raw, double ours, double raw_spill, double spill) {
  state.counters["raw_duckdb_s"] = raw;
  state.counters["cleanroom_s"] = ours;
  state.counters["vs_raw"] = ours / raw;
  state.counters["raw_spilled_mb"] = raw_spill;
  state.counters["spilled_mb"] = spill;
}

// Empties the kernel's page cache (needs root), so that each side reads the CSV from disk: at 100M
// the file is about as large as the memory, and whichever side ran second would otherwise find
// part of it cached. Whether it could is reported (cold_cache).
bool drop_page_cache() {
  ::sync();
  std::ofstream drop("/proc/sys/vm/drop_caches");
  drop << "1";
  drop.flush();
  return drop.good();
}

// DuckDB's COPY of the CSV (declared columns) to Parquet, then cleanroom's upload of the same file,
// each from a cold page cache when the bench may empty it.
void BM_NodeScale_Upload(benchmark::State& state) {
  NodeWorld& w = world();
  const auto& f = w.file("dsp_impressions");
  state.counters["scale"] = w.scale;
  state.counters["rows"] = static_cast<double>(f.rows);
  state.counters["generate_s"] = w.generate_seconds;
  for (auto _ : state) {
    std::string columns;
    for (const auto& c : f.columns)
      columns += (columns.empty() ? "" : ", ") + engine::sql_literal(c.name) + ": " +
                 engine::sql_literal(c.type);
    const fs::path raw_spill = w.dir / "raw-spill";
    bool cold = drop_page_cache();
    auto t0 = Clock::now();
    double raw_mb = 0;
    {
      SpillWatch watch(raw_spill);
      auto e = w.raw_engine(raw_spill, core::dataset_engine_options(*w.data->ctx).memory_limit);
      Status st = e->connection().run(
          "COPY (SELECT * FROM read_csv(" + engine::sql_literal(f.path) + ", header = true, " +
          "columns = {" + columns + "})) TO " +
          engine::sql_literal((w.dir / "raw-impressions.parquet").string()) + " (FORMAT parquet)");
      raw_mb = watch.stop_mb();
      if (!st.ok()) return state.SkipWithError(("raw COPY: " + st.error().message).c_str());
    }
    const double raw = seconds_since(t0);
    fs::remove(w.dir / "raw-impressions.parquet");

    cold = drop_page_cache() && cold;
    auto t1 = Clock::now();
    SpillWatch watch(w.dir / "var" / "tmp");
    auto uploaded =
        w.upload("dsp_impressions", {"user_id", "campaign_id", "impressions", "total_cost"},
                 aggregation_rule({"impressions", "total_cost"}, "campaign_id"));
    const double spilled = watch.stop_mb();
    if (!uploaded.ok()) return state.SkipWithError(uploaded.error().message.c_str());
    const double ours = seconds_since(t1);
    w.impressions_parquet = *uploaded;
    state.SetIterationTime(ours);
    report(state, raw, ours, raw_mb, spilled);
    state.counters["cold_cache"] = cold ? 1 : 0;
  }
}

// A protected query end to end, against the same SQL over the same files in plain DuckDB.
void protected_versus_raw(benchmark::State& state, const std::string& sql) {
  NodeWorld& w = world();
  if (w.impressions_parquet.empty())
    return state.SkipWithError("run with NodeScale_Upload first: it uploads the impressions");
  if (w.conversions_parquet.empty()) {
    auto uploaded = w.upload("conversions", {"user_id", "advertiser_id"},
                             aggregation_rule({}, "advertiser_id"));
    if (!uploaded.ok()) return state.SkipWithError(uploaded.error().message.c_str());
    w.conversions_parquet = *uploaded;
  }
  bench::CleanRoomsClient client(w.server->port(), w.advertiser.access_key_id,
                                 w.advertiser.secret_access_key);
  for (auto _ : state) {
    std::string raw_sql = sql;
    auto over_file = [&](const std::string& table, const std::string& path) {
      const std::string from = "FROM " + table, join = "JOIN " + table;
      for (const auto& word : {from, join})
        if (auto at = raw_sql.find(word + " "); at != std::string::npos)
          raw_sql.replace(at, word.size(),
                          word.substr(0, 5) + "read_parquet(" + engine::sql_literal(path) + ")");
    };
    over_file("dsp_impressions", w.impressions_parquet);
    over_file("conversions", w.conversions_parquet);
    const fs::path raw_spill = w.dir / "raw-spill";
    auto t0 = Clock::now();
    double raw_mb = 0;
    {
      SpillWatch watch(raw_spill);
      auto e = w.raw_engine(raw_spill, w.memory);
      Status st =
          e->connection().run("COPY (" + raw_sql + ") TO " +
                              engine::sql_literal((w.dir / "raw.csv").string()) + " (HEADER)");
      raw_mb = watch.stop_mb();
      if (!st.ok()) return state.SkipWithError(("raw query: " + st.error().message).c_str());
    }
    const double raw = seconds_since(t0);

    auto t1 = Clock::now();
    SpillWatch watch(w.dir / "var" / "tmp");
    json ended;
    std::string why;
    bool ok = client.protected_query(w.membership, sql, &ended, &why);
    const double spilled = watch.stop_mb();
    if (!ok) return state.SkipWithError(("protected query: " + why).c_str());
    const double ours = seconds_since(t1);
    state.SetIterationTime(ours);
    report(state, raw, ours, raw_mb, spilled);
  }
}

void BM_NodeScale_JoinAggregate(benchmark::State& state) { protected_versus_raw(state, kJoin); }
void BM_NodeScale_Reach(benchmark::State& state) { protected_versus_raw(state, kReach); }
// The same with the collaboration's difference checks off (docs/difference-checks.md): what the
// people of every group cost, gathered and compared.
void BM_NodeScale_ReachWithoutDifferenceChecks(benchmark::State& state) {
  NodeWorld& w = world();
  if (auto off = w.data->services->collaborations.set_difference_checks(w.collaboration, false);
      !off.ok())
    return state.SkipWithError(off.error().message.c_str());
  protected_versus_raw(state, kReach);
}

}  // namespace

// In this order: the queries read what the upload wrote.
BENCHMARK(BM_NodeScale_Upload)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_NodeScale_JoinAggregate)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_NodeScale_Reach)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_NodeScale_ReachWithoutDifferenceChecks)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
