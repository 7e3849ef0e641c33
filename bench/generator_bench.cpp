// Synthetic data generation (docs/generator.md) at scale 10: 10 million impressions, 2 million
// platform users, 500,000 CRM customers and the clicks and conversions derived from them, as
// CSV files in a temp folder removed afterwards. Run alone with --benchmark_filter=Generate.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "data/generator.h"

namespace {
using namespace cleanroom;
namespace fs = std::filesystem;

void BM_Generate10MImpressions(benchmark::State& state) {
  fs::path dir =
      fs::temp_directory_path() / ("cleanroom-generator-bench-" + std::to_string(::getpid()));
  data::GeneratorOptions o;
  o.scale = 10;
  o.seed = 1;
  o.out_dir = dir.string();
  int64_t rows = 0, impressions = 0, bytes = 0;
  double impression_seconds = 0;
  for (auto _ : state) {
    auto last = std::chrono::steady_clock::now();
    auto files = data::generate(o, [&](const data::GeneratedFile& f) {
      auto now = std::chrono::steady_clock::now();
      if (f.table == "dsp_impressions") {
        impressions += f.rows;
        impression_seconds += std::chrono::duration<double>(now - last).count();
      }
      last = now;
    });
    if (!files.ok()) {
      state.SkipWithError(files.error().message.c_str());
      break;
    }
    for (const auto& f : *files) {
      rows += f.rows;
      bytes += static_cast<int64_t>(fs::file_size(f.path));
    }
  }
  fs::remove_all(dir);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["impressions_per_s"] =
      benchmark::Counter(static_cast<double>(impressions) / std::max(impression_seconds, 1e-9));
  state.counters["impressions_table_s"] = impression_seconds;
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_Generate10MImpressions)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
