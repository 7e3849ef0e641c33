// The generated tables (docs/generator.md, docs/platform-tables.md), as SELECTs over the draws of
// generator_draws.cpp. Traffic comes from two streams of row numbers, DSP impressions (i) and
// sponsored products impressions (k); clicks, views and conversions are decided per impression,
// so each follows its impression, of the same user and campaign.
#include "data/generator_sql.h"

namespace cleanroom::data::generator_sql {
namespace {

const std::map<std::string, std::string> kPersonPii = {{"email", "email"},
                                                       {"phone", "phone"},
                                                       {"first_name", "first_name"},
                                                       {"last_name", "last_name"},
                                                       {"postal_code", "postal_code"}};

// The rows of the two traffic streams, each with its campaign: DSP_TRAFFIC (i, c) and
// SPONSORED_TRAFFIC (k, c) in the SQL below. DSP_TRAFFIC[condition] keeps the rows whose key
// meets the condition before it draws their campaigns (a filter DuckDB would not push below
// the campaign's projection by itself).
std::string traffic(std::string sql) {
  const std::pair<std::string, std::string> streams[] = {
      {"DSP_TRAFFIC",
       "(SELECT i, campaign_of(i) AS c FROM (SELECT i FROM {impression_rows} t(i) WHERE %))"},
      {"SPONSORED_TRAFFIC",
       "(SELECT k, sp_campaign_of(k) AS c FROM (SELECT k FROM (SELECT j + {sp_key_base} AS k "
       "FROM {sp_impression_rows} t(j)) WHERE %))"}};
  for (const auto& [token, rows] : streams)
    for (size_t at; (at = sql.find(token)) != std::string::npos;) {
      size_t end = at + token.size();
      std::string filter = "true";
      if (end < sql.size() && sql[end] == '[') {
        size_t close = sql.find(']', end);
        filter = sql.substr(end + 1, close - end - 1);
        end = close + 1;
      }
      std::string filled = rows;
      filled.replace(filled.find('%'), 1, filter);
      sql.replace(at, end - at, filled);
    }
  return sql;
}

std::string with(std::string sql, const std::string& name, const std::string& value) {
  for (size_t at; (at = sql.find(name)) != std::string::npos;) sql.replace(at, name.size(), value);
  return sql;
}

// The campaign columns every traffic and attributed table has (campaign c).
constexpr const char* kCampaignColumns =
    "{advertiser_id}[c + 1] AS advertiser_id, {advertiser_name}[c + 1] AS advertiser, "
    "{campaign_id}[c + 1] AS campaign_id, {campaign_id_text}[c + 1] AS campaign_id_string, "
    "{campaign_name}[c + 1] AS campaign";

// The traffic that led somewhere, of both streams: every impression clicked or followed by a
// conversion (key k, campaign c, impression second s, user x), drawn once for the DSP clicks and
// the conversions.
const char* kEngagedTraffic = R"(
SELECT k, c, s, user_of(k, c) AS x, clicked(k, c) AS by_click, converts(k, c) AS converting
FROM (SELECT i AS k, c, second_of(i) AS s FROM DSP_TRAFFIC[may_convert(i)]
      UNION ALL
      SELECT k, c, sp_second_of(k) AS s FROM SPONSORED_TRAFFIC[may_convert(k)])
WHERE clicked(k, c) OR converts(k, c))";

// Every conversion event of the visits that ad traffic started: per converting impression, its
// traffic event (the click when there was one, else the impression: t) and the visit's events.
const char* kConversionEvents = R"(
WITH timed AS (
  SELECT k, c, s, x, by_click, CASE WHEN by_click THEN click_second(k, s) ELSE s END AS t
  FROM engaged_traffic WHERE converting)
SELECT k, c, s, t, by_click, stage, event_second(k, visit_second(k, t), stage) AS sec,
       item_of(k, c) AS item, promoted(k) AS promo, quantity(k) AS qty, x,
       new_to_brand(x, c % 3) AS ntb
FROM (SELECT *, unnest(stages(k)) AS stage FROM timed WHERE t <= {window_seconds} - 2))";

