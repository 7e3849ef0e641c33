// AMC privacy of the platform's tables (core/amc_privacy.h, docs/platform-tables.md): column
// classes as the public AMC data dictionary gives them, each table's event time column, and the
// platform's rule for the new kinds of columns.
#include "core/amc_privacy.h"

#include <gtest/gtest.h>

#include "core/platform_tables.h"

namespace cleanroom::core {
namespace {
using policy::ColumnClass;

TEST(AmcPrivacyTest, ClassesFollowTheDataDictionary) {
  std::map<std::string, ColumnClass> expected = {
      {"user_id", ColumnClass::VeryHigh},
      {"request_tag", ColumnClass::VeryHigh},
      {"event_id", ColumnClass::VeryHigh},
      {"traffic_event_id", ColumnClass::VeryHigh},
      {"conversion_id", ColumnClass::VeryHigh},
      {"impression_id", ColumnClass::VeryHigh},
      {"marketplace_id", ColumnClass::VeryHigh},  // INTERNAL: never output
      {"postal_code", ColumnClass::High},
      {"city_name", ColumnClass::High},
      {"impression_dt_utc", ColumnClass::Medium},
      {"impression_dt", ColumnClass::Medium},
      {"event_dt", ColumnClass::Medium},
      {"conversion_event_dt", ColumnClass::Medium},
      {"bid_price", ColumnClass::Medium},
      {"campaign_id_string", ColumnClass::Low},
      {"advertiser", ColumnClass::Low},
      {"advertiser_id", ColumnClass::Low},
      {"tracked_asin", ColumnClass::Low},
      {"customer_search_term", ColumnClass::Low},
      {"match_type", ColumnClass::Low},
      {"targeting", ColumnClass::Low},
      {"new_to_brand", ColumnClass::Low},
      {"event_date_utc", ColumnClass::Low},
      {"event_hour_utc", ColumnClass::Low},
      {"engagement_scope", ColumnClass::Low},
      {"impressions", ColumnClass::None},
      {"spend", ColumnClass::None},
      {"new_to_brand_purchases", ColumnClass::None},
      {"total_product_sales", ColumnClass::None},
      {"a_column_of_our_own", ColumnClass::None}};
  for (const auto& [column, k] : expected) EXPECT_EQ(amc_column_class(column), k) << column;
}

TEST(AmcPrivacyTest, EachTableHasItsMainEventTime) {
  std::vector<std::string> attributed = {"user_id", "traffic_event_dt_utc",
                                         "conversion_event_dt_utc", "campaign"};
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> cases = {
      {"dsp_impressions", {{"user_id", "impression_dt_utc", "impression_dt"}, "impression_dt_utc"}},
      {"display_impressions", {{"user_id", "impression_dt_utc"}, "impression_dt_utc"}},
      {"dsp_clicks", {{"user_id", "click_dt_utc", "impression_dt_utc"}, "click_dt_utc"}},
      {"dsp_views", {{"user_id", "event_dt_utc"}, "event_dt_utc"}},
      {"sponsored_ads_traffic", {{"user_id", "event_dt_utc", "event_dt"}, "event_dt_utc"}},
      {"amazon_attributed_events_by_conversion_time", {attributed, "conversion_event_dt_utc"}},
      {"amazon_attributed_events_by_traffic_time", {attributed, "traffic_event_dt_utc"}},
      {"amazon_attributed_events_by_traffic_time_for_audiences",
       {attributed, "traffic_event_dt_utc"}},
      {"conversions", {{"user_id", "event_dt_utc"}, "event_dt_utc"}},
      {"conversions_all", {{"user_id", "event_dt_utc"}, "event_dt_utc"}},
      {"conversions_with_relevance", {{"user_id", "event_dt_utc", "event_dt"}, "event_dt_utc"}},
      // An operator's own table: event_dt_utc if it has one.
      {"store_visits", {{"user_id", "event_dt_utc"}, "event_dt_utc"}},
      {"store_totals", {{"user_id", "visits"}, ""}},
  };
  for (const auto& [table, c] : cases) {
    auto p = amc_privacy_of(table, c.first);
    ASSERT_TRUE(p.has_value()) << table;
    EXPECT_EQ(p->event_time_column, c.second) << table;
    EXPECT_EQ(amc_event_time_column(table, c.first), c.second) << table;
  }
  // A known table loaded without its time column has none.
  EXPECT_EQ(amc_event_time_column("dsp_impressions", {"user_id", "campaign"}), "");
  // Without a user there is nobody to count: no AMC privacy.
  EXPECT_FALSE(amc_privacy_of("dsp_impressions", {"campaign", "impression_dt_utc"}).has_value());
}

TEST(AmcPrivacyTest, ThePlatformRuleKeepsIdsHoursAndTextOutOfTheMeasures) {
  std::vector<catalog::DatasetColumn> columns = {{"user_id", "BIGINT", ""},
                                                 {"campaign_id", "BIGINT", ""},
                                                 {"campaign_id_string", "VARCHAR", ""},
                                                 {"line_item_id", "BIGINT", ""},
                                                 {"event_hour_utc", "INTEGER", ""},
                                                 {"event_dt_utc", "TIMESTAMP", ""},
                                                 {"new_to_brand", "BOOLEAN", ""},
                                                 {"request_tag", "VARCHAR", ""},
                                                 {"event_id", "VARCHAR", ""},
                                                 {"impressions", "BIGINT", ""},
                                                 {"spend", "BIGINT", ""},
                                                 {"product_sales", "DECIMAL(12,2)", ""}};
  auto rule = platform_rule_policy(columns)["v1"]["aggregation"];
  EXPECT_EQ(rule["dimensionColumns"],
            nlohmann::json({"campaign_id", "campaign_id_string", "line_item_id", "event_hour_utc",
                            "event_dt_utc", "new_to_brand"}));
  // Columns naming one person or event are joined on and counted, never grouped by.
  EXPECT_EQ(rule["joinColumns"], nlohmann::json({"user_id", "request_tag", "event_id"}));
  std::map<std::string, nlohmann::json> functions;
  for (const auto& a : rule["aggregateColumns"]) functions[a["function"]] = a["columnNames"];
  EXPECT_EQ(functions["COUNT_DISTINCT"], nlohmann::json({"user_id", "request_tag", "event_id"}));
  EXPECT_EQ(functions["SUM"], nlohmann::json({"impressions", "spend", "product_sales"}));
}

}  // namespace
}  // namespace cleanroom::core
