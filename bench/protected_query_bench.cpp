// Protected query speed on generated data: 10 million impressions, 1 million conversions and
// 1 million advertiser CRM rows. The same aggregation runs (a) raw in DuckDB over the same
// Parquet files and (b) as a protected query through the Clean Rooms API (SigV4-signed by
// libcurl, over loopback), end to end until the result object is in the bucket; the ratio is
// reported. Also: the same on 10 thousand rows (end-to-end latency), the policy check alone, and
// AMC's per-user frequency query (a WITH that aggregates per user, thresholded by the AMC model)
// checked and run by the engine against the same SQL run raw.
// Run alone with --benchmark_filter=ProtectedQuery or --benchmark_filter=AmcFrequency.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/server.h"
#include "clean_rooms_client.h"
#include "cli/data_dir.h"
#include "core/difference_checks.h"
#include "engine/engine.h"
#include "engine/protected_run.h"
#include "policy/query_check.h"

namespace {
using namespace cleanroom;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kAdvertiser = "111111111111";  // CRM; queries and receives results
const std::string kPlatform = "222222222222";    // impressions and conversions

const char* kQuery =
    "SELECT i.campaign_id, COUNT(DISTINCT i.user_id) AS users, SUM(i.impressions) AS impressions, "
    "SUM(i.cost) AS cost FROM impressions i JOIN crm c ON i.user_id = c.user_id "
    "GROUP BY i.campaign_id";
// The raw equivalent: no rule, no threshold.
const char* kRawQuery =
    "SELECT i.campaign_id, COUNT(DISTINCT i.user_id) AS users, SUM(i.impressions) AS impressions, "
    "SUM(i.cost) AS cost FROM read_parquet(%IMPRESSIONS%) i JOIN read_parquet(%CRM%) c "
    "ON i.user_id = c.user_id GROUP BY i.campaign_id";

// AMC's frequency distribution: impressions per user, then users per frequency.
const char* kFrequencyQuery =
    "WITH per_user AS (SELECT user_id, COUNT(*) AS frequency, SUM(cost) AS cost "
    "FROM impressions GROUP BY user_id) "
    "SELECT frequency, COUNT(DISTINCT user_id) AS users, SUM(cost) AS cost "
    "FROM per_user GROUP BY frequency";

json aggregation_rule(const std::vector<std::string>& sums, const std::string& dimension) {
  json aggregates = {{{"columnNames", {"user_id"}}, {"function", "COUNT_DISTINCT"}}};
  for (const auto& s : sums) aggregates.push_back({{"columnNames", {s}}, {"function", "SUM"}});
  return {{"v1",
           {{"aggregation",
             {{"aggregateColumns", aggregates},
              {"joinColumns", {"user_id"}},
              {"dimensionColumns", dimension.empty() ? json::array() : json::array({dimension})},
              {"scalarFunctions", json::array()},
              {"outputConstraints",
               {{{"columnName", "user_id"}, {"minimum", 2}, {"type", "COUNT_DISTINCT"}}}}}}}}};
}

// One world per scale: a data dir, a collaboration of the two accounts, their datasets, and the
// server on a free port.
struct World {
  int64_t impressions;
  fs::path dir;
  std::unique_ptr<cli::DataDir> data;
  std::unique_ptr<api::Server> server;
  std::thread thread;
  core::AccountCredentials advertiser;
  std::string membership;
  std::string impressions_file, crm_file;

  explicit World(int64_t impression_rows) : impressions(impression_rows) {
    spdlog::set_level(spdlog::level::warn);  // the polling would log every request
    dir = fs::temp_directory_path() / ("cleanroom-query-bench-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(impressions));
    fs::remove_all(dir);
    data = std::move(cli::open_data_dir(dir.string())).value();
    auto& s = *data->services;
    (void)s.accounts.ensure_platform(true);
    advertiser = s.accounts.create_account(kAdvertiser, "Advertiser").value();
    (void)s.accounts.create_account(kPlatform, "Platform");
    (void)s.buckets.create(kAdvertiser, "results").value();
    generate_and_upload(s);

    core::CreateCollaborationRequest c;
    c.name = "bench";
    c.creator_display_name = "Advertiser";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kPlatform, "Platform", {}, std::nullopt}};
    auto collaboration = s.collaborations.create(kAdvertiser, c).value().collaboration.id;
    core::CreateMembershipRequest join;
    join.collaboration_id = collaboration;
    join.query_log_status = "DISABLED";
    auto platform_ms = s.memberships.create(kPlatform, join).value().membership.id;
    join.default_destination = S3Destination{"results", "", ResultFormat::Csv, std::nullopt, ""};
    membership = s.memberships.create(kAdvertiser, join).value().membership.id;
    configure(s, kAdvertiser, membership, "crm", {"user_id", "segment"},
              aggregation_rule({}, "segment"));
    configure(s, kPlatform, platform_ms, "impressions",
              {"user_id", "campaign_id", "impressions", "cost"},
              aggregation_rule({"impressions", "cost"}, "campaign_id"));
    configure(s, kPlatform, platform_ms, "conversions", {"user_id", "campaign_id", "purchases"},
              aggregation_rule({"purchases"}, "campaign_id"));

