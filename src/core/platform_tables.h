#pragma once
// The platform's tables (docs/platform-tables.md): the Advertising Data Provider's datasets in
// database `platform` (dsp_impressions, dsp_clicks, ...), exposed as configured tables with the
// platform's AGGREGATION rule and associated into every AMC instance's collaboration, as the
// reference's "AWS account owned by AMC that contains Amazon's data" does. On top of the rule,
// the AMC column classes apply to them (core/amc_privacy.h).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "catalog/datasets_repo.h"
#include "core/context.h"

namespace cleanroom::core {

inline constexpr const char* kPlatformDatabase = "platform";
// The identity table matching reads when none is named (docs/identity.md), with the schema of
// data::platform_identity_columns(); never queried, so never published.
inline constexpr const char* kPlatformIdentityTable = "identities";

// The platform's AGGREGATION rule for a table with these columns: user_id and the other columns
// that name one event or person (AMC's very high class: event_id, request_tag, ...) are join
// columns and are counted; numeric measures (impressions, total_cost, ...; not ids, hours or days)
// are summed and averaged; every other column is a dimension. Each output row needs two distinct
// users; the AMC classes raise that.
nlohmann::json platform_rule_policy(const std::vector<catalog::DatasetColumn>& columns);

// Associates every published platform table into the collaboration, as the Advertising Data
// Provider's membership there (which must exist). Runs inside the transaction creating an AMC
// instance, so an instance never exists without the platform's tables.
Status associate_platform_tables(catalog::Tx& tx, const std::string& collaboration_id);

struct PublishedTables {
  std::vector<std::string> tables;  // the platform tables now published, by name
  int associations_added = 0;       // into collaborations that did not have them yet
};

// Publishes the Advertising Data Provider's `platform` datasets: a configured table per dataset
// (its columns minus identity columns), the platform rule kept in step with the columns, and an
// association into every collaboration where the provider is an active member. Idempotent; a
// replaced dataset (a new version with the same columns) changes nothing. Every commit of a
// platform dataset runs it in the same transaction, so a loaded table is queryable at once.
Result<PublishedTables> publish_platform_tables(catalog::Tx& tx);
// The dataset is one of the platform's tables (the provider's, in database `platform`); never
// before the first serve created the provider.
Result<bool> is_platform_dataset(catalog::Tx& tx, const std::string& account,
                                 const std::string& database_name);

class PlatformTableService {
 public:
  explicit PlatformTableService(Context& ctx) : ctx_(ctx) {}
  // publish_platform_tables in its own transaction (at server start).
  Result<PublishedTables> publish();

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
