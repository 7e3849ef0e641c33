// Upload throughput: a 10-million-row CSV (with an email column) ingested by cleanroom, with
// the email normalised and hashed, against DuckDB's own CSV-to-Parquet COPY of the same file
// in the same run. The file is generated once per run, deterministically, in a temp folder.
// Run alone with --benchmark_filter=Upload.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "data/ingest.h"
#include "engine/engine.h"

namespace {
using namespace cleanroom;
namespace fs = std::filesystem;

constexpr int64_t kRows = 10'000'000;

// CPU seconds of the whole process (all engine threads): steadier than wall time on a shared
// machine, so the ratio is reported both ways.
double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

engine::EngineOptions bench_engine() {
  engine::EngineOptions o;
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.memory_limit = "4GB";
  return o;
}

struct CsvFile {
  fs::path dir =
      fs::temp_directory_path() / ("cleanroom-upload-bench-" + std::to_string(::getpid()));
  std::string csv = (dir / "events.csv").string();
  int64_t bytes = 0;
  double duckdb_seconds = 0;  // set by the baseline, read by ours for the ratios
  double duckdb_cpu_seconds = 0;

  CsvFile() {
    fs::create_directories(dir);
    auto e = std::move(engine::Engine::open(bench_engine())).value();
    // Emails as CRM exports hold them: most already lowercase, a tenth mixed-case, a tenth
    // with surrounding space and a plus tag, so both paths of the email rule are measured.
    Status s = e->connection().run(
        "COPY (SELECT i AS event_id, CASE WHEN i % 10 = 0 THEN 'User.' || i || '@Example.com' "
        "WHEN i % 10 = 1 THEN ' user' || i || '+promo@example.com' "
        "ELSE 'user' || i || '@example' || (i % 97) || '.com' END AS email, "
        "'campaign_' || (i % 1000) AS campaign, round((i * 7919 % 100000) / 100.0, 2) AS amount, "
        "DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS event_date, "
        "['US', 'GB', 'DE', 'FR', 'JP'][1 + i % 5] AS country FROM range(" +
        std::to_string(kRows) + ") t(i)) TO " + engine::sql_literal(csv) + " (HEADER)");
    if (!s.ok()) std::fprintf(stderr, "cannot generate the CSV: %s\n", s.error().message.c_str());
    bytes = static_cast<int64_t>(fs::file_size(csv));
  }
  ~CsvFile() { fs::remove_all(dir); }
};

CsvFile& csv_file() {
  static CsvFile f;
  return f;
}

void report(benchmark::State& state, const CsvFile& f) {
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * f.bytes);
}

void BM_Upload10M_DuckDbCopy(benchmark::State& state) {
  auto& f = csv_file();
  std::string out = (f.dir / "duckdb.parquet").string();
  double seconds = 0, cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto e = std::move(engine::Engine::open(bench_engine())).value();
    Status s = e->connection().run("COPY (SELECT * FROM read_csv(" + engine::sql_literal(f.csv) +
                                   ")) TO " + engine::sql_literal(out) + " (FORMAT parquet)");
    if (!s.ok()) state.SkipWithError(s.error().message.c_str());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fs::remove(out);
  }
  f.duckdb_seconds = seconds / static_cast<double>(state.iterations());
  f.duckdb_cpu_seconds =
      (process_cpu_seconds() - cpu_start) / static_cast<double>(state.iterations());
  state.counters["cpu_s"] = f.duckdb_cpu_seconds;
  report(state, f);
}

void BM_Upload10M_CleanroomIngest(benchmark::State& state) {
  auto& f = csv_file();
  data::IngestRequest req;
  req.source_path = f.csv;
  req.format = data::FileFormat::Csv;
  req.pii = {{"email", data::PiiType::Email}};
  req.target_dir = (f.dir / "datasets").string();
  req.engine = bench_engine();
  double seconds = 0, cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto r = data::ingest(req);  // the staged file is removed when r goes
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double cpu = (process_cpu_seconds() - cpu_start) / static_cast<double>(state.iterations());
  state.counters["cpu_s"] = cpu;
  report(state, f);
  // Our time over DuckDB's for the same file, when the baseline ran in this process.
  if (f.duckdb_seconds > 0) {
    state.counters["vs_duckdb"] =
        seconds / static_cast<double>(state.iterations()) / f.duckdb_seconds;
    state.counters["vs_duckdb_cpu"] = cpu / f.duckdb_cpu_seconds;
  }
}

}  // namespace

// One iteration each: a run takes seconds, and the CSV is shared, so the order matters: the
// baseline first, so that ours can report the ratio.
BENCHMARK(BM_Upload10M_DuckDbCopy)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Upload10M_CleanroomIngest)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
