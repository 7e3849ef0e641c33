#include "data/generator.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <thread>

#include "data/generator_world.h"
#include "engine/engine.h"

namespace cleanroom::data {
namespace {
namespace fs = std::filesystem;
using namespace generator_world;
using engine::sql_literal;

// --- Sizes ---------------------------------------------------------------------------------------

struct Sizes {
  int64_t users = 0;
  int64_t impressions = 0;
  int64_t customers = 0;
};

Sizes sizes_for(double scale) {
  auto at_least = [](double v, int64_t floor) {
    return std::max<int64_t>(floor, static_cast<int64_t>(std::llround(v)));
  };
  return {at_least(200'000 * scale, 100), at_least(1'000'000 * scale, 1),
          at_least(50'000 * scale, 50)};
}

// Phone numbers are built from a person's index with 400 exchanges per area code (macro
// phone_number), unique up to 160 million people; the cap keeps the users below that.
constexpr double kMaxScale = 500;

// --- Row numbers ---------------------------------------------------------------------------------
// DuckDB scans range() with one thread, but a table by row group in parallel and, with
// preserve_insertion_order, still in order. So rows are numbered from a table of ids; to bound
// its memory it holds at most one segment, read once per segment (UNION ALL keeps them in order).

constexpr int64_t kSegmentRows = 10'000'000;

std::string ids_table_sql(const Sizes& n) {
  int64_t rows = std::min(kSegmentRows, std::max({n.users, n.impressions, n.customers}));
  return "CREATE TEMP TABLE ids AS SELECT range AS id FROM range(" + std::to_string(rows) + ")";
}

// The numbers 0 .. n-1 in order, as a subquery with one column.
std::string rows_sql(int64_t n) {
  std::string out;
  for (int64_t start = 0; start < n; start += kSegmentRows) {
    out += start ? " UNION ALL " : "(";
    out += "SELECT id + " + std::to_string(start) + " FROM ids";
    if (n - start < kSegmentRows) out += " WHERE id < " + std::to_string(n - start);
  }
  return out + ")";
}

// --- The world as SQL literals -------------------------------------------------------------------

// A DOUBLE literal. Scientific notation, because DuckDB reads 0.011 as a DECIMAL, and a list of
// wide decimals turns every lookup in it into a slow 128-bit conversion.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17e", v);
  return buf;
}

std::string list_sql(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++) out += (i ? ", " : "") + sql_literal(items[i]);
  return out + "]";
}

template <typename T>
std::string list_sql(const std::vector<T>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++) {
    std::string item;
    if constexpr (std::is_floating_point_v<T>)
      item = number(items[i]);
    else
      item = std::to_string(items[i]);
    out += (i ? ", " : "") + item;
  }
  // Ids above 2^31 and their products must not overflow a list DuckDB would type INTEGER[].
  if constexpr (std::is_same_v<T, int64_t>) return "CAST(" + out + "] AS BIGINT[])";
  return out + "]";
}

template <typename T, size_t N, typename F>
std::string list_of(const T (&rows)[N], F field) {
  std::vector<std::decay_t<decltype(field(rows[0]))>> out;
  for (const auto& r : rows) out.push_back(field(r));
  return list_sql(out);
}

// The lowercase ASCII form of a name, as people write it in an email address.
std::string mail_form(std::string s) {
  static const std::pair<const char*, const char*> kFolds[] = {
      {"á", "a"}, {"é", "e"}, {"í", "i"}, {"ó", "o"}, {"ú", "u"}, {"ü", "ue"}, {"ñ", "n"}};
  for (const auto& [from, to] : kFolds)
    for (size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, strlen(from), to);
  std::string out;
  for (unsigned char c : s)
    if (std::isalpha(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

// Zipf's law over the regular campaigns (weight 1/rank) as a table of 1000 slots, indexed by a
// uniform draw. Ranks are shuffled so the biggest campaigns spread over advertisers and products.
std::vector<int> campaign_slots() {
  std::vector<double> weight(kRegularCampaigns);
  for (int c = 0; c < kRegularCampaigns; c++) weight[c] = 1.0 / ((c * 17) % kRegularCampaigns + 1);
  double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  std::vector<int> slots;
  for (int c = 0; c < kRegularCampaigns; c++) {
    int n = std::max(1, static_cast<int>(std::lround(1000 * weight[c] / total)));
    slots.insert(slots.end(), n, c);
  }
  // Rounding leaves a slot or two over or missing: the end of the table absorbs it.
  slots.resize(1000, slots.front());
  return slots;
}

// A stable ASIN-like id per catalog item: B0 and eight base-36 characters (splitmix64).
std::string asin(int item) {
  uint64_t z = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(item + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z ^= z >> 31;
  std::string out = "B0";
  for (int i = 0; i < 8; i++, z /= 36) out += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[z % 36];
  return out;
}

// A multiplier m coprime with n, near n/phi: x -> (x * m + b) % n is then a permutation of
// [0, n) that scatters neighbouring indexes.
int64_t scatter_multiplier(int64_t n) {
  auto m = static_cast<int64_t>(static_cast<double>(n) * 0.6180339887) | 1;
  while (std::gcd(m, n) != 1) m++;
  return m;
}

// The values the SQL below refers to as {name}.
std::map<std::string, std::string> world(const GeneratorOptions& o, const Sizes& n) {
  std::vector<int64_t> campaign_id, advertiser_id, product, small_pool;
  std::vector<std::string> campaign_name, advertiser_name, creative_name;
  for (int c = 0; c < kCampaigns; c++) {
    int a = c % 3, p = (c / 3) % 3;
    std::string theme = c < kRegularCampaigns ? kThemes[c / 9] : "Local Pilot";
    campaign_id.push_back(kCampaignIdBase + c + 1);
    advertiser_id.push_back(kAdvertisers[a].id);
    advertiser_name.push_back(kAdvertisers[a].name);
    product.push_back(p);
    campaign_name.push_back(std::string(kAdvertisers[a].short_name) + " | " + theme + " | " +
                            kAdProducts[p].tactics[(c / 9) % 2]);
    small_pool.push_back(c < kRegularCampaigns ? 0 : kSmallCampaignUsers[c - kRegularCampaigns]);
    for (const char* format : kAdProducts[p].creatives)
      creative_name.push_back(theme + " - " + format);
  }
  std::vector<std::string> device_slots;
  for (const auto& p : kAdProducts)
    for (int d = 0; d < 4; d++) device_slots.insert(device_slots.end(), p.devices[d], kDevices[d]);
  std::vector<int64_t> state_slots;
  for (size_t s = 0; s < std::size(kStates); s++)
    state_slots.insert(state_slots.end(), kStates[s].slots, static_cast<int64_t>(s));
  std::vector<std::string> item_asin;
  std::string item_price;  // exact cents, as DECIMAL literals
  for (int i = 0; i < kItems; i++) {
    item_asin.push_back(asin(i));
    // From $4.99, cubed so most items are cheap and a few expensive.
    double u = static_cast<double>((i * 7919) % kItems) / kItems;
    char price[16];
    std::snprintf(price, sizeof price, "%s%.2f", i ? ", " : "", 4.99 + 295 * u * u * u);
    item_price += price;
  }
  auto text = [](auto name) { return std::string(name); };
  return {
      {"seed", "CAST(" + std::to_string(o.seed) + " AS UBIGINT)"},
      {"users", std::to_string(n.users)},
      {"impressions", std::to_string(n.impressions)},
      {"customers", std::to_string(n.customers)},
      {"user_rows", rows_sql(n.users)},
      {"impression_rows", rows_sql(n.impressions)},
      {"customer_rows", rows_sql(n.customers)},
      {"scatter", std::to_string(scatter_multiplier(n.users))},
      {"crm_overlap", number(o.crm_overlap)},
      {"window_start_us", std::to_string(kWindowStartMicros)},
      {"window_seconds", std::to_string(kWindowSeconds)},
      {"campaigns", std::to_string(kCampaigns)},
      {"small_campaigns", std::to_string(kSmallCampaigns)},
      {"campaign_slots", list_sql(campaign_slots())},
      {"campaign_id", list_sql(campaign_id)},
      {"campaign_name", list_sql(campaign_name)},
      {"campaign_product", list_sql(product)},
      {"advertiser_id", list_sql(advertiser_id)},
      {"advertiser_name", list_sql(advertiser_name)},
      {"small_pool", list_sql(small_pool)},
      {"creative_name", list_sql(creative_name)},
      {"product_name",
       list_of(kAdProducts, [](const AdProduct& p) { return std::string(p.name); })},
      {"device_slots", list_sql(device_slots)},
      {"click_rate", list_of(kAdProducts, [](const AdProduct& p) { return p.click_rate; })},
      {"view_conversion_rate",
       list_of(kAdProducts, [](const AdProduct& p) { return p.view_conversion_rate; })},
      {"click_conversion_rate", number(kClickConversionRate)},
      {"cost_scale", list_of(kAdProducts, [](const AdProduct& p) { return p.cost_scale; })},
      {"items", std::to_string(kItems)},
      {"item_asin", list_sql(item_asin)},
      {"item_price", "CAST([" + item_price + "] AS DECIMAL(12,2)[])"},
      {"customer_id_base", std::to_string(kCustomerIdBase)},
      {"first_names", std::to_string(std::size(kFirstNames))},
      {"first_name", list_of(kFirstNames, text)},
      {"first_mail", list_of(kFirstNames, [](auto s) { return mail_form(s); })},
      {"last_names", std::to_string(std::size(kLastNames))},
      {"last_name", list_of(kLastNames, text)},
      {"last_mail", list_of(kLastNames, [](auto s) { return mail_form(s); })},
      {"state_slots", list_sql(state_slots)},
      {"state_slot_count", std::to_string(state_slots.size())},
      {"state_code", list_of(kStates, [](const State& s) { return std::string(s.code); })},
      {"zip_low", list_of(kStates, [](const State& s) { return s.zip_low; })},
      {"zip_span", list_of(kStates, [](const State& s) { return s.zip_high - s.zip_low + 1; })},
      {"area_code", list_of(kAreaCodes, text)},
      {"platform_domain", list_of(kPlatformDomains, text)},
      {"platform_domains", std::to_string(std::size(kPlatformDomains))},
      {"crm_domain", list_of(kCrmDomains, text)},
      {"crm_domains", std::to_string(std::size(kCrmDomains))},
  };
}

// Replaces each {name} by its value; a name without one is a bug in this file.
Result<std::string> fill(std::string_view sql, const std::map<std::string, std::string>& values) {
  std::string out;
  for (size_t at = 0;;) {
    size_t open = sql.find('{', at);
    if (open == std::string_view::npos) return out.append(sql.substr(at));
    size_t close = sql.find('}', open);
    auto it = close == std::string_view::npos
                  ? values.end()
                  : values.find(std::string(sql.substr(open + 1, close - open - 1)));
    if (it == values.end())
      return Error::internal("generator: no value for " + std::string(sql.substr(open, 40)));
    out.append(sql.substr(at, open - at)).append(it->second);
    at = close + 1;
  }
}

// --- The draws -----------------------------------------------------------------------------------
// Every value is a function of (row, salt, seed) through hash(), never random(): the same seed
// gives the same files. The second argument of u() and pick() is the draw's salt, a number used
// by that draw only, so that no two draws are correlated.

constexpr const char* kMacros[] = {
    // Uniform in [0, 1) (53 bits, so it never rounds up to 1), and uniform in [0, n).
    "u(x, salt) AS (hash(x::BIGINT, salt, {seed}) >> 11)::DOUBLE / 9007199254740992.0",
    "pick(x, salt, n) AS (hash(x::BIGINT, salt, {seed}) % (n)::UBIGINT)::BIGINT",
    "ts(sec) AS make_timestamp({window_start_us} + sec * 1000000)",

    // Campaigns. 3 in every 1000 impressions go to the small campaigns in turn, so each has some
    // at any scale; the rest to the regular campaigns by Zipf's law.
    "campaign_of(i) AS CASE WHEN i % 1000 >= 1000 - {small_campaigns} "
    "THEN {campaigns} - 1000 + i % 1000 ELSE {campaign_slots}[1 + pick(i, 1, 1000)] END",
    "product_of(c) AS {campaign_product}[c + 1]",
    // Users. In a regular campaign the user of rank r = U * v^2 is drawn with a probability
    // falling like r^(-1/2): a few users see many impressions, most a handful. Ranks map to
    // users through a permutation per advertiser (its audience), so an advertiser's heavy users
    // are the same in all its campaigns. A small campaign draws from its fixed pool.
    "user_of(i, c) AS CASE WHEN {small_pool}[c + 1] > 0 "
    "THEN (pick(c, 2, {users}) + pick(i, 3, {small_pool}[c + 1]) * {scatter}) % {users} "
    "ELSE (floor({users} * pow(u(i, 4), 2))::BIGINT * {scatter} "
    "+ pick({advertiser_id}[c + 1], 5, {users})) % {users} END",
    // Impressions spread evenly over the window in row order: the file is in time order.
    "second_of(i) AS least({window_seconds} - 1, "
    "floor((i + u(i, 6)) * {window_seconds} / {impressions})::BIGINT)",
    "creative_of(i) AS pick(i, 7, 6)",
    "device_of(i, c) AS {device_slots}[product_of(c) * 20 + 1 + pick(i, 8, 20)]",
    // Pareto cost (alpha 2.5: a long tail of expensive impressions), capped at 100x its scale.
    "pareto(scale, v) AS least(100 * scale, scale * pow(1 - v, -0.4))::BIGINT",
    "cost_of(i, c) AS pareto({cost_scale}[product_of(c) + 1], u(i, 9))",

    // Clicks and conversions, decided per impression so each follows its impression.
    "clicked(i, c) AS u(i, 10) < {click_rate}[product_of(c) + 1]",
    "click_second(i, sec) AS least({window_seconds} - 1, "
    "sec + 1 + floor(900 * pow(u(i, 11), 3))::BIGINT)",
    "converts(i, c) AS u(i, 12) < CASE WHEN clicked(i, c) THEN {click_conversion_rate} "
    "ELSE {view_conversion_rate}[product_of(c) + 1] END",
    // A visit: a detail page view, then for some an add to cart, then for some of those an order.
    "stages(i) AS CASE WHEN u(i, 13) >= 0.45 THEN [0] WHEN u(i, 14) >= 0.5 THEN [0, 1] "
    "ELSE [0, 1, 2] END",
    // The visit starts 1 s to 7 days after the traffic event (most within hours), its later
    // events follow within the hour; none leaves the window (t <= window end - 2 s).
    "visit_second(i, t) AS t + 1 + floor(pow(u(i, 15), 3) "
    "* least({window_seconds} - 2 - t, 604800))::BIGINT",
    "event_second(i, first, stage) AS first + floor(stage * 0.5 * (0.5 + 0.5 * u(i, 16)) "
    "* least({window_seconds} - 1 - first, 3600))::BIGINT",
    "item_of(i, c) AS (c * 4 + floor(8 * pow(u(i, 17), 2))::BIGINT) % {items}",
    "quantity(i) AS CASE WHEN u(i, 18) < 0.85 THEN 1 WHEN u(i, 18) < 0.95 THEN 2 ELSE 3 END",
    // An order of the promoted item; otherwise another item of the brand (halo).
    "promoted(i) AS u(i, 19) < 0.85",

    // People, by a key p. About 1% of users (odd ones, 2% of them) share their even neighbour's
    // name and postal code, as family members do, so the name and postal code rule has ties.
    "household(x) AS CASE WHEN x % 2 = 1 AND u(x, 20) < 0.02 THEN x - 1 ELSE x END",
    "first_index(p) AS 1 + floor({first_names} * pow(u(p, 21), 1.6))::BIGINT",
    "last_index(p) AS 1 + floor({last_names} * pow(u(p, 22), 1.6))::BIGINT",
    "state_of(p) AS {state_slots}[1 + pick(p, 23, {state_slot_count})]",
    "postal_code(p) AS lpad(({zip_low}[state_of(p) + 1] "
    "+ pick(p, 24, {zip_span}[state_of(p) + 1]))::VARCHAR, 5, '0')",
    // first.last42@ and its usual variants; n (the person's index) keeps the address unique.
    "email_local(p, n, shape) AS CASE shape "
    "WHEN 0 THEN {first_mail}[first_index(p)] || '.' || {last_mail}[last_index(p)] "
    "WHEN 1 THEN {first_mail}[first_index(p)][1] || {last_mail}[last_index(p)] "
    "WHEN 2 THEN {first_mail}[first_index(p)] || '_' || {last_mail}[last_index(p)] "
    "ELSE {first_mail}[first_index(p)] END || n::VARCHAR",
    "platform_email(x) AS email_local(household(x), x, pick(x, 25, 4)) "
    "|| '@' || {platform_domain}[1 + pick(x, 26, {platform_domains})]",
    // A ten-digit US number for person q: q is scattered over 40 area codes x 400 exchanges
    // x 10,000 lines (a permutation, as 160,000,000 and 98,765,431 are coprime), so numbers are
    // unique and look random. Platform users take exchanges 200-599 and other people 600-999,
    // so the phone of someone who is not a platform user never matches one.
    "phone_slot(s, exchange) AS {area_code}[1 + s % 40]::BIGINT * 10000000 "
    "+ (exchange + s // 40 % 400) * 10000 + s // 16000",
    "phone_number(q, exchange) AS phone_slot(q * 98765431 % 160000000, exchange)",
    "platform_phone(x) AS phone_number(x, 200)",
    "platform_phone_format(x) AS pick(x, 27, 4)",
    // Every format keeps the calling code, which the phone rule requires (docs/identity.md).
    "phone_text(num, f) AS CASE f "
    "WHEN 0 THEN '+1 ' || num // 10000000 || ' ' || num // 10000 % 1000 || ' ' "
    "|| lpad((num % 10000)::VARCHAR, 4, '0') "
    "WHEN 1 THEN '+1 (' || num // 10000000 || ') ' || num // 10000 % 1000 || '-' "
    "|| lpad((num % 10000)::VARCHAR, 4, '0') "
    "WHEN 2 THEN '1' || num::VARCHAR "
    "ELSE '+1-' || num // 10000000 || '-' || num // 10000 % 1000 || '-' "
    "|| lpad((num % 10000)::VARCHAR, 4, '0') END",
    // How a CRM writes what the platform also knows: the same value, spelled differently.
    "email_variant(e, v) AS CASE WHEN v < 8 THEN e WHEN v < 13 THEN upper(e[1]) || e[2:] "
    "WHEN v < 17 THEN upper(e) ELSE '  ' || e || ' ' END",
    "name_variant(name, v) AS CASE v WHEN 0 THEN upper(name) WHEN 1 THEN name || ' ' ELSE name END",
};

// --- The tables ----------------------------------------------------------------------------------

struct Table {
  const char* database;
  const char* table;
  std::map<std::string, std::string> pii;
  const char* select;
};

const std::map<std::string, std::string> kPersonPii = {{"email", "email"},
                                                       {"phone", "phone"},
                                                       {"first_name", "first_name"},
                                                       {"last_name", "last_name"},
                                                       {"postal_code", "postal_code"}};

const std::vector<Table>& tables() {
  static const std::vector<Table> all = {
      {"platform", "identities", kPersonPii, R"(
SELECT x + 1 AS user_id, platform_email(x) AS email,
       phone_text(platform_phone(x), platform_phone_format(x)) AS phone,
       {first_name}[first_index(household(x))] AS first_name,
       {last_name}[last_index(household(x))] AS last_name, postal_code(household(x)) AS postal_code
FROM {user_rows} t(x))"},

      {"platform", "dsp_impressions", {}, R"(
SELECT user_of(i, c) + 1 AS user_id, ts(second_of(i)) AS impression_dt_utc,
       {advertiser_id}[c + 1] AS advertiser_id, {advertiser_name}[c + 1] AS advertiser,
       {campaign_id}[c + 1] AS campaign_id, {campaign_name}[c + 1] AS campaign,
       {campaign_id}[c + 1] * 10 + k AS creative_id, {creative_name}[c * 6 + k + 1] AS creative,
       {product_name}[product_of(c) + 1] AS ad_product_type, device_of(i, c) AS device_type,
       {state_code}[state_of(household(user_of(i, c))) + 1] AS iso_state_province_code,
       1::BIGINT AS impressions, cost_of(i, c) AS total_cost
FROM (SELECT i, campaign_of(i) AS c, creative_of(i) AS k FROM {impression_rows} t(i)))"},

      {"platform", "dsp_clicks", {}, R"(
SELECT user_of(i, c) + 1 AS user_id, ts(click_second(i, second_of(i))) AS click_dt_utc,
       ts(second_of(i)) AS impression_dt_utc,
       {advertiser_id}[c + 1] AS advertiser_id, {advertiser_name}[c + 1] AS advertiser,
       {campaign_id}[c + 1] AS campaign_id,
       {campaign_name}[c + 1] AS campaign, {campaign_id}[c + 1] * 10 + creative_of(i) AS creative_id,
       {creative_name}[c * 6 + creative_of(i) + 1] AS creative, device_of(i, c) AS device_type,
       1::BIGINT AS clicks
FROM (SELECT i, campaign_of(i) AS c FROM {impression_rows} t(i))
WHERE clicked(i, c)
ORDER BY click_dt_utc, i)"},

      // The traffic event is the click when the impression was clicked, else the impression.
      {"platform", "amazon_attributed_events_by_conversion_time", {}, R"(
WITH traffic AS (
  SELECT i, c, CASE WHEN clicked(i, c) THEN click_second(i, second_of(i)) ELSE second_of(i) END AS t
  FROM (SELECT i, campaign_of(i) AS c FROM {impression_rows} t(i))
  WHERE converts(i, c)),
events AS (
  SELECT i, c, t, stage, event_second(i, visit_second(i, t), stage) AS sec
  FROM (SELECT *, unnest(stages(i)) AS stage FROM traffic WHERE t <= {window_seconds} - 2))
SELECT user_of(i, c) + 1 AS user_id,
       {advertiser_id}[c + 1] AS advertiser_id, {advertiser_name}[c + 1] AS advertiser,
       {campaign_id}[c + 1] AS campaign_id, {campaign_name}[c + 1] AS campaign, {product_name}[product_of(c) + 1] AS ad_product_type,
       ts(t) AS traffic_event_dt_utc, ts(sec) AS conversion_event_dt_utc,
       ['detailPageView', 'addToCart', 'order'][stage + 1] AS conversion_event_subtype,
       {item_asin}[item_of(i, c) + 1] AS tracked_item,
       (stage = 2 AND promoted(i))::BIGINT AS purchases, (stage = 2)::BIGINT AS total_purchases,
       CASE WHEN stage = 2 AND promoted(i) THEN {item_price}[item_of(i, c) + 1] * quantity(i)
            ELSE 0 END::DECIMAL(12,2) AS product_sales,
       CASE WHEN stage = 2 THEN {item_price}[item_of(i, c) + 1] * quantity(i)
            ELSE 0 END::DECIMAL(12,2) AS total_product_sales
FROM events
ORDER BY conversion_event_dt_utc, i, stage)"},

      // A customer shares an identity with platform user x: by email (written differently), by
      // phone only (another email), by name and postal code only, or is not a platform user
      // (person keys above 2^40 are nobody on the platform).
      {"crm", "customers", kPersonPii, R"(
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
FROM people)"},
  };
  return all;
}

// --- Writing -------------------------------------------------------------------------------------

Status check(const GeneratorOptions& o) {
  if (!(o.scale > 0 && o.scale <= kMaxScale))
    return Error::validation(
        "the scale must be above 0 and at most " + std::to_string(static_cast<int>(kMaxScale)),
        "scale");
  if (!(o.crm_overlap >= 0 && o.crm_overlap <= 1))
    return Error::validation("the CRM overlap must be between 0 and 1", "crm_overlap");
  if (o.out_dir.empty()) return Error::validation("an output folder is required", "out_dir");
  return {};
}

// An engine that can write into `dir` only. Output order follows row order only with
// preserve_insertion_order on: set explicitly, since byte-identical files depend on it.
Result<std::unique_ptr<engine::Engine>> open_engine(const std::string& dir) {
  engine::EngineOptions options;
  options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.memory_limit = "2GB";
  options.allowed_directories = {dir + "/"};
  options.enable_external_access = false;
  CR_ASSIGN(auto e, engine::Engine::open(options));
  CR_TRY(e->connection().run("SET preserve_insertion_order = true"));
  CR_TRY(e->connection().run("SET lock_configuration = true"));
  return e;
}

Status define_macros(engine::Connection& con, const std::map<std::string, std::string>& values) {
  for (const char* macro : kMacros) {
    CR_ASSIGN(std::string sql, fill(macro, values));
    CR_TRY(con.run("CREATE TEMP MACRO " + sql));
  }
  return {};
}

// A file being written, removed unless it was renamed into place.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)) {}
  ~PartialFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const std::string& path() const { return path_; }
  Status rename_to(const std::string& final_path) {
    std::error_code ec;
    fs::rename(path_, final_path, ec);
    if (ec) return Error::internal("cannot write " + final_path + ": " + ec.message());
    path_.clear();
    return {};
  }

 private:
  std::string path_;
};

// Writes the table to DIR/NAME (through a hidden file beside it); returns its row count.
Result<int64_t> write_table(engine::Connection& con, const Table& t, const std::string& dir,
                            const std::string& name,
                            const std::map<std::string, std::string>& values) {
  PartialFile partial(dir + "/." + name + ".partial-" + std::to_string(::getpid()));
  CR_ASSIGN(std::string select, fill(t.select, values));
  auto copied = con.query("COPY (" + select + ") TO " + sql_literal(partial.path()) + " (HEADER)");
  if (!copied.ok())
    return Error::internal("cannot generate " + name + ": " + copied.error().message);
  CR_ASSIGN(auto counted, copied->rows());
  CR_TRY(partial.rename_to(dir + "/" + name));
  return std::get<int64_t>(counted.at(0).at(0));
}

}  // namespace

std::vector<GeneratedAdvertiser> generated_advertisers() {
  std::vector<GeneratedAdvertiser> out;
  for (const auto& a : kAdvertisers) out.push_back({a.id, a.name});
  return out;
}

Result<std::vector<GeneratedFile>> generate(
    const GeneratorOptions& options, const std::function<void(const GeneratedFile&)>& progress) {
  CR_TRY(check(options));
  // Paths are reported under out_dir as given; the engine is confined to its absolute form.
  std::string shown = options.out_dir;
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  std::error_code ec;
  fs::create_directories(shown, ec);
  if (ec) return Error::validation("cannot create " + shown + ": " + ec.message(), "out_dir");
  std::string dir = fs::absolute(shown, ec).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();

  Sizes sizes = sizes_for(options.scale);
  auto values = world(options, sizes);
  CR_ASSIGN(auto engine, open_engine(dir));
  CR_TRY(engine->connection().run(ids_table_sql(sizes)));
  CR_TRY(define_macros(engine->connection(), values));
  std::vector<GeneratedFile> out;
  for (const auto& t : tables()) {
    std::string name = std::string(t.database) + "." + t.table + ".csv";
    CR_ASSIGN(int64_t rows, write_table(engine->connection(), t, dir, name, values));
    out.push_back({t.database, t.table, shown + "/" + name, rows, t.pii});
    if (progress) progress(out.back());
  }
  return out;
}

}  // namespace cleanroom::data