    api::ServerOptions o;
    o.port = 0;
    server = std::make_unique<api::Server>(s, o);
    (void)server->bind();
    thread = std::thread([this] { server->run(); });
  }
  ~World() {
    server->stop();
    thread.join();
    data.reset();
    fs::remove_all(dir);
  }

  void generate_and_upload(core::Services& s) {
    engine::EngineOptions o;
    o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto e = std::move(engine::Engine::open(o)).value();
    const int64_t users = std::max<int64_t>(impressions / 10, 100);
    const std::string n = std::to_string(impressions), u = std::to_string(users);
    const std::string raw = (dir / "raw").string();
    fs::create_directories(raw);
    auto copy = [&](const std::string& select, const std::string& name) {
      std::string path = raw + "/" + name + ".parquet";
      Status st = e->connection().run("COPY (" + select + ") TO " + engine::sql_literal(path) +
                                      " (FORMAT parquet)");
      if (!st.ok())
        std::fprintf(stderr, "generate %s: %s\n", name.c_str(), st.error().message.c_str());
      return path;
    };
    // Heavy-tailed campaigns: campaign k gets about 1/k of the traffic.
    std::string imp =
        copy("SELECT 'u' || (hash(i) % " + u +
                 ") AS user_id, "
                 "CAST(floor(1000 / (1 + (hash(i * 7) % 1000))) AS INTEGER) AS campaign_id, "
                 "1 + CAST(i % 3 AS INTEGER) AS impressions, (i % 100) / 1000.0 AS cost "
                 "FROM range(" +
                 n + ") t(i)",
             "impressions");
    std::string conv =
        copy("SELECT 'u' || (hash(i + 1) % " + u +
                 ") AS user_id, "
                 "CAST(i % 100 AS INTEGER) AS campaign_id, 1 AS purchases FROM range(" +
                 std::to_string(impressions / 10) + ") t(i)",
             "conversions");
    std::string crm = copy(
        "SELECT 'u' || i AS user_id, ['new', 'loyal', 'lapsed'][1 + i % 3] AS segment "
        "FROM range(" +
            std::to_string(impressions / 10) + ") t(i)",
        "crm");
    auto upload = [&](const std::string& account, const std::string& table,
                      const std::string& path) {
      core::UploadRequest r;
      r.database_name = "bench";
      r.table_name = table;
      r.source_path = path;
      r.format = data::FileFormat::Parquet;
      auto d = s.datasets.upload(account, r).value();
      return (dir / d.path).string();
    };
    impressions_file = upload(kPlatform, "impressions", imp);
    (void)upload(kPlatform, "conversions", conv);
    crm_file = upload(kAdvertiser, "crm", crm);
    fs::remove_all(raw);
  }

  void configure(core::Services& s, const std::string& account, const std::string& ms,
                 const std::string& table, std::vector<std::string> columns, const json& rule) {
    auto t =
        s.configured_tables
            .create(account, {table, std::nullopt, {"bench", table}, columns, "DIRECT_QUERY", {}})
            .value();
    (void)s.configured_tables.create_rule(account, t.table.id, "AGGREGATION", rule).value();
    (void)s.configured_tables
        .create_association(account, {ms, t.table.id, table, std::nullopt,
                                      "arn:aws:iam::" + account + ":role/bench"})
        .value();
  }

  // Start, poll until it ends, and check the object is there. Returns false on failure.
  bool protected_query(std::string* why) {
    bench::CleanRoomsClient client(server->port(), advertiser.access_key_id,
                                   advertiser.secret_access_key);
    json q;
    if (!client.protected_query(membership, kQuery, &q, why)) return false;
    std::string location = q["result"]["output"]["s3"]["location"];
    return fs::exists(dir / "buckets" / location.substr(5));
  }

  double raw_duckdb_seconds() {
    std::string sql = kRawQuery;
    sql.replace(sql.find("%IMPRESSIONS%"), 13, engine::sql_literal(impressions_file));
    sql.replace(sql.find("%CRM%"), 5, engine::sql_literal(crm_file));
    return raw_duckdb_seconds(sql);
  }

