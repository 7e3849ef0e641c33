#pragma once
// `serve --demo`: a data dir a new user can try at once (README, "Quickstart"). On the first
// start, the generator's platform tables (data/generator.h) are loaded into the Advertising Data
// Provider's account through the ordinary upload path, which publishes them into every AMC
// collaboration (core/platform_tables.h); the advertiser's CRM file is left in DATA_DIR/demo for
// the quickstart to upload.
#include <functional>
#include <string>
#include <vector>

#include "core/datasets.h"
#include "data/generator.h"

namespace cleanroom::core {

struct DemoOptions {
  double scale = 0.1;  // 100,000 impressions, 20,000 platform users, 5,000 CRM customers
  uint64_t seed = 1;
};

struct DemoData {
  bool loaded_now = false;  // false: the platform's tables were there already; nothing was done
  std::string dir;          // DATA_DIR/demo
  std::string crm_file;     // the advertiser's CRM, for `cleanroom upload`
  std::vector<std::string> platform_tables;  // DB.TABLE, as loaded
};

// Generates and loads the demo data unless the provider already has platform tables (a demo
// loaded before, or the operator's own). Progress lines go to `say`.
Result<DemoData> ensure_demo_data(Context& ctx, DatasetService& datasets,
                                  const DemoOptions& options,
                                  const std::function<void(const std::string&)>& say);

// Uploads generated platform files into the provider's account (each a new version, published as
// it commits). Files of other databases are skipped.
Result<std::vector<std::string>> load_platform_files(Context& ctx, DatasetService& datasets,
                                                     const std::vector<data::GeneratedFile>& files);

}  // namespace cleanroom::core
