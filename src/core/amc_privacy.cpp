#include "core/amc_privacy.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "common/contains.h"

namespace cleanroom::core {
namespace {
using policy::ColumnClass;

// The classes of the public AMC data dictionary (dsp_impressions, dsp_clicks, dsp_views,
// sponsored_ads_traffic, amazon_attributed_events_*, conversions, conversions_with_relevance,
// conversions_all), which give each name one class across tables; a few older names besides
// (zip, ip_address, region, ad_id). Space-separated names, by class; every name not listed is of
// class none.
constexpr const char* kVeryHigh =
    "conversion_id device_id event_id event_source impression_id ip_address request_tag "
    "traffic_event_id user_id";
constexpr const char* kInternal = "marketplace_id sns_subscription_id";
constexpr const char* kHigh = "city_name postal_code zip";
constexpr const char* kMedium =
    "bid_price click_cost click_dt click_dt_utc conversion_event_dt conversion_event_dt_utc "
    "event_dt event_dt_utc impression_dt impression_dt_utc traffic_event_dt traffic_event_dt_utc";
constexpr const char* kLow =
    "ad_group ad_group_end_dt ad_group_end_dt_utc ad_group_start_dt ad_group_start_dt_utc "
    "ad_group_status ad_group_type ad_id ad_product_type ad_slot_size advertiser "
    "advertiser_account_frequency_group_ids advertiser_id advertiser_timezone app_bundle "
    "browser_family campaign campaign_budget_amount campaign_budget_type campaign_country "
    "campaign_end_date campaign_end_date_utc campaign_end_dt campaign_end_dt_utc "
    "campaign_flight_id campaign_id campaign_id_string campaign_insertion_order_id "
    "campaign_primary_goal campaign_sales_type campaign_source campaign_start_date "
    "campaign_start_date_utc campaign_start_dt campaign_start_dt_utc campaign_status click_date "
    "click_date_utc click_day click_day_utc click_dt_hour click_dt_hour_utc click_hour "
    "click_hour_utc conversion_event_category conversion_event_date conversion_event_date_utc "
    "conversion_event_dt_hour conversion_event_dt_hour_utc conversion_event_hour "
    "conversion_event_hour_utc conversion_event_marketplace_name conversion_event_name "
    "conversion_event_source conversion_event_source_name conversion_event_subtype "
    "conversion_event_type conversion_event_type_class conversion_event_type_description creative "
    "creative_asin creative_category creative_duration creative_id creative_is_link_in "
    "creative_size creative_type currency_iso_code currency_name customer_search_term deal_id "
    "deal_name demand_channel demand_channel_owner device_make device_model device_type dma_code "
    "engagement_scope entity_id environment_type event_category event_date event_date_utc "
    "event_day event_day_utc event_dt_hour event_dt_hour_utc event_hour event_hour_utc "
    "event_subtype event_type event_type_class event_type_description exposure_type halo_code "
    "impression_date impression_date_utc impression_day impression_day_utc impression_dt_hour "
    "impression_dt_hour_utc impression_hour impression_hour_utc is_amazon_owned iso_country_code "
    "iso_state_province_code line_item line_item_budget_amount line_item_end_date "
    "line_item_end_date_utc line_item_end_dt line_item_end_dt_utc line_item_id "
    "line_item_price_type line_item_start_date line_item_start_date_utc line_item_start_dt "
    "line_item_start_dt_utc line_item_status line_item_type manager_account_frequency_group_ids "
    "marketplace_name match_type matched_behavior_segment_ids merchant_id new_to_brand ocm_fee "
    "operating_system os_version page_type placement_is_view_aware placement_type "
    "placement_view_rate portfolio_id portfolio_name product_line purchase_currency "
    "purchase_retail_program region segment_marketplace_id site slot_position supply_source "
    "supply_source_id supply_source_is_view_aware supply_source_view_rate targeting tracked_asin "
    "tracked_item traffic_event_date traffic_event_date_utc traffic_event_dt_hour "
    "traffic_event_dt_hour_utc traffic_event_hour traffic_event_hour_utc "
    "traffic_event_marketplace_name traffic_event_subtype traffic_event_type "
    "user_behavior_segment_ids user_id_type view_definition";

const std::map<std::string, ColumnClass>& classes() {
  static const std::map<std::string, ColumnClass> all = [] {
    std::map<std::string, ColumnClass> m;
    auto add = [&](std::string_view names, ColumnClass k) {
      for (size_t at = 0; at < names.size();) {
        size_t end = std::min(names.find(' ', at), names.size());
        m.emplace(names.substr(at, end - at), k);
        at = end + 1;
      }
    };
    add(kLow, ColumnClass::Low);
    add(kMedium, ColumnClass::Medium);
    add(kHigh, ColumnClass::High);
    add(kVeryHigh, ColumnClass::VeryHigh);
    add(kInternal, ColumnClass::VeryHigh);  // AMC's INTERNAL: never output either
    return m;
  }();
  return all;
}

// The main event time of each AMC table (the dictionary's "event" of the table), also under
// its older name and its *_for_audiences twin.
const std::map<std::string, std::string>& event_times() {
  static const std::map<std::string, std::string> all = {
      {"dsp_impressions", "impression_dt_utc"},
      {"display_impressions", "impression_dt_utc"},
      {"dsp_impressions_by_matched_segments", "impression_dt_utc"},
      {"dsp_impressions_by_user_segments", "impression_dt_utc"},
      {"dsp_clicks", "click_dt_utc"},
      {"display_clicks", "click_dt_utc"},
      {"dsp_views", "event_dt_utc"},
      {"sponsored_ads_traffic", "event_dt_utc"},
      {"amazon_attributed_events_by_conversion_time", "conversion_event_dt_utc"},
      {"amazon_attributed_events_by_traffic_time", "traffic_event_dt_utc"},
      {"conversions", "event_dt_utc"},
      {"conversions_all", "event_dt_utc"},
      {"conversions_with_relevance", "event_dt_utc"},
  };
  return all;
}

}  // namespace

ColumnClass amc_column_class(const std::string& column) {
  auto it = classes().find(column);
  return it == classes().end() ? ColumnClass::None : it->second;
}

std::string amc_event_time_column(const std::string& table_name,
                                  const std::vector<std::string>& columns) {
  std::string table = table_name;
  const std::string twin = "_for_audiences";
  if (table.size() > twin.size() &&
      table.compare(table.size() - twin.size(), twin.size(), twin) == 0)
    table.resize(table.size() - twin.size());
  auto known = event_times().find(table);
  if (known != event_times().end()) return contains(columns, known->second) ? known->second : "";
  return contains(columns, "event_dt_utc") ? "event_dt_utc" : "";
}

std::optional<policy::AmcPrivacy> amc_privacy_of(const std::string& table_name,
                                                 const std::vector<std::string>& columns) {
  if (!contains(columns, "user_id")) return std::nullopt;
  policy::AmcPrivacy p;
  p.user_id_column = "user_id";
  for (const auto& c : columns) {
    ColumnClass k = amc_column_class(c);
    if (k != ColumnClass::None) p.column_classes[c] = k;
  }
  p.event_time_column = amc_event_time_column(table_name, columns);
  return p;
}

}  // namespace cleanroom::core
