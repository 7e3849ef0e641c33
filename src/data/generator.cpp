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

#include "data/generator_sql.h"
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
  int64_t audience = 0;  // the users each advertiser's ads reach (kAudienceShare of them)
  int64_t impressions = 0;
  int64_t sponsored_impressions = 0;
  int64_t organic_events = 0;
  int64_t customers = 0;
};

Sizes sizes_for(double scale) {
  auto at_least = [](double v, int64_t floor) {
    return std::max<int64_t>(floor, static_cast<int64_t>(std::llround(v)));
  };
  Sizes n;
  n.users = at_least(200'000 * scale, 100);
  n.audience = static_cast<int64_t>(static_cast<double>(n.users) * kAudienceShare);
  n.impressions = at_least(1'000'000 * scale, 1);
  n.sponsored_impressions = at_least(static_cast<double>(n.impressions) * kSponsoredShare, 1);
  n.organic_events = at_least(static_cast<double>(n.users) * kOrganicEventsPerUser, 1);
  n.customers = at_least(50'000 * scale, 50);
  return n;
}

// Phone numbers are built from a person's index with 400 exchanges per area code (macro
// phone_number), unique up to 160 million people; the cap keeps the users below that.
constexpr double kMaxScale = 500;

// Key offsets of the sponsored products impressions and of the non-ad-exposed conversions, so
// that their draws never meet a DSP impression's (generator_draws.cpp).
constexpr int64_t kSponsoredKeyBase = int64_t{1} << 41;
constexpr int64_t kOrganicKeyBase = int64_t{1} << 42;

// --- Row numbers ---------------------------------------------------------------------------------
// DuckDB scans range() with one thread, but a table by row group in parallel and, with
// preserve_insertion_order, still in order. So rows are numbered from a table of ids; to bound
// its memory it holds at most one segment, read once per segment (UNION ALL keeps them in order).

constexpr int64_t kSegmentRows = 10'000'000;

std::string ids_table_sql(const Sizes& n) {
  int64_t rows = std::min(kSegmentRows, std::max({n.users, n.impressions, n.sponsored_impressions,
                                                  n.organic_events, n.customers}));
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

// Zipf's law over n campaigns (weight 1/rank) as a table of 1000 slots, indexed by a uniform
// draw. Ranks are shuffled (rank of campaign c: c * shuffle % n) so the biggest campaigns spread
// over advertisers and products.
std::vector<int> zipf_slots(int n, int shuffle) {
  std::vector<double> weight(n);
  for (int c = 0; c < n; c++) weight[c] = 1.0 / ((c * shuffle) % n + 1);
  double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  std::vector<int> slots;
  for (int c = 0; c < n; c++) {
    int count = std::max(1, static_cast<int>(std::lround(1000 * weight[c] / total)));
    slots.insert(slots.end(), count, c);
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

// The inverse of m modulo n (m and n coprime): undoes the scatter (macro in_pool).
int64_t inverse_modulo(int64_t m, int64_t n) {
  int64_t r0 = n, r1 = m % n, t0 = 0, t1 = 1;
  while (r1 != 0) {
    int64_t q = r0 / r1;
    std::tie(r0, r1) = std::make_pair(r1, r0 - q * r1);
    std::tie(t0, t1) = std::make_pair(t1, t0 - q * t1);
  }
  return ((t0 % n) + n) % n;
}

std::string bool_list_sql(const std::vector<bool>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++)
    out += (i ? ", " : "") + std::string(items[i] ? "true" : "false");
  return out + "]";
}

// The campaigns (generator_world.h), as parallel lists indexed by campaign.
struct Campaigns {
  std::vector<int64_t> id, advertiser_id, product, small_pool, utc_offset;
  std::vector<std::string> id_text, name, advertiser_name, creative_name, ad_group;
  std::vector<bool> is_auto;
  std::string small_exposed;  // macro small_exposed(x, a): x is in a small campaign of a
};

Campaigns campaigns() {
  Campaigns out;
  for (int c = 0; c < kCampaigns; c++) {
    const Advertiser& adv = kAdvertisers[c % 3];
    bool sponsored = c >= kDspCampaigns;
    int s = c - kDspCampaigns;  // the sponsored campaign's own number
    bool small = sponsored ? s >= kRegularSponsoredCampaigns : c >= kRegularCampaigns;
    // DSP: display for two campaigns in three (prospecting, retargeting), video for the third.
    int p = sponsored ? 0 : (c / 3) % 3 == 2 ? 2 : 1;
    int tactic = sponsored ? s % 2 : p == 2 ? (c / 9) % 2 : (c / 3) % 3;
    std::string theme = small ? "Local Pilot" : kThemes[sponsored ? (s / 3) % 6 : c / 9];
    out.id.push_back(kCampaignIdBase + c + 1);
    out.id_text.push_back(std::to_string(kCampaignIdBase + c + 1));
    out.advertiser_id.push_back(adv.id);
    out.advertiser_name.push_back(adv.name);
    out.utc_offset.push_back(int64_t{adv.utc_offset_hours} * 3600);
    out.product.push_back(p);
    out.is_auto.push_back(sponsored && tactic == 0);
    const char* tactic_name = kAdProducts[p].tactics[tactic];
    out.name.push_back(std::string(adv.short_name) + " | " + theme + " | " + tactic_name);
    int pool = !small      ? 0
               : sponsored ? kSmallSponsoredCampaignUsers
                           : kSmallCampaignUsers[c - kRegularCampaigns];
    out.small_pool.push_back(pool);
    if (small)
      out.small_exposed += std::string(out.small_exposed.empty() ? "" : " OR ") +
                           "(a = " + std::to_string(c % 3) + " AND in_pool(x, " +
                           std::to_string(c) + "))";
    // Sponsored products ads are named by their format alone, DSP creatives by theme and format.
    for (const char* format : kAdProducts[p].creatives)
      out.creative_name.push_back(sponsored ? std::string(format) : theme + " - " + format);
    out.ad_group.push_back(sponsored ? "Auto targeting" : "");
    for (const char* keyword : kKeywords[c % 3])
      out.ad_group.push_back(sponsored ? std::string("Keywords | ") + keyword : "");
  }
  return out;
}

// The values the SQL of generator_draws.cpp and generator_tables.cpp refers to as {name}.
std::map<std::string, std::string> world(const GeneratorOptions& o, const Sizes& n) {
  Campaigns cs = campaigns();
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
  std::vector<std::string> keywords, search_terms;
  for (const auto& brand : kKeywords)
    for (const char* keyword : brand) {
      keywords.push_back(keyword);
      for (size_t v = 0; v < std::size(kSearchPrefixes); v++)
        search_terms.push_back(std::string(kSearchPrefixes[v]) + keyword + kSearchSuffixes[v]);
    }
  constexpr size_t kTermsPerKeyword = std::size(kSearchPrefixes);
  int64_t scatter = scatter_multiplier(n.users);
  auto text = [](auto name) { return std::string(name); };
  return {
      {"seed", "CAST(" + std::to_string(o.seed) + " AS UBIGINT)"},
      {"users", std::to_string(n.users)},
      {"audience", std::to_string(n.audience)},
      {"impressions", std::to_string(n.impressions)},
      {"sp_impressions", std::to_string(n.sponsored_impressions)},
      {"customers", std::to_string(n.customers)},
      {"user_rows", rows_sql(n.users)},
      {"impression_rows", rows_sql(n.impressions)},
      {"sp_impression_rows", rows_sql(n.sponsored_impressions)},
      {"organic_rows", rows_sql(n.organic_events)},
      {"customer_rows", rows_sql(n.customers)},
      {"sp_key_base", std::to_string(kSponsoredKeyBase)},
      {"organic_key_base", std::to_string(kOrganicKeyBase)},
      {"scatter", std::to_string(scatter)},
      {"scatter_inverse", std::to_string(inverse_modulo(scatter, n.users))},
      {"crm_overlap", number(o.crm_overlap)},
      {"unresolved_share", number(kUnresolvedShare)},
      {"view_aware_share", number(kViewAwareShare)},
      {"window_start_us", std::to_string(kWindowStartMicros)},
      {"window_seconds", std::to_string(kWindowSeconds)},
      {"campaigns", std::to_string(kCampaigns)},
      {"dsp_campaigns", std::to_string(kDspCampaigns)},
      {"small_campaigns", std::to_string(kSmallCampaigns)},
      {"campaign_slots", list_sql(zipf_slots(kRegularCampaigns, 17))},
      {"sp_campaign_slots", list_sql(zipf_slots(kRegularSponsoredCampaigns, 5))},
      {"campaign_id", list_sql(cs.id)},
      {"campaign_id_text", list_sql(cs.id_text)},
      {"campaign_name", list_sql(cs.name)},
      {"campaign_product", list_sql(cs.product)},
      {"campaign_auto", bool_list_sql(cs.is_auto)},
      {"advertiser_id", list_sql(cs.advertiser_id)},
      {"advertiser_name", list_sql(cs.advertiser_name)},
      {"advertiser_ids", list_of(kAdvertisers, [](const Advertiser& a) { return a.id; })},
      {"max_click_rate", number(std::max_element(std::begin(kAdProducts), std::end(kAdProducts),
                                                 [](const AdProduct& a, const AdProduct& b) {
                                                   return a.click_rate < b.click_rate;
                                                 })
                                    ->click_rate)},
      {"max_view_conversion_rate",
       number(std::max_element(std::begin(kAdProducts), std::end(kAdProducts),
                               [](const AdProduct& a, const AdProduct& b) {
                                 return a.view_conversion_rate < b.view_conversion_rate;
                               })
                  ->view_conversion_rate)},
      {"utc_offset", list_sql(cs.utc_offset)},
      {"small_pool", list_sql(cs.small_pool)},
      {"small_exposed", cs.small_exposed},
      {"creative_name", list_sql(cs.creative_name)},
      {"ad_group", list_sql(cs.ad_group)},
      {"product_name",
       list_of(kAdProducts, [](const AdProduct& p) { return std::string(p.name); })},
      {"device_slots", list_sql(device_slots)},
      {"click_rate", list_of(kAdProducts, [](const AdProduct& p) { return p.click_rate; })},
      {"click_conversion_rate",
       list_of(kAdProducts, [](const AdProduct& p) { return p.click_conversion_rate; })},
      {"view_conversion_rate",
       list_of(kAdProducts, [](const AdProduct& p) { return p.view_conversion_rate; })},
      {"cost_scale", list_of(kAdProducts, [](const AdProduct& p) { return p.cost_scale; })},
      {"items_per_advertiser", std::to_string(kItemsPerAdvertiser)},
      {"item_asin", list_sql(item_asin)},
      {"item_price", "CAST([" + item_price + "] AS DECIMAL(12,2)[])"},
      {"keyword", list_sql(keywords)},
      {"search_term", list_sql(search_terms)},
      {"terms_per_keyword", std::to_string(kTermsPerKeyword)},
      {"terms_per_brand", std::to_string(kTermsPerKeyword * std::size(kKeywords[0]))},
      {"auto_target", list_of(kAutoTargets, text)},
      {"match_type", list_of(kMatchTypes, text)},
      {"placement", list_of(kPlacements, text)},
      {"view_event",
       list_sql(std::vector<std::string>{"MEASURABLE_IMP", "VIEW", "UNMEASURABLE_IMP"})},
      // A conversion event by its stage in a visit.
      {"event_category", list_sql(std::vector<std::string>{"website", "website", "purchase"})},
      {"event_subtype",
       list_sql(std::vector<std::string>{"detailPageView", "shoppingCart", "order"})},
      {"event_type_class",
       list_sql(std::vector<std::string>{"consideration", "consideration", "conversion"})},
      {"event_description",
       list_sql(std::vector<std::string>{"Product detail page viewed", "Add to Shopping Cart",
                                         "Product purchased"})},
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

// --- Writing -------------------------------------------------------------------------------------

// An engine that can write into `dir` only, spilling into a folder of its own there (removed when
// it closes) beyond 2 GB: the larger scales need more than that. Output order follows row order
// only with preserve_insertion_order on: set explicitly, since byte-identical files depend on it.
// Its spill has DuckDB's own bound only (90% of the free disk): the operator's tool, run for no
// other party into a folder the operator chose, at scales (up to 500) no fixed bound would fit.
Result<std::unique_ptr<engine::Engine>> open_engine(const std::string& dir) {
  engine::EngineOptions options;
  options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.memory_limit = "2GB";
  options.spill_root = dir;
  options.spill_limit = "";
  options.allowed_directories = {dir + "/"};
  options.enable_external_access = false;
  CR_ASSIGN(auto e, engine::Engine::open(options));
  CR_TRY(e->connection().run("SET preserve_insertion_order = true"));
  CR_TRY(e->connection().run("SET lock_configuration = true"));
  return e;
}

// Each advertiser's audience is a permutation of the users shifted by an offset (macro user_of),
// drawn once here rather than on every row.
Status add_user_offsets(engine::Connection& con, std::map<std::string, std::string>& values) {
  CR_ASSIGN(std::string sql,
            fill("SELECT list((hash(a::BIGINT, 5, {seed}) % {users}::UBIGINT)::BIGINT "
                 "ORDER BY n)::VARCHAR FROM (SELECT unnest({advertiser_ids}) AS a, "
                 "generate_subscripts({advertiser_ids}, 1) AS n)",
                 values));
  CR_ASSIGN(auto result, con.query(sql));
  CR_ASSIGN(auto rows, result.rows());
  values["user_offset"] = "CAST(" + std::get<std::string>(rows.at(0).at(0)) + " AS BIGINT[])";
  return {};
}

Status define_macros(engine::Connection& con, const std::map<std::string, std::string>& values) {
  for (const char* macro : generator_sql::draws()) {
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

// Writes the step's rows to DIR/NAME (through a hidden file beside it); returns their count.
Result<int64_t> write_table(engine::Connection& con, const std::string& select,
                            const std::string& dir, const std::string& name) {
  PartialFile partial(dir + "/." + name + ".partial-" + std::to_string(::getpid()));
  auto copied = con.query("COPY (" + select + ") TO " + sql_literal(partial.path()) + " (HEADER)");
  if (!copied.ok())
    return Error::internal("cannot generate " + name + ": " + copied.error().message);
  CR_ASSIGN(auto counted, copied->rows());
  CR_TRY(partial.rename_to(dir + "/" + name));
  return std::get<int64_t>(counted.at(0).at(0));
}

// DIR/NAME as the same file as `from`: a hard link where the file system allows, else a copy.
Status write_same_rows(const std::string& from, const std::string& dir, const std::string& name) {
  PartialFile partial(dir + "/." + name + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_hard_link(from, partial.path(), ec);
  if (ec) {
    ec.clear();
    fs::copy_file(from, partial.path(), fs::copy_options::overwrite_existing, ec);
  }
  if (ec) return Error::internal("cannot write " + dir + "/" + name + ": " + ec.message());
  return partial.rename_to(dir + "/" + name);
}

}  // namespace

Status check_options(const GeneratorOptions& o) {
  if (!(o.scale > 0 && o.scale <= kMaxScale))
    return Error::validation(
        "the scale must be above 0 and at most " + std::to_string(static_cast<int>(kMaxScale)),
        "scale");
  if (!(o.crm_overlap >= 0 && o.crm_overlap <= 1))
    return Error::validation("the CRM overlap must be between 0 and 1", "crm_overlap");
  if (o.out_dir.empty()) return Error::validation("an output folder is required", "out_dir");
  return {};
}

std::vector<GeneratedAdvertiser> generated_advertisers() {
  std::vector<GeneratedAdvertiser> out;
  for (const auto& a : kAdvertisers) out.push_back({a.id, a.name});
  return out;
}

Result<std::vector<GeneratedFile>> generate(
    const GeneratorOptions& options, const std::function<void(const GeneratedFile&)>& progress) {
  CR_TRY(check_options(options));
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
  CR_TRY(add_user_offsets(engine->connection(), values));
  auto& con = engine->connection();
  CR_TRY(con.run(ids_table_sql(sizes)));
  CR_TRY(define_macros(con, values));
  std::vector<GeneratedFile> out;
  for (const auto& step : generator_sql::steps()) {
    CR_ASSIGN(std::string select, fill(step.select, values));
    if (step.temp_table) {
      CR_TRY(con.run("CREATE TEMP TABLE " + std::string(step.table) + " AS " + select));
      continue;
    }
    GeneratedFile f{step.database, step.table, "", 0, step.pii, {}};
    std::string name = f.database + "." + f.table + ".csv";
    f.path = shown + "/" + name;
    if (*step.same_rows_as) {
      auto same = std::find_if(out.begin(), out.end(), [&](const GeneratedFile& g) {
        return g.database == f.database && g.table == step.same_rows_as;
      });
      if (same == out.end()) return Error::internal("generator: no table " + f.table + " follows");
      CR_TRY(write_same_rows(dir + "/" + f.database + "." + same->table + ".csv", dir, name));
      f.rows = same->rows;
      f.columns = same->columns;
    } else {
      if (step.declare_types) {
        CR_ASSIGN(auto described, engine::describe(con, select));
        for (auto& c : described) f.columns.push_back({std::move(c.name), std::move(c.type)});
      }
      CR_ASSIGN(f.rows, write_table(con, select, dir, name));
    }
    out.push_back(std::move(f));
    if (progress) progress(out.back());
  }
  return out;
}

}  // namespace cleanroom::data
