#include "core/demo_data.h"

#include <chrono>
#include <filesystem>

#include "core/platform.h"
#include "core/platform_tables.h"

namespace cleanroom::core {
namespace fs = std::filesystem;

namespace {

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

}  // namespace

Result<std::vector<std::string>> load_platform_files(
    Context& ctx, DatasetService& datasets, const std::vector<data::GeneratedFile>& files) {
  CR_ASSIGN(auto provider, platform_account(ctx.db, "ADVERTISING_DATA_PROVIDER"));
  std::vector<std::string> loaded;
  for (const auto& f : files) {
    if (f.database != kPlatformDatabase) continue;
    UploadRequest req;
    req.database_name = f.database;
    req.table_name = f.table;
    req.source_path = f.path;
    req.columns = f.columns;
    for (const auto& [column, type] : f.pii) {
      auto t = data::pii_type_from_name(type);
      if (!t) return Error::internal("the generator named an unknown identity type " + type);
      req.pii[column] = *t;
    }
    CR_TRY(status_of(datasets.upload(provider.account_id, req)));
    loaded.push_back(f.database + "." + f.table);
  }
  return loaded;
}

Result<DemoData> ensure_demo_data(Context& ctx, DatasetService& datasets,
                                  const DemoOptions& options,
                                  const std::function<void(const std::string&)>& say) {
  DemoData out;
  out.dir = ctx.data_dir + "/demo";
  out.crm_file = out.dir + "/crm.customers.csv";
  CR_ASSIGN(auto provider, platform_account(ctx.db, "ADVERTISING_DATA_PROVIDER"));
  CR_ASSIGN(auto existing, datasets.list(provider.account_id));
  for (const auto& d : existing)
    if (d.database_name == kPlatformDatabase && d.table_name != kPlatformIdentityTable) return out;

  auto started = std::chrono::steady_clock::now();
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", options.scale);
  say(std::string("demo: generating data (scale ") + scale + ") into " + out.dir);
  data::GeneratorOptions g;
  g.scale = options.scale;
  g.seed = options.seed;
  g.out_dir = out.dir;
  CR_ASSIGN(
      auto files, data::generate(g, [&](const data::GeneratedFile& f) {
        say("demo:   " + f.database + "." + f.table + ": " + std::to_string(f.rows) + " rows");
      }));
  say("demo: loading the platform's tables into the Advertising Data Provider's account");
  CR_ASSIGN(out.platform_tables, load_platform_files(ctx, datasets, files));
  // The loaded copies are Parquet datasets now; only the CRM file is still needed, by the user.
  for (const auto& f : files)
    if (f.database == kPlatformDatabase) fs::remove(f.path);
  out.loaded_now = true;
  // An instance reads none of these rows until its advertiser is linked to it (README,
  // "Quickstart"; docs/platform-tables.md), so the ids to link are printed here.
  std::string advertisers;
  for (const auto& a : data::generated_advertisers())
    advertisers += (advertisers.empty() ? "" : ", ") + std::to_string(a.id) + " (" + a.name + ")";
  say("demo: the platform's advertisers are " + advertisers +
      "; link one to an AMC account with `cleanroom admin amc-account link-advertiser`, then add "
      "it to an instance (POST /amc/instances/{id}/advertisers/updates)");
  say("demo: ready in " + seconds_since(started) + "; the advertiser's CRM is " + out.crm_file);
  return out;
}

}  // namespace cleanroom::core