  // `sql` over the files themselves in a fresh DuckDB, result to CSV, as the engine would.
  double raw_duckdb_seconds(const std::string& sql) {
    engine::EngineOptions o;
    o.threads = 2;  // as the protected query's engine (QueryLimits::threads_per_query)
    o.memory_limit = "4GB";
    auto t0 = Clock::now();
    auto e = std::move(engine::Engine::open(o)).value();
    std::string out = (dir / "raw.csv").string();
    (void)e->connection().run("COPY (" + sql + ") TO " + engine::sql_literal(out) + " (HEADER)");
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }
};

// Both times per iteration and their ratio.
void report(benchmark::State& state, double raw, double ours) {
  double n = static_cast<double>(state.iterations());
  state.counters["raw_duckdb_ms"] = 1000 * raw / n;
  state.counters["protected_ms"] = 1000 * ours / n;
  state.counters["vs_raw"] = ours / raw;
}

World& world(int64_t impressions) {
  static std::map<int64_t, std::unique_ptr<World>> worlds;
  auto& w = worlds[impressions];
  if (!w) w = std::make_unique<World>(impressions);
  return *w;
}

// The frequency query checked under the AMC model (the impressions as a platform table) and run
// by the engine in its sandbox, against the same SQL over the same file in plain DuckDB.
void BM_AmcFrequency(benchmark::State& state) {
  World& w = world(state.range(0));
  policy::QueryContext ctx;
  ctx.runner_account_id = kAdvertiser;
  const std::vector<std::string> columns = {"user_id", "campaign_id", "impressions", "cost"};
  json custom = {
      {"v1",
       {{"custom",
         {{"allowedAnalyses", {"ANY_QUERY"}}, {"allowedAnalysisProviders", {kAdvertiser}}}}}}};
  auto rule = policy::parse_analysis_rule("CUSTOM", custom, columns);
  if (!rule.ok()) {
    state.SkipWithError(rule.error().message.c_str());
    return;
  }
  policy::QueryTable t{"impressions", columns, *rule, kPlatform,
                       policy::AmcPrivacy{"user_id", {}, ""}};
  t.column_types = {{"user_id", "VARCHAR"},
                    {"campaign_id", "INTEGER"},
                    {"impressions", "INTEGER"},
                    {"cost", "DOUBLE"}};
  ctx.tables = {t};
  double raw = 0, ours = 0;
  for (auto _ : state) {
    std::string sql = kFrequencyQuery;
    sql.replace(sql.find("FROM impressions"), 16,
                "FROM read_parquet(" + engine::sql_literal(w.impressions_file) + ")");
    raw += w.raw_duckdb_seconds(sql);

    auto t1 = Clock::now();
    auto checked = policy::check_query(kFrequencyQuery, ctx);
    if (!checked.ok()) {
      state.SkipWithError(checked.error().message.c_str());
      return;
    }
    engine::ProtectedRun run;
    run.sql = checked->sql;
    run.naming_sql = checked->naming_sql;
    run.tables = {{"impressions", columns, w.impressions_file, std::nullopt}};
    run.output_path = (w.dir / "amc.csv").string();
    fs::remove(run.output_path);  // DuckDB would stage over an existing file outside the sandbox
    engine::RunControl control;
    auto r = engine::run_protected(run, control);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    double t = std::chrono::duration<double>(Clock::now() - t1).count();
    ours += t;
    state.SetIterationTime(t);
  }
  report(state, raw, ours);
}