// Both attributed tables hold the same pairs of traffic and conversion events; they differ in
// the time an execution's window selects them by (and here in the files' order).
const char* kAttributedEvents = R"(
SELECT x + 1 AS user_id, CAMPAIGN_COLUMNS,
       CASE WHEN product_of(c) = 0 THEN {product_name}[1] END AS ad_product_type,
       CASE WHEN by_click THEN 'AD_CLICK' ELSE 'AD_IMP' END AS traffic_event_subtype,
       CASE WHEN product_of(c) = 0 THEN event_id(k, by_click::INTEGER) END AS traffic_event_id,
       CASE WHEN product_of(c) > 0 THEN request_tag(k) END AS request_tag,
       ts(t) AS traffic_event_dt_utc, local_ts(t, c) AS traffic_event_dt,
       ts(sec) AS conversion_event_dt_utc, local_ts(sec, c) AS conversion_event_dt,
       CAST(local_ts(sec, c) AS DATE) AS conversion_event_date,
       {event_category}[stage + 1] AS conversion_event_category,
       {event_subtype}[stage + 1] AS conversion_event_subtype,
       {item_asin}[item + 1] AS tracked_item,
       CASE WHEN stage = 2 THEN {item_asin}[item + 1] END AS tracked_asin,
       CASE WHEN product_of(c) = 0 THEN search_term_of(k, c) END AS customer_search_term,
       CASE WHEN product_of(c) = 0 THEN targeting_of(k, c) END AS targeting,
       CASE WHEN product_of(c) = 0 THEN match_type_of(k, c) END AS match_type,
       (NOT by_click)::BIGINT AS impressions, by_click::BIGINT AS clicks, 1::BIGINT AS conversions,
       (stage = 0 AND promo)::BIGINT AS detail_page_view, (stage = 0)::BIGINT AS total_detail_page_view,
       (stage = 1 AND promo)::BIGINT AS add_to_cart, (stage = 1)::BIGINT AS total_add_to_cart,
       (stage = 2 AND promo)::BIGINT AS purchases, (stage = 2)::BIGINT AS total_purchases,
       CASE WHEN stage = 2 AND promo THEN qty ELSE 0 END::BIGINT AS units_sold,
       CASE WHEN stage = 2 THEN qty ELSE 0 END::BIGINT AS total_units_sold,
       CASE WHEN stage = 2 AND promo THEN {item_price}[item + 1] * qty ELSE 0 END::DECIMAL(12,2)
         AS product_sales,
       CASE WHEN stage = 2 THEN {item_price}[item + 1] * qty ELSE 0 END::DECIMAL(12,2)
         AS total_product_sales,
       CASE WHEN stage = 2 THEN ntb END AS new_to_brand,
       (stage = 2 AND promo AND ntb)::BIGINT AS new_to_brand_purchases,
       (stage = 2 AND ntb)::BIGINT AS new_to_brand_total_purchases,
       CASE WHEN stage = 2 AND promo AND ntb THEN qty ELSE 0 END::BIGINT AS new_to_brand_units_sold,
       CASE WHEN stage = 2 AND promo AND ntb THEN {item_price}[item + 1] * qty ELSE 0 END
         ::DECIMAL(12,2) AS new_to_brand_product_sales,
       CASE WHEN stage = 2 AND ntb THEN {item_price}[item + 1] * qty ELSE 0 END::DECIMAL(12,2)
         AS new_to_brand_total_product_sales
FROM conversion_events)";

