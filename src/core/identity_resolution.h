#pragma once
// Identity resolution: a party's dataset matched against the platform's identity table by the
// waterfall of data/identity_matching.h, written as a new dataset of the party that keeps the
// non-identity columns and adds the resolved user_id and the rule that found it.
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/datasets_repo.h"
#include "core/context.h"
#include "core/platform_tables.h"
#include "data/identity_matching.h"

namespace cleanroom::core {

struct ResolveRequest {
  std::string database_name;  // the caller's table to resolve
  std::string table_name;
  std::string platform_database = kPlatformDatabase;  // of the Advertising Data Provider
  std::string platform_table = kPlatformIdentityTable;
  // The output table of the caller; empty: the same database, table "<table>_resolved".
  std::string into_database;
  std::string into_table;
};

struct Resolution {
  catalog::DatasetRecord source;    // the version that was read
  catalog::DatasetRecord platform;  // the identity table's version that was read
  catalog::DatasetRecord output;    // the new version written
  data::MatchStats stats;
};

class IdentityResolutionService {
 public:
  explicit IdentityResolutionService(Context& ctx) : ctx_(ctx) {}

  // Matches the caller's table against the platform identity table and writes the result as
  // the next version of the output table. The statistics are returned, not stored.
  Result<Resolution> resolve(const std::string& caller, const ResolveRequest& req);

 private:
  Context& ctx_;
};

// {sourceTable, sourceVersion, platformTable, platformVersion, rows, matched, unmatched,
//  matchRate, matchedByRule: {EMAIL, PHONE, NAME_POSTAL}, dataset: <dataset_json>}, shared by
// the CLI and the HTTP face.
nlohmann::json resolution_json(const Resolution& r);

}  // namespace cleanroom::core