// Alternates raw and protected runs so both see the same machine state; reports both and the ratio.
void BM_ProtectedQuery(benchmark::State& state) {
  World& w = world(state.range(0));
  double raw = 0, ours = 0;
  for (auto _ : state) {
    raw += w.raw_duckdb_seconds();
    auto t0 = Clock::now();
    std::string why;
    if (!w.protected_query(&why)) {
      state.SkipWithError(("protected query failed: " + why).c_str());
      return;
    }
    double t = std::chrono::duration<double>(Clock::now() - t0).count();
    ours += t;
    state.SetIterationTime(t);
  }
  report(state, raw, ours);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The tables of the join under their AGGREGATION rules, as the checker sees them.
policy::QueryContext join_context() {
  policy::QueryContext ctx;
  ctx.runner_account_id = kAdvertiser;
  auto rule = [](const json& j, const std::vector<std::string>& cols) {
    return policy::parse_analysis_rule("AGGREGATION", j, cols).value();
  };
  ctx.tables = {{"impressions",
                 {"user_id", "campaign_id", "impressions", "cost"},
                 rule(aggregation_rule({"impressions", "cost"}, "campaign_id"),
                      {"user_id", "campaign_id", "impressions", "cost"}),
                 kPlatform,
                 std::nullopt},
                {"crm",
                 {"user_id", "segment"},
                 rule(aggregation_rule({}, "segment"), {"user_id", "segment"}),
                 kAdvertiser,
                 std::nullopt}};
  ctx.tables[0].column_types = {{"user_id", "VARCHAR"},
                                {"campaign_id", "INTEGER"},
                                {"impressions", "INTEGER"},
                                {"cost", "DOUBLE"}};
  ctx.tables[1].column_types = {{"user_id", "VARCHAR"}, {"segment", "VARCHAR"}};
  return ctx;
}

// Every group's people, admitted without a look: what the join's groups hold.
struct CapturePeople : engine::PeopleCheck {
  explicit CapturePeople(const engine::SipKey& k) : k_(k) {}
  bool admit(std::vector<uint64_t> people, int64_t minimum) override {
    std::lock_guard lock(mu);
    groups.emplace_back(std::move(people), minimum);
    return true;
  }
  const engine::SipKey& key() const override { return k_; }
  std::mutex mu;
  std::vector<std::pair<std::vector<uint64_t>, int64_t>> groups;
  engine::SipKey k_;
};

// The 10-million-row join checked and run by the engine (as BM_AmcFrequency) with difference
// checks off (0), on over an empty history (1), and on after 100 earlier queries (2): the
// history then holds, for each of 100 earlier queries, every group of the join with a different
// 2% of its people missing (as if filtered differently), the closest history a query meets.
void BM_DifferenceChecks(benchmark::State& state) {
  World& w = world(10'000'000);
  const int mode = static_cast<int>(state.range(0));
  policy::QueryContext ctx = join_context();
  ctx.difference_checks = mode > 0;
  auto checked = policy::check_query(kQuery, ctx);
  if (!checked.ok()) {
    state.SkipWithError(checked.error().message.c_str());
    return;
  }
  const fs::path history = w.dir / ("difference-checks-" + std::to_string(mode));
  fs::remove_all(history);
  core::DifferenceChecks checks(history.string(), "bench key");
  engine::ProtectedRun run;
  run.sql = checked->sql;
  run.naming_sql = checked->naming_sql;
  run.tables = {{"impressions",
                 {"user_id", "campaign_id", "impressions", "cost"},
                 w.impressions_file,
                 std::nullopt},
                {"crm", {"user_id", "segment"}, w.crm_file, std::nullopt}};
  run.output_path = (w.dir / "diff.csv").string();
  auto run_once = [&](engine::PeopleCheck* people) {
    fs::remove(run.output_path);
    run.people_check = people;
    engine::RunControl control;
    return engine::run_protected(run, control);
  };
  if (mode == 2) {
    auto probe = std::move(checks.start("bench")).value();
    CapturePeople capture(probe->key());
    if (!run_once(&capture).ok()) {
      state.SkipWithError("the join failed");
      return;
    }
    size_t stored = 0;
    for (uint64_t earlier = 0; earlier < 100; ++earlier) {
      auto r = std::move(checks.start("bench")).value();
      for (const auto& [people, minimum] : capture.groups) {
        std::vector<uint64_t> some;
        for (uint64_t p : people)
          if ((p >> 7) % 50 != earlier % 50 || (p >> 13) % 2 != earlier / 50) some.push_back(p);
        stored += r->admit(std::move(some), minimum) ? 1 : 0;
      }
    }
    state.counters["history_groups"] = static_cast<double>(stored);
  }
  double raw = 0, ours = 0;
  for (auto _ : state) {
    raw += w.raw_duckdb_seconds();
    auto t0 = Clock::now();
    std::unique_ptr<core::DifferenceChecks::Run> people;
    if (mode > 0) people = std::move(checks.start("bench")).value();
    auto r = run_once(people.get());
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    if (people) (void)people->record();
    double t = std::chrono::duration<double>(Clock::now() - t0).count();
    ours += t;
    state.SetIterationTime(t);
  }
  report(state, raw, ours);
}

void BM_PolicyCheck(benchmark::State& state) {
  policy::QueryContext ctx = join_context();
  for (auto _ : state) {
    auto checked = policy::check_query(kQuery, ctx);
    if (!checked.ok()) {
      state.SkipWithError(checked.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(checked);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_ProtectedQuery)
    ->Arg(10'000)
    ->Arg(10'000'000)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PolicyCheck)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DifferenceChecks)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AmcFrequency)
    ->Arg(10'000'000)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