// The columns of one conversion event (e, with advertiser index a) in the conversions tables.
constexpr const char* kConversionColumns = R"(
       e.x + 1 AS user_id, conversion_id(e.k, e.stage) AS conversion_id,
       {advertiser_ids}[e.a + 1] AS advertiser_id,
       ts(e.sec) AS event_dt_utc, CAST(ts(e.sec) AS DATE) AS event_date_utc,
       hour(ts(e.sec))::INTEGER AS event_hour_utc, 'CONVERSION' AS event_type,
       {event_category}[e.stage + 1] AS event_category, {event_subtype}[e.stage + 1] AS event_subtype,
       {event_type_class}[e.stage + 1] AS event_type_class,
       {event_description}[e.stage + 1] AS event_type_description,
       'AMAZON.COM' AS marketplace_name, {item_asin}[e.item + 1] AS tracked_item,
       CASE WHEN e.stage = 2 THEN {item_asin}[e.item + 1] END AS tracked_asin,
       CASE WHEN e.stage = 2 THEN new_to_brand(e.x, e.a) END AS new_to_brand,
       1::BIGINT AS conversions, CASE WHEN e.stage = 2 THEN e.qty ELSE 0 END::BIGINT AS total_units_sold,
       CASE WHEN e.stage = 2 THEN {item_price}[e.item + 1] * e.qty ELSE 0 END::DECIMAL(12,2)
         AS total_product_sales,
       CASE WHEN e.stage = 2 THEN {item_price}[e.item + 1] END AS purchase_unit_price)";

// The conversion events of conversion_events, and of people the advertiser's ads never reached.
constexpr const char* kExposedEvents =
    "SELECT k, stage, sec, item, x, c % 3 AS a, qty, 'ad-exposed' AS exposure_type "
    "FROM conversion_events";
constexpr const char* kOrganicEvents = R"(
SELECT k, organic_stage(k) AS stage, pick(k, 61, {window_seconds}) AS sec,
       a * {items_per_advertiser} + pick(k, 62, {items_per_advertiser}) AS item, x, a,
       quantity(k) AS qty, 'non-ad-exposed' AS exposure_type
FROM (SELECT k, a, organic_user(k, a) AS x
      FROM (SELECT j + {organic_key_base} AS k, j % 3 AS a FROM {organic_rows} t(j)))
WHERE NOT small_exposed(x, a))";

