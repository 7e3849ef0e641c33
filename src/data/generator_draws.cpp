// The draws of the synthetic data (docs/generator.md), as DuckDB macros. Every value is a function
// of (key, salt, seed) through hash(), never random(): the same seed gives the same files. The
// second argument of u() and pick() is the draw's salt, a number used by that draw only, so that
// no two draws are correlated.
//
// Keys: a DSP impression is its row number i; a sponsored products impression is
// {sp_key_base} + its row number; a non-ad-exposed conversion {organic_key_base} + its row number;
// a person (identities, CRM) has keys of their own, drawn with salts of their own (20..43).
// Campaign c (0-based) belongs to advertiser c % 3; lists are indexed from 1.
#include "data/generator_sql.h"

namespace cleanroom::data::generator_sql {

const std::vector<const char*>& draws() {
  static const std::vector<const char*> all = {
      // Uniform in [0, 1) (53 bits, so it never rounds up to 1), and uniform in [0, n).
      "u(x, salt) AS (hash(x::BIGINT, salt, {seed}) >> 11)::DOUBLE / 9007199254740992.0",
      "pick(x, salt, n) AS (hash(x::BIGINT, salt, {seed}) % (n)::UBIGINT)::BIGINT",
      "ts(sec) AS make_timestamp({window_start_us} + sec * 1000000)",
      // The advertiser's local time (generator_world.h: one offset per zone in the window).
      "local_ts(sec, c) AS make_timestamp({window_start_us} + (sec + {utc_offset}[c + 1]) * "
      "1000000)",
      // An opaque id of up to 16 hex digits (request tags, event and conversion ids).
      "id_text(x, salt) AS to_hex(hash(x::BIGINT, salt, {seed}))",

      // Campaigns. 3 in every 1000 DSP impressions go to the small campaigns in turn, so each has
      // some at any scale; the rest to the regular campaigns by Zipf's law. Sponsored products
      // likewise, with one small campaign.
      "campaign_of(i) AS CASE WHEN i % 1000 >= 1000 - {small_campaigns} "
      "THEN {dsp_campaigns} - 1000 + i % 1000 ELSE {campaign_slots}[1 + pick(i, 1, 1000)] END",
      "sp_campaign_of(k) AS CASE WHEN k % 1000 = 999 THEN {campaigns} - 1 "
      "ELSE {dsp_campaigns} + {sp_campaign_slots}[1 + pick(k, 1, 1000)] END",
      "product_of(c) AS {campaign_product}[c + 1]",
      // Users. In a regular campaign the user of rank r = A * v^2 is drawn with a probability
      // falling like r^(-1/2): a few users see many impressions, most a handful. Ranks map to
      // users through a permutation per advertiser (its audience, the first A of U ranks), so an
      // advertiser's heavy users are the same in all its campaigns, DSP and sponsored alike. A
      // small campaign draws from its fixed pool.
      "user_of(k, c) AS CASE WHEN {small_pool}[c + 1] > 0 "
      "THEN (pick(c, 2, {users}) + pick(k, 3, {small_pool}[c + 1]) * {scatter}) % {users} "
      "ELSE (floor({audience} * pow(u(k, 4), 2))::BIGINT * {scatter} "
      "+ {user_offset}[c % 3 + 1]) % {users} END",
      // Some impressions' users cannot be resolved: no user_id, never clicked.
      "unresolved(k) AS u(k, 44) < {unresolved_share}",
      "user_id_of(k, c) AS CASE WHEN unresolved(k) THEN NULL ELSE user_of(k, c) + 1 END",
      // Impressions spread evenly over the window in row order: the files are in time order.
      "at_second(k, pos, n) AS least({window_seconds} - 1, "
      "floor((pos + u(k, 6)) * {window_seconds} / n)::BIGINT)",
      "second_of(i) AS at_second(i, i, {impressions})",
      "sp_second_of(k) AS at_second(k, k - {sp_key_base}, {sp_impressions})",
      "creative_of(k) AS pick(k, 7, 6)",
      "device_of(k, c) AS {device_slots}[product_of(c) * 20 + 1 + pick(k, 8, 20)]",
      // Pareto cost (alpha 2.5: a long tail of expensive impressions or clicks), capped at 100x
      // its scale.
      "pareto(scale, v) AS least(100 * scale, scale * pow(1 - v, -0.4))::BIGINT",
      "cost_of(k, c) AS pareto({cost_scale}[product_of(c) + 1], u(k, 9))",
      "request_tag(i) AS id_text(i, 46)",
      "event_id(k, kind) AS id_text(2 * k + kind, 47)",
      "conversion_id(k, stage) AS id_text(4 * k + stage, 48)",

      // Clicks and conversions, decided per impression so each follows its impression.
      "clicked(k, c) AS NOT unresolved(k) AND u(k, 10) < {click_rate}[product_of(c) + 1]",
      // What clicked() and converts() need of the key alone, for a scan to filter on before it
      // draws the campaign.
      "may_click(k) AS u(k, 10) < {max_click_rate}",
      "may_convert(k) AS u(k, 10) < {max_click_rate} OR u(k, 12) < {max_view_conversion_rate}",
      "click_second(k, sec) AS least({window_seconds} - 1, "
      "sec + 1 + floor(900 * pow(u(k, 11), 3))::BIGINT)",
      "converts(k, c) AS NOT unresolved(k) AND u(k, 12) < CASE WHEN clicked(k, c) "
      "THEN {click_conversion_rate}[product_of(c) + 1] "
      "ELSE {view_conversion_rate}[product_of(c) + 1] END",
      // A visit: a detail page view, then for some an add to cart, then for some of those an order.
      "stages(k) AS CASE WHEN u(k, 13) >= 0.45 THEN [0] WHEN u(k, 14) >= 0.5 THEN [0, 1] "
      "ELSE [0, 1, 2] END",
      // The visit starts 1 s to 7 days after the traffic event (most within hours), its later
      // events follow within the hour; none leaves the window (t <= window end - 2 s).
      "visit_second(k, t) AS t + 1 + floor(pow(u(k, 15), 3) "
      "* least({window_seconds} - 2 - t, 604800))::BIGINT",
      "event_second(k, first, stage) AS first + floor(stage * 0.5 * (0.5 + 0.5 * u(k, 16)) "
      "* least({window_seconds} - 1 - first, 3600))::BIGINT",
      // The visit is about one of the campaign's four promoted items, or (15%) another item of the
      // brand (halo). Items are numbered advertiser * {items_per_advertiser} + j.
      "promoted(k) AS u(k, 19) < 0.85",
      "promoted_item(k, c) AS (c % 3) * {items_per_advertiser} + 2 * (c // 3) "
      "+ floor(4 * pow(u(k, 17), 1.5))::BIGINT",
      "halo_item(k, c) AS (c % 3) * {items_per_advertiser} "
      "+ (2 * (c // 3) + 4 + pick(k, 45, {items_per_advertiser} - 4)) % {items_per_advertiser}",
      "item_of(k, c) AS CASE WHEN promoted(k) THEN promoted_item(k, c) ELSE halo_item(k, c) END",
      "promotes(c, item) AS item // {items_per_advertiser} = c % 3 "
      "AND item % {items_per_advertiser} - 2 * (c // 3) BETWEEN 0 AND 3",
      "quantity(k) AS CASE WHEN u(k, 18) < 0.85 THEN 1 WHEN u(k, 18) < 0.95 THEN 2 ELSE 3 END",
      // A shopper is new to a brand (no purchase of it in the past year) or not, per user x
      // (0-based) and advertiser a.
      "new_to_brand(x, a) AS u(3 * x + a, 49) < 0.55",

      // Sponsored products: automatic campaigns target by product (no keyword, no match type) and
      // also show on detail pages (no search term); keyword campaigns bid on their brand's
      // keywords with a match type.
      "is_auto(c) AS {campaign_auto}[c + 1]",
      "placement_of(k, c) AS CASE WHEN u(k, 50) < CASE WHEN is_auto(c) THEN 0.3 ELSE 0.55 END "
      "THEN 0 WHEN NOT is_auto(c) OR u(k, 50) < 0.6 THEN 1 ELSE 2 END",
      "keyword_of(k, c) AS (c % 3) * 6 + floor(6 * pow(u(k, 51), 1.5))::BIGINT",
      "match_of(k) AS CASE WHEN u(k, 52) < 0.4 THEN 0 WHEN u(k, 52) < 0.75 THEN 1 ELSE 2 END",
      // Search terms, most searched first: exact match is the keyword itself, phrase match a
      // phrase holding it, broad match and automatic targeting any of the brand's phrases.
      "brand_term(k, c) AS {search_term}[1 + (c % 3) * {terms_per_brand} "
      "+ floor({terms_per_brand} * pow(u(k, 53), 2))::BIGINT]",
      "search_term_of(k, c) AS CASE WHEN placement_of(k, c) = 2 THEN NULL "
      "WHEN is_auto(c) OR match_of(k) = 2 THEN brand_term(k, c) "
      "WHEN match_of(k) = 0 THEN {search_term}[1 + keyword_of(k, c) * {terms_per_keyword}] "
      "ELSE {search_term}[2 + keyword_of(k, c) * {terms_per_keyword} "
      "+ floor(({terms_per_keyword} - 1) * pow(u(k, 53), 2))::BIGINT] END",
      "targeting_of(k, c) AS CASE WHEN is_auto(c) THEN {auto_target}[1 + pick(k, 54, 4)] "
      "ELSE {keyword}[1 + keyword_of(k, c)] END",
      "match_type_of(k, c) AS CASE WHEN NOT is_auto(c) THEN {match_type}[1 + match_of(k)] END",
      "ad_group_of(k, c) AS {ad_group}[c * 7 + 1 + CASE WHEN is_auto(c) THEN 0 "
      "ELSE 1 + keyword_of(k, c) % 6 END]",

      // dsp_views: impressions on view-aware supply are measured (0: MEASURABLE_IMP, then for
      // most 1: VIEW a few seconds later) or, for a few, estimated (2: UNMEASURABLE_IMP).
      "view_aware(i) AS u(i, 55) < {view_aware_share}",
      "view_events(i, c) AS CASE WHEN u(i, 56) < 0.08 THEN [2] "
      "WHEN u(i, 57) < CASE WHEN product_of(c) = 2 THEN 0.7 ELSE 0.55 END THEN [0, 1] ELSE [0] END",
      "view_second(i, sec, e) AS least({window_seconds} - 1, "
      "sec + CASE WHEN e = 1 THEN 1 + pick(i, 58, 10) ELSE 0 END)",

      // Conversions of people the advertiser's ads never reached (conversions_all): users
      // outside its audience (ranks A..U-1) and outside its small campaigns' pools.
      "in_pool(x, c) AS ((x - pick(c, 2, {users})) % {users} + {users}) % {users} "
      "* {scatter_inverse} % {users} < {small_pool}[c + 1]",
      "small_exposed(x, a) AS {small_exposed}",
      "organic_user(k, a) AS (({audience} + pick(k, 59, {users} - {audience})) * {scatter} "
      "+ {user_offset}[a + 1]) % {users}",
      "organic_stage(k) AS CASE WHEN u(k, 60) < 0.6 THEN 0 WHEN u(k, 60) < 0.8 THEN 1 ELSE 2 END",

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
      "name_variant(name, v) AS CASE v WHEN 0 THEN upper(name) WHEN 1 THEN name || ' ' ELSE name "
      "END",
  };
  return all;
}

}  // namespace cleanroom::data::generator_sql
