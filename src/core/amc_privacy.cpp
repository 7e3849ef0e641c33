#include "core/amc_privacy.h"

#include <algorithm>
#include <map>

namespace cleanroom::core {

std::optional<policy::AmcPrivacy> amc_privacy_of(const std::vector<std::string>& columns) {
  using policy::ColumnClass;
  // From the public table of classes and the platform tables' documented columns; a column not
  // named here is of class none (impressions, clicks and other metrics).
  static const std::map<std::string, ColumnClass> classes = {
      {"user_id", ColumnClass::VeryHigh},       {"event_id", ColumnClass::VeryHigh},
      {"traffic_event_id", ColumnClass::VeryHigh}, {"ip_address", ColumnClass::VeryHigh},
      {"postal_code", ColumnClass::High},       {"zip", ColumnClass::High},
      {"bid_price", ColumnClass::Medium},       {"conversion_event_dt_utc", ColumnClass::Medium},
      {"traffic_event_dt_utc", ColumnClass::Medium}, {"impression_dt_utc", ColumnClass::Medium},
      {"click_dt_utc", ColumnClass::Medium},    {"iso_state_province_code", ColumnClass::Low},
      {"ad_product_type", ColumnClass::Low},    {"tracked_item", ColumnClass::Low},
      {"campaign", ColumnClass::Low},           {"campaign_id", ColumnClass::Low},
      {"ad_id", ColumnClass::Low},              {"creative", ColumnClass::Low},
      {"creative_id", ColumnClass::Low},        {"advertiser", ColumnClass::Low},
      {"advertiser_id", ColumnClass::Low},      {"device_type", ColumnClass::Low},
      {"region", ColumnClass::Low},
  };
  if (std::find(columns.begin(), columns.end(), "user_id") == columns.end()) return std::nullopt;
  policy::AmcPrivacy p;
  p.user_id_column = "user_id";
  for (const auto& c : columns) {
    auto it = classes.find(c);
    if (it != classes.end()) p.column_classes[c] = it->second;
  }
  return p;
}

}  // namespace cleanroom::core