std::vector<Step> all_steps() {
  std::vector<Step> out;
  auto file = [&](const char* database, const char* table, std::string select,
                  bool declare_types = true) {
    Step s;
    s.database = database;
    s.table = table;
    s.select = traffic(with(std::move(select), "CAMPAIGN_COLUMNS", kCampaignColumns));
    s.declare_types = declare_types;
    out.push_back(s);
    return &out.back();
  };

  file("platform", "identities", R"(
SELECT x + 1 AS user_id, platform_email(x) AS email,
       phone_text(platform_phone(x), platform_phone_format(x)) AS phone,
       {first_name}[first_index(household(x))] AS first_name,
       {last_name}[last_index(household(x))] AS last_name, postal_code(household(x)) AS postal_code
FROM {user_rows} t(x))",
       false)
      ->pii = kPersonPii;

  file("platform", "dsp_impressions", R"(
SELECT CASE WHEN unresolved(i) THEN NULL ELSE x + 1 END AS user_id, ts(s) AS impression_dt_utc,
       local_ts(s, c) AS impression_dt, CAMPAIGN_COLUMNS,
       {campaign_id}[c + 1] * 10 + k AS creative_id, {creative_name}[c * 6 + k + 1] AS creative,
       {product_name}[product_of(c) + 1] AS ad_product_type, device_of(i, c) AS device_type,
       {state_code}[state_of(household(x)) + 1] AS iso_state_province_code,
       1::BIGINT AS impressions, cost_of(i, c) AS total_cost, request_tag(i) AS request_tag
FROM (SELECT i, c, creative_of(i) AS k, second_of(i) AS s, user_of(i, c) AS x FROM DSP_TRAFFIC))");

  Step engaged;
  engaged.table = "engaged_traffic";
  engaged.select = traffic(kEngagedTraffic);
  engaged.temp_table = true;
  out.push_back(engaged);

  file("platform", "dsp_clicks", R"(
SELECT x + 1 AS user_id, ts(t) AS click_dt_utc, local_ts(t, c) AS click_dt,
       ts(s) AS impression_dt_utc, CAMPAIGN_COLUMNS,
       {campaign_id}[c + 1] * 10 + n AS creative_id, {creative_name}[c * 6 + n + 1] AS creative,
       device_of(i, c) AS device_type, 1::BIGINT AS clicks, request_tag(i) AS request_tag
FROM (SELECT k AS i, c, s, x, creative_of(k) AS n, click_second(k, s) AS t FROM engaged_traffic
      WHERE by_click AND c < {dsp_campaigns})
ORDER BY click_dt_utc, i)");

  file("platform", "dsp_views", R"(
SELECT user_id_of(i, c) AS user_id, ts(sec) AS event_dt_utc, local_ts(sec, c) AS event_dt,
       CAMPAIGN_COLUMNS,
       {campaign_id}[c + 1] * 10 + creative_of(i) AS creative_id,
       {creative_name}[c * 6 + creative_of(i) + 1] AS creative,
       {view_event}[e + 1] AS event_type, 1::BIGINT AS events,
       (e = 0)::BIGINT AS measurable_impressions, (e = 1)::BIGINT AS viewable_impressions,
       (e = 2)::BIGINT AS unmeasurable_viewable_impressions,
       CASE WHEN e = 1 THEN 'iab' END AS view_definition, request_tag(i) AS impression_id
FROM (SELECT i, c, e, view_second(i, second_of(i), e) AS sec
      FROM (SELECT i, c, unnest(view_events(i, c)) AS e FROM DSP_TRAFFIC[view_aware(i)])))");

  // One row per impression, and one per click right after its impression.
  file("platform", "sponsored_ads_traffic", R"(
SELECT user_id_of(k, c) AS user_id, event_id(k, kind) AS event_id, ts(sec) AS event_dt_utc,
       local_ts(sec, c) AS event_dt, CAST(ts(sec) AS DATE) AS event_date_utc, CAMPAIGN_COLUMNS,
       {product_name}[1] AS ad_product_type, ad_group_of(k, c) AS ad_group,
       {creative_name}[c * 6 + creative_of(k) + 1] AS creative,
       {item_asin}[promoted_item(k, c) + 1] AS creative_asin,
       {placement}[placement_of(k, c) + 1] AS placement_type, targeting_of(k, c) AS targeting,
       match_type_of(k, c) AS match_type, search_term_of(k, c) AS customer_search_term,
       (kind = 0)::BIGINT AS impressions, (kind = 1)::BIGINT AS clicks,
       CASE WHEN kind = 1 THEN cost_of(k, c) ELSE 0 END AS spend
FROM (SELECT k, c, kind, CASE WHEN kind = 0 THEN s ELSE click_second(k, s) END AS sec
      FROM (SELECT k, c, sp_second_of(k) AS s,
                   unnest(CASE WHEN clicked(k, c) THEN [0, 1] ELSE [0] END) AS kind
            FROM SPONSORED_TRAFFIC)))");

  Step events;
  events.table = "conversion_events";
  events.select = kConversionEvents;
  events.temp_table = true;
  out.push_back(events);

  file("platform", "amazon_attributed_events_by_conversion_time",
       std::string(kAttributedEvents) + "\nORDER BY sec, k, stage");
  file("platform", "amazon_attributed_events_by_traffic_time",
       std::string(kAttributedEvents) + "\nORDER BY t, k, stage");

  file("platform", "conversions",
       std::string("SELECT") + kConversionColumns + "\nFROM (" + kExposedEvents +
           ") e\nORDER BY e.sec, e.k, e.stage");

  // Each conversion once per campaign it is relevant to (as AMC decides it, by the items a
  // campaign tracks, not by who saw what): PROMOTED for the campaigns that promote its item (one
  // or two: neighbouring campaigns share two), BRAND_HALO for the campaign whose traffic led to it
  // when that one does not.
  file("platform", "conversions_with_relevance", std::string(R"(
WITH relevant AS (
  SELECT *, unnest(list_distinct(list_filter(
              [e.a + 3 * (e.item % {items_per_advertiser} // 2 - 1),
               e.a + 3 * (e.item % {items_per_advertiser} // 2), e.c],
              r -> r >= 0 AND r < {campaigns} AND (promotes(r, e.item) OR r = e.c)))) AS r
  FROM (SELECT *, c % 3 AS a, 'ad-exposed' AS exposure_type FROM conversion_events) e)
SELECT)") + kConversionColumns + R"(,
       {advertiser_name}[e.r + 1] AS advertiser, {campaign_id}[e.r + 1] AS campaign_id,
       {campaign_id_text}[e.r + 1] AS campaign_id_string, {campaign_name}[e.r + 1] AS campaign,
       CASE WHEN promotes(e.r, e.item) THEN 'PROMOTED' ELSE 'BRAND_HALO' END AS engagement_scope,
       CASE WHEN promotes(e.r, e.item) THEN 'TRACKED_ASIN' ELSE 'BRAND_GL_PRODUCT' END AS halo_code,
       local_ts(e.sec, e.r) AS event_dt
FROM relevant e
ORDER BY e.sec, e.k, e.stage, e.r)");

  file("platform", "conversions_all",
       std::string("SELECT") + kConversionColumns + ", e.exposure_type\nFROM (" + kExposedEvents +
           " UNION ALL " + kOrganicEvents + ") e\nORDER BY e.sec, e.k, e.stage");

  // The older names of the DSP tables, still used by public AMC queries: the same rows.
  Step display_impressions;
  display_impressions.database = "platform";
  display_impressions.table = "display_impressions";
  display_impressions.same_rows_as = "dsp_impressions";
  display_impressions.declare_types = true;
  out.push_back(display_impressions);
  Step display_clicks = display_impressions;
  display_clicks.table = "display_clicks";
  display_clicks.same_rows_as = "dsp_clicks";
  out.push_back(display_clicks);

  // A customer shares an identity with platform user x: by email (written differently), by
  // phone only (another email), by name and postal code only, or is not a platform user
  // (person keys above 2^40 are nobody on the platform).
  file("crm", "customers", R"(
WITH customers AS (
  SELECT k, (k * {scatter} + pick(0, 28, {users})) % {users} AS x,
         CASE WHEN u(k, 29) >= {crm_overlap} THEN 'none' WHEN u(k, 30) < 0.75 THEN 'email'
              WHEN u(k, 30) < 0.9 THEN 'phone' ELSE 'name_postal' END AS shared
  FROM {customer_rows} t(k)),
people AS (
  SELECT *, CASE WHEN shared = 'none' THEN k + 1099511627776 ELSE household(x) END AS p,
         u(k, 31) AS phone_draw
  FROM customers)
SELECT {customer_id_base} + k AS customer_id,
       CASE WHEN shared = 'email' THEN email_variant(platform_email(x), pick(k, 32, 20))
            WHEN u(k, 33) < 0.1 THEN NULL
            ELSE email_local(p, k, pick(k, 34, 4)) || '@' || {crm_domain}[1 + pick(k, 35, {crm_domains})]
       END AS email,
       CASE WHEN shared = 'phone' OR (shared = 'email' AND phone_draw < 0.6)
              THEN phone_text(platform_phone(x), (platform_phone_format(x) + 1 + pick(k, 36, 3)) % 4)
            WHEN phone_draw < CASE WHEN shared = 'email' THEN 0.8 ELSE 0.3 END THEN NULL
            ELSE phone_text(phone_number(k, 600), pick(k, 37, 4))
       END AS phone,
       name_variant({first_name}[first_index(p)], pick(k, 38, 7)) AS first_name,
       name_variant({last_name}[last_index(p)], pick(k, 39, 7)) AS last_name,
       CASE WHEN u(k, 40) < 0.2 THEN postal_code(p) || '-' || lpad(pick(k, 41, 10000)::VARCHAR, 4, '0')
            ELSE postal_code(p) END AS postal_code,
       CASE WHEN u(k, 42) < 0.3 THEN 'loyal' WHEN u(k, 42) < 0.75 THEN 'new' ELSE 'lapsed' END AS segment,
       least(99999, CASE WHEN u(k, 42) < 0.3 THEN 100 WHEN u(k, 42) < 0.75 THEN 15 ELSE 40 END
             * pow(1 - u(k, 43), -0.625))::DECIMAL(10,2) AS lifetime_value
FROM people)",
       false)
      ->pii = kPersonPii;
  return out;
}

}  // namespace

const std::vector<Step>& steps() {
  static const std::vector<Step> all = all_steps();
  return all;
}

}  // namespace cleanroom::data::generator_sql
