// `cleanroom generate`: deterministic synthetic platform and CRM tables as CSV files
// (docs/generator.md), then the `cleanroom upload` commands that load them.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "data/generator.h"

namespace cleanroom::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A path as one shell word: as it is when that is safe, else single-quoted.
std::string shell_word(const std::string& s) {
  bool plain = !s.empty() && s.find_first_not_of(
                                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789_./-+:=,") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The upload of one generated file: the platform's tables into the Advertising Data Provider's
// account, the CRM into the advertiser's (shell variables, so the lines can be pasted).
std::string upload_command(const data::GeneratedFile& f) {
  std::string account = f.database == "platform" ? "$PROVIDER_ACCOUNT" : "$ADVERTISER_ACCOUNT";
  std::string cmd = "cleanroom upload --data-dir ./var --account " + account + " --table " +
                    f.database + "." + f.table;
  std::string pii;
  for (const auto& [column, type] : f.pii) pii += (pii.empty() ? "" : ",") + column + ":" + type;
  if (!pii.empty()) cmd += " --pii " + pii;
  std::string columns;
  for (const auto& c : f.columns) columns += (columns.empty() ? "" : ",") + c.name + ":" + c.type;
  if (!columns.empty()) cmd += " --columns " + shell_word(columns);
  return cmd + " " + shell_word(f.path);
}

void print_next_steps(const std::vector<data::GeneratedFile>& files) {
  // The provider's account id, read from the data dir as docs/platform-tables.md does.
  std::printf(
      "\nTo load them into ./var, set ADVERTISER_ACCOUNT to the advertiser's account, then:\n"
      "PROVIDER_ACCOUNT=$(python3 -c 'import json; print(next(a[\"accountId\"] for a in "
      "json.load(open(\"var/credentials.json\"))[\"platformAccounts\"] if a[\"role\"] == "
      "\"ADVERTISING_DATA_PROVIDER\"))')\n");
  for (const auto& f : files) std::printf("%s\n", upload_command(f).c_str());
  std::printf(
      "cleanroom match --data-dir ./var --account $ADVERTISER_ACCOUNT --table crm.customers\n");
}

int run_generate(const data::GeneratorOptions& o) {
  auto start = Clock::now(), last = start;
  int64_t total_rows = 0;
  auto files = data::generate(o, [&](const data::GeneratedFile& f) {
    std::printf("%-60s %12lld rows  %6.1f s  %s\n", (f.database + "." + f.table).c_str(),
                static_cast<long long>(f.rows), seconds_since(last), f.path.c_str());
    std::fflush(stdout);
    total_rows += f.rows;
    last = Clock::now();
  });
  if (!files.ok()) {
    std::fprintf(stderr, "error: %s\n", files.error().message.c_str());
    return 1;
  }
  std::printf("generated %zu tables, %lld rows in %.1f s (scale %g, seed %llu)\n", files->size(),
              static_cast<long long>(total_rows), seconds_since(start), o.scale,
              static_cast<unsigned long long>(o.seed));
  print_next_steps(*files);
  return 0;
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto o = std::make_shared<data::GeneratorOptions>();
  auto* cmd = app.add_subcommand(
      "generate",
      "Write deterministic synthetic platform tables and an advertiser's CRM as CSV files");
  cmd->add_option("--scale", o->scale,
                  "1 = 1,000,000 DSP and 150,000 sponsored products impressions, 200,000 "
                  "platform users, 50,000 CRM customers")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "The same seed gives byte-identical files")
      ->capture_default_str()
      ->check(whole_number());
  cmd->add_option("--out", o->out_dir, "Folder for the CSV files (created; files replaced)")
      ->required();
  cmd->add_option("--crm-overlap", o->crm_overlap,
                  "Share of CRM customers who are platform users (0..1)")
      ->capture_default_str();
  cmd->callback([o] {
    // Refused before any file is written, as CLI11 refuses the option values it checks itself.
    if (Status s = data::check_options(*o); !s.ok()) {
      std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
      std::exit(2);
    }
    std::exit(run_generate(*o));
  });
}

}  // namespace cleanroom::cli
