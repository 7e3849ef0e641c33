#pragma once
// Synthetic data for demos, tests and benchmarks: the platform's tables with the AMC schema
// (identities, DSP impressions, clicks and views, sponsored ads traffic, attributed events,
// conversions) and an advertiser's CRM with raw emails and phones, written as CSV files ready for
// `cleanroom upload`. Every value is a function of (row, seed), computed inside DuckDB, so a seed
// gives byte-identical files (with the same build) and ten million impressions take seconds.
// Tables, shapes, sizes: docs/generator.md; columns and classes: docs/platform-tables.md.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "data/sources.h"

namespace cleanroom::data {

struct GeneratorOptions {
  // 1.0 = 1,000,000 DSP impressions (and 150,000 sponsored products impressions); fractional
  // scales allowed (0.05 is a small demo); at most 500.
  double scale = 1.0;
  uint64_t seed = 1;
  std::string out_dir;       // created if missing; files are replaced
  double crm_overlap = 0.6;  // share of CRM customers who are platform users (0..1)
};

struct GeneratedFile {
  std::string database;  // "platform" for the platform's tables, "crm" for the advertiser's
  std::string table;     // e.g. "dsp_impressions"
  std::string path;      // out_dir + "/" + database + "." + table + ".csv"
  int64_t rows = 0;
  // column -> identity type to hash on upload, e.g. {"email","email"}
  std::map<std::string, std::string> pii;
  // The schema to declare on upload (`--columns`), in file order; empty: let the upload infer it.
  // Platform event tables declare theirs, since inference would read campaign_id_string as a
  // number and sales as DOUBLE.
  std::vector<ColumnSpec> columns;
};

// An advertiser whose campaigns the generated platform tables hold (their `advertiser_id` and
// `advertiser` columns), for the demo to name the ids an operator links to an AMC account.
struct GeneratedAdvertiser {
  int64_t id;
  std::string name;
};
std::vector<GeneratedAdvertiser> generated_advertisers();

// Writes every table; returns them in this order: platform.identities, platform.dsp_impressions,
// platform.dsp_clicks, platform.dsp_views, platform.sponsored_ads_traffic,
// platform.amazon_attributed_events_by_conversion_time,
// platform.amazon_attributed_events_by_traffic_time, platform.conversions,
// platform.conversions_with_relevance, platform.conversions_all, platform.display_impressions,
// platform.display_clicks (the older names: the same rows as dsp_impressions and dsp_clicks),
// crm.customers.
// progress (optional) is called once per finished table. A table is written to a temporary file
// beside its place and renamed there when complete, so a failed run never leaves half a file
// under a table's name.
Result<std::vector<GeneratedFile>> generate(
    const GeneratorOptions& options,
    const std::function<void(const GeneratedFile&)>& progress = {});

// The checks generate() makes of its options, for a caller that refuses them before starting.
Status check_options(const GeneratorOptions& options);

}  // namespace cleanroom::data
