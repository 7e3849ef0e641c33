#pragma once
// AMC-style privacy for the platform's tables (amc-api-facts.md, "The privacy model";
// docs/platform-tables.md): the class of each column, by its name, the column that identifies a
// user, and the table's main event time, which an execution's time window filters it on.
#include <optional>
#include <string>
#include <vector>

#include "policy/query_check.h"

namespace cleanroom::core {

// The class of a column by its name, as the public AMC data dictionary gives it (AMC's INTERNAL
// class is VERY_HIGH here: never output); None for a name it does not list (metrics such as
// impressions, clicks, total_cost).
policy::ColumnClass amc_column_class(const std::string& column);

// The main event time column of a platform table with these columns: impression_dt_utc for
// dsp_impressions, conversion_event_dt_utc for amazon_attributed_events_by_conversion_time,
// event_dt_utc for sponsored_ads_traffic and the conversions tables, ... (docs/platform-tables.md).
// A table it does not know by name gets event_dt_utc if it has one. "" when the table has none.
std::string amc_event_time_column(const std::string& table_name,
                                  const std::vector<std::string>& columns);

// The AMC privacy of a platform table with these columns; none when it has no user id column
// (then there is nobody to count, and its own analysis rule alone applies).
std::optional<policy::AmcPrivacy> amc_privacy_of(const std::string& table_name,
                                                 const std::vector<std::string>& columns);

}  // namespace cleanroom::core
