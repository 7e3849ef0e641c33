// The synthetic data generator (docs/generator.md): determinism, sizes, the AMC schema of the
// platform tables (docs/platform-tables.md), their consistency (the same users, campaigns,
// advertisers and items everywhere; clicks, views and conversions after the traffic of the same
// user and campaign), the nulls AMC has, the campaign shapes thresholds depend on, and a CRM that
// matches the platform's identities at the requested overlap through the real ingestion and
// matching path.
#include "data/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/crypto.h"
#include "core/amc_privacy.h"
#include "core/platform_tables.h"
#include "data/identity_matching.h"
#include "data/ingest.h"
#include "engine/engine.h"

namespace cleanroom::data {
namespace {
namespace fs = std::filesystem;
using engine::sql_literal;

const std::vector<std::string> kPlatformTables = {"identities",
                                                  "dsp_impressions",
                                                  "dsp_clicks",
                                                  "dsp_views",
                                                  "sponsored_ads_traffic",
                                                  "amazon_attributed_events_by_conversion_time",
                                                  "amazon_attributed_events_by_traffic_time",
                                                  "conversions",
                                                  "conversions_with_relevance",
                                                  "conversions_all",
                                                  "display_impressions",
                                                  "display_clicks"};
// Every platform table but the identities: the ones queries read, split by advertiser.
std::vector<std::string> event_tables() {
  return std::vector<std::string>(kPlatformTables.begin() + 1, kPlatformTables.end());
}
constexpr size_t kFiles = 13;  // the platform's tables and the CRM

GeneratorOptions options(const fs::path& dir, double scale, uint64_t seed, double overlap = 0.6) {
  GeneratorOptions o;
  o.scale = scale;
  o.seed = seed;
  o.out_dir = dir.string();
  o.crm_overlap = overlap;
  return o;
}

// An engine with a view per generated table, named like the table without its database, read
// with the schema the generator declares for upload.
std::unique_ptr<engine::Engine> views(const std::vector<GeneratedFile>& files) {
  auto e = std::move(engine::Engine::open({})).value();
  for (const auto& f : files) {
    std::string read = "read_csv(" + sql_literal(f.path);
    if (!f.columns.empty()) {
      read += ", header = true, auto_detect = false, columns = {";
      for (size_t i = 0; i < f.columns.size(); i++)
        read += (i ? ", " : "") + sql_literal(f.columns[i].name) + ": " +
                sql_literal(f.columns[i].type);
      read += "}";
    } else if (!f.pii.empty()) {
      read += ", all_varchar = true";  // identity columns as text, as an upload reads them
    }
    auto s = e->connection().run("CREATE VIEW " + f.table + " AS SELECT * FROM " + read + ")");
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  }
  return e;
}

// The single number a query answers.
double number(engine::Engine& e, const std::string& sql) {
  auto r = e.connection().query("SELECT (" + sql + ")::DOUBLE");
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return -1;
  auto rows = r->rows();
  EXPECT_TRUE(rows.ok());
  if (!rows.ok() || rows->empty() || !std::holds_alternative<double>(rows->at(0).at(0))) return -1;
  return std::get<double>(rows->at(0).at(0));
}

// Rows of a table with a NULL in some column.
double rows_with_nulls(engine::Engine& e, const std::string& table) {
  int columns = static_cast<int>(number(e, "SELECT count(*) FROM (DESCRIBE " + table + ")"));
  return number(e, "SELECT count(*) FROM (SELECT COLUMNS(*)::VARCHAR FROM " + table +
                       ") WHERE list_count([*COLUMNS(*)]) < " + std::to_string(columns));
}

std::string digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return crypto::sha256_hex(s.str());
}

class GeneratorTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("cleanroom-generator-" + crypto::uuid4());

  void TearDown() override { fs::remove_all(dir); }

  std::vector<GeneratedFile> generate_into(const std::string& name, double scale, uint64_t seed,
                                           double overlap = 0.6) {
    auto files = generate(options(dir / name, scale, seed, overlap));
    EXPECT_TRUE(files.ok()) << (files.ok() ? "" : files.error().message);
    return files.ok() ? *files : std::vector<GeneratedFile>{};
  }
};

// One generated world (scale 0.05, seed 9) that the tests of its contents share: generating is
// the slow part.
class GeneratedWorldTest : public ::testing::Test {
 protected:
  static inline fs::path dir_;
  static inline std::vector<GeneratedFile> files_;
  static inline std::unique_ptr<engine::Engine> e_;

  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cleanroom-generated-world-" + crypto::uuid4());
    auto files = generate(options(dir_, 0.05, 9));
    ASSERT_TRUE(files.ok()) << files.error().message;
    files_ = *files;
    e_ = views(files_);
  }
  static void TearDownTestSuite() {
    e_.reset();
    fs::remove_all(dir_);
  }
  static double n(const std::string& sql) { return number(*e_, sql); }
};

// Traffic of both kinds, per row: user, advertiser, campaign, time.
const char* kTraffic = R"((
  SELECT user_id, advertiser_id, campaign_id, impression_dt_utc AS dt FROM dsp_impressions
  UNION ALL
  SELECT user_id, advertiser_id, campaign_id, event_dt_utc AS dt FROM sponsored_ads_traffic))";

TEST_F(GeneratorTest, TheSameSeedGivesByteIdenticalFiles) {
  auto a = generate_into("a", 0.02, 42), b = generate_into("b", 0.02, 42),
       c = generate_into("c", 0.02, 43);
  ASSERT_EQ(a.size(), kFiles);
  ASSERT_EQ(b.size(), kFiles);
  ASSERT_EQ(c.size(), kFiles);
  for (size_t i = 0; i < a.size(); i++) {
    EXPECT_EQ(digest(a[i].path), digest(b[i].path)) << a[i].table;
    EXPECT_NE(digest(a[i].path), digest(c[i].path)) << a[i].table;
    EXPECT_EQ(a[i].rows, b[i].rows) << a[i].table;
  }
}

TEST_F(GeneratorTest, ReplacesFilesAndLeavesNothingElse) {
  auto first = generate_into("out", 0.01, 1);
  auto again = generate_into("out", 0.01, 2);
  ASSERT_EQ(again.size(), kFiles);
  size_t entries = std::distance(fs::directory_iterator(dir / "out"), fs::directory_iterator());
  EXPECT_EQ(entries, kFiles);  // no partial files left behind
  auto other = generate_into("other", 0.01, 2);
  for (size_t i = 0; i < kFiles; i++)
    EXPECT_EQ(digest(again[i].path), digest(other[i].path)) << again[i].table;
}

TEST_F(GeneratorTest, ListsTheTablesInOrderWithTheirIdentityColumnsAndTypes) {
  std::vector<std::string> progressed;
  auto o = options(dir / "out", 0.01, 1);
  auto files = generate(o, [&](const GeneratedFile& f) { progressed.push_back(f.table); });
  ASSERT_TRUE(files.ok()) << files.error().message;
  std::vector<std::string> names, expected;
  for (const auto& t : kPlatformTables) expected.push_back("platform." + t);
  expected.push_back("crm.customers");
  for (const auto& f : *files) {
    names.push_back(f.database + "." + f.table);
    EXPECT_EQ(f.path, o.out_dir + "/" + f.database + "." + f.table + ".csv");
    EXPECT_TRUE(fs::exists(f.path));
  }
  EXPECT_EQ(names, expected);
  ASSERT_EQ(progressed.size(), kFiles);
  EXPECT_EQ(progressed.front(), "identities");
  EXPECT_EQ(progressed.back(), "customers");
  std::map<std::string, std::string> person = {{"email", "email"},
                                               {"phone", "phone"},
                                               {"first_name", "first_name"},
                                               {"last_name", "last_name"},
                                               {"postal_code", "postal_code"}};
  for (const auto& f : *files) {
    bool people = f.table == "identities" || f.table == "customers";
    EXPECT_EQ(f.pii, (people ? person : std::map<std::string, std::string>{})) << f.table;
    // The event tables declare their schema, in the file's column order.
    EXPECT_EQ(f.columns.empty(), people) << f.table;
    if (!people) {
      std::ifstream in(f.path);
      std::string header;
      std::getline(in, header);
      std::string declared;
      for (const auto& c : f.columns) declared += (declared.empty() ? "" : ",") + c.name;
      EXPECT_EQ(header, declared) << f.table;
    }
  }
}

TEST_F(GeneratorTest, RowCountsFollowTheScale) {
  for (double scale : {0.01, 0.03}) {
    auto files = generate_into("s" + std::to_string(scale), scale, 5);
    ASSERT_EQ(files.size(), kFiles);
    std::map<std::string, int64_t> rows;
    for (const auto& f : files) rows[f.table] = f.rows;
    EXPECT_EQ(rows["identities"], std::llround(200'000 * scale));
    EXPECT_EQ(rows["dsp_impressions"], std::llround(1'000'000 * scale));
    EXPECT_EQ(rows["customers"], std::llround(50'000 * scale));
    auto e = views(files);
    for (const auto& f : files)
      EXPECT_EQ(number(*e, "SELECT count(*) FROM " + f.table), f.rows) << f.table;
    EXPECT_EQ(number(*e, "SELECT sum(impressions) FROM sponsored_ads_traffic"),
              std::llround(150'000 * scale));
    // DSP clicks about 0.45% of impressions, sponsored ones 1.1%, conversion events 0.2%.
    double impressions = static_cast<double>(rows["dsp_impressions"]);
    EXPECT_GT(rows["dsp_clicks"], 0.0025 * impressions);
    EXPECT_LT(rows["dsp_clicks"], 0.01 * impressions);
    double sp_clicks = number(*e, "SELECT sum(clicks) FROM sponsored_ads_traffic");
    EXPECT_GT(sp_clicks, 0.005 * 0.15 * impressions);
    EXPECT_LT(sp_clicks, 0.02 * 0.15 * impressions);
    double events = static_cast<double>(rows["amazon_attributed_events_by_conversion_time"]);
    EXPECT_GT(events, 0.0015 * impressions);
    EXPECT_LT(events, 0.005 * impressions);
    // Views of the view-aware 5% of impressions: one or two events each.
    EXPECT_GT(rows["dsp_views"], 0.05 * impressions);
    EXPECT_LT(rows["dsp_views"], 0.1 * impressions);
    // The same pairs by traffic time, each event once in conversions, more with the people the
    // ads never reached in conversions_all, and once per relevant campaign with relevance.
    EXPECT_EQ(rows["amazon_attributed_events_by_traffic_time"], events);
    EXPECT_EQ(rows["conversions"], events);
    EXPECT_GT(rows["conversions_all"], rows["conversions"]);
    EXPECT_GT(rows["conversions_with_relevance"], rows["conversions"]);
    EXPECT_EQ(rows["display_impressions"], rows["dsp_impressions"]);
    EXPECT_EQ(rows["display_clicks"], rows["dsp_clicks"]);
  }
  // Tiny scales keep the minimum sizes.
  auto tiny = generate_into("tiny", 0.0001, 5);
  ASSERT_EQ(tiny.size(), kFiles);
  EXPECT_EQ(tiny[0].rows, 100);
  EXPECT_EQ(tiny[1].rows, 100);
  EXPECT_EQ(tiny.back().rows, 50);
}

TEST_F(GeneratedWorldTest, ClicksAndViewsFollowTheirImpression) {
  EXPECT_EQ(n(R"(SELECT count(*) FROM dsp_clicks c WHERE NOT EXISTS (
      SELECT 1 FROM dsp_impressions i WHERE i.user_id = c.user_id AND i.campaign_id = c.campaign_id
        AND i.creative_id = c.creative_id AND i.request_tag = c.request_tag AND i.impression_dt_utc = c.impression_dt_utc))"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM dsp_clicks WHERE click_dt_utc <= impression_dt_utc"), 0);
  EXPECT_EQ(n("SELECT count(DISTINCT request_tag) FROM dsp_impressions"),
            n("SELECT count(*) FROM dsp_impressions"));
  EXPECT_EQ(n(R"(SELECT count(*) FROM dsp_views v
      LEFT JOIN dsp_impressions i ON i.request_tag = v.impression_id
      WHERE i.request_tag IS NULL OR i.user_id IS DISTINCT FROM v.user_id
        OR i.campaign_id <> v.campaign_id OR i.creative_id <> v.creative_id
        OR i.impression_dt_utc > v.event_dt_utc)"),
            0);
  EXPECT_GT(n("SELECT count(*) FROM dsp_views WHERE user_id IS NULL"), 0);
  EXPECT_EQ(n("SELECT count(*) FROM dsp_views WHERE event_type = 'VIEW' AND impression_id NOT IN "
              "(SELECT impression_id FROM dsp_views WHERE event_type = 'MEASURABLE_IMP')"),
            0);
  // A sponsored products click follows its impression: same user, campaign, ad group, search.
  EXPECT_GT(n("SELECT sum(clicks) FROM sponsored_ads_traffic"), 0);
  EXPECT_EQ(n(R"(SELECT count(*) FROM sponsored_ads_traffic c WHERE clicks = 1 AND NOT EXISTS (
      SELECT 1 FROM sponsored_ads_traffic i WHERE i.impressions = 1 AND i.user_id = c.user_id
        AND i.campaign_id = c.campaign_id AND i.ad_group = c.ad_group
        AND i.customer_search_term IS NOT DISTINCT FROM c.customer_search_term
        AND i.event_dt_utc < c.event_dt_utc))"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE impressions + clicks <> 1"), 0);
  // Sponsored products are paid per click.
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE (spend > 0) <> (clicks = 1)"), 0);
}

TEST_F(GeneratedWorldTest, EveryConversionFollowsTrafficOfItsUserAndCampaign) {
  for (const char* table : {"amazon_attributed_events_by_conversion_time",
                            "amazon_attributed_events_by_traffic_time"}) {
    std::string t = table;
    // DSP traffic: the impression of the request tag; sponsored: the traffic event itself.
    EXPECT_EQ(n("SELECT count(*) FROM " + t + R"( a WHERE request_tag IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM dsp_impressions i WHERE i.request_tag = a.request_tag
          AND i.user_id = a.user_id AND i.campaign_id = a.campaign_id
          AND i.impression_dt_utc <= a.traffic_event_dt_utc))"),
              0)
        << t;
    EXPECT_EQ(
        n("SELECT count(*) FROM " + t + R"( a WHERE traffic_event_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM sponsored_ads_traffic s WHERE s.event_id = a.traffic_event_id
          AND s.user_id = a.user_id AND s.campaign_id = a.campaign_id
          AND s.clicks = a.clicks AND s.event_dt_utc = a.traffic_event_dt_utc
          AND s.customer_search_term IS NOT DISTINCT FROM a.customer_search_term))"),
        0)
        << t;
    EXPECT_EQ(n("SELECT count(*) FROM " + t +
                " WHERE (request_tag IS NULL) = (traffic_event_id IS NULL)"),
              0)
        << t;
    EXPECT_EQ(
        n("SELECT count(*) FROM " + t + " WHERE conversion_event_dt_utc <= traffic_event_dt_utc"),
        0)
        << t;
  }
  // Both attributed tables hold the same pairs.
  EXPECT_EQ(n(R"(SELECT count(*) FROM (SELECT * FROM amazon_attributed_events_by_conversion_time
      EXCEPT ALL SELECT * FROM amazon_attributed_events_by_traffic_time))"),
            0);
  // Each conversion event once in conversions, of a user the advertiser's ads reached before.
  EXPECT_EQ(n("SELECT count(DISTINCT conversion_id) - count(*) FROM conversions"), 0);
  EXPECT_EQ(n(std::string(R"(SELECT count(*) FROM conversions c WHERE NOT EXISTS (
      SELECT 1 FROM )") +
              kTraffic + R"( t WHERE t.user_id = c.user_id
        AND t.advertiser_id = c.advertiser_id AND t.dt < c.event_dt_utc))"),
            0);
  // With relevance: once per campaign that promotes the item, and for the campaign whose traffic
  // led to it; so every conversion at least once, with a campaign that reached the user before.
  EXPECT_EQ(n("SELECT count(*) FROM conversions WHERE conversion_id NOT IN "
              "(SELECT conversion_id FROM conversions_with_relevance)"),
            0);
  EXPECT_EQ(n(std::string(R"(SELECT count(*) FROM conversions c WHERE NOT EXISTS (
      SELECT 1 FROM conversions_with_relevance r JOIN )") +
              kTraffic + R"( t
        ON t.user_id = r.user_id AND t.campaign_id = r.campaign_id
      WHERE r.conversion_id = c.conversion_id AND t.dt < r.event_dt_utc))"),
            0);
  EXPECT_EQ(
      n("SELECT count(*) FROM (SELECT * EXCLUDE (advertiser, campaign_id, campaign_id_string, "
        "campaign, engagement_scope, halo_code, event_dt) FROM conversions_with_relevance "
        "EXCEPT SELECT * FROM conversions)"),
      0);
  EXPECT_GT(n("SELECT count(*) FROM (SELECT conversion_id FROM conversions_with_relevance "
              "GROUP BY ALL HAVING count(*) > 1)"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT campaign_id, conversion_id FROM "
              "conversions_with_relevance GROUP BY ALL HAVING count(*) > 1)"),
            0);
  EXPECT_GT(
      n("SELECT count(*) FROM conversions_with_relevance WHERE engagement_scope = 'BRAND_HALO'"),
      0);
  // A campaign's promoted items are the ones its sponsored ads show.
  EXPECT_GT(n("SELECT count(*) FROM conversions_with_relevance r WHERE engagement_scope = "
              "'PROMOTED' AND campaign_id IN (SELECT campaign_id FROM sponsored_ads_traffic)"),
            0);
  EXPECT_EQ(n(R"(SELECT count(*) FROM conversions_with_relevance r
      WHERE engagement_scope = 'PROMOTED' AND campaign_id IN (SELECT campaign_id FROM
        sponsored_ads_traffic GROUP BY ALL HAVING count(*) > 1000)
      AND tracked_item NOT IN (SELECT creative_asin FROM sponsored_ads_traffic s
        WHERE s.campaign_id = r.campaign_id))"),
            0);
  // conversions_all: the ad-exposed events are those of conversions; the others' users never
  // saw the brand's ads.
  EXPECT_EQ(n(R"(SELECT count(*) FROM (
      SELECT * EXCLUDE (exposure_type) FROM conversions_all WHERE exposure_type = 'ad-exposed'
      EXCEPT ALL SELECT * FROM conversions))"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM conversions_all WHERE exposure_type = 'ad-exposed'"),
            n("SELECT count(*) FROM conversions"));
  EXPECT_GT(n("SELECT count(*) FROM conversions_all WHERE exposure_type = 'non-ad-exposed'"), 0);
  EXPECT_EQ(
      n(std::string(R"(SELECT count(*) FROM conversions_all c
      WHERE exposure_type = 'non-ad-exposed' AND EXISTS (SELECT 1 FROM )") +
        kTraffic + R"( t WHERE t.user_id = c.user_id AND t.advertiser_id = c.advertiser_id))"),
      0);
  // Orders carry the sales; promoted items are the campaign's, the rest the brand's halo.
  const std::string attributed = "amazon_attributed_events_by_conversion_time";
  EXPECT_GT(n("SELECT count(*) FROM " + attributed +
              " WHERE conversion_event_subtype = 'order' AND total_product_sales > 0"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM " + attributed +
              " WHERE conversion_event_subtype <> 'order' AND (total_purchases > 0 OR "
              "product_sales > 0 OR total_units_sold > 0)"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM " + attributed +
              " WHERE purchases > total_purchases OR product_sales > total_product_sales OR "
              "new_to_brand_purchases > purchases OR new_to_brand_total_product_sales > "
              "total_product_sales"),
            0);
  EXPECT_GT(n("SELECT count(*) FROM " + attributed + " WHERE total_purchases > purchases"), 0);
  EXPECT_GT(n("SELECT count(*) FROM " + attributed + " WHERE new_to_brand_purchases > 0"), 0);
  // A brand's items are its own: no ASIN is tracked by two advertisers.
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT tracked_item FROM conversions_all GROUP BY ALL "
              "HAVING count(DISTINCT advertiser_id) > 1)"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT creative_asin FROM sponsored_ads_traffic "
              "GROUP BY ALL HAVING count(DISTINCT advertiser_id) > 1)"),
            0);
}

TEST_F(GeneratedWorldTest, EveryTableHoldsTheKnownAdvertisersAndCampaigns) {
  std::string known;
  for (const auto& a : generated_advertisers())
    known += (known.empty() ? "" : ", ") + std::to_string(a.id);
  for (const auto& t : event_tables()) {
    EXPECT_GT(n("SELECT count(*) FROM " + t), 0) << t;
    EXPECT_EQ(n("SELECT count(*) FROM " + t +
                " WHERE advertiser_id IS NULL OR advertiser_id NOT IN (" + known + ")"),
              0)
        << t;
  }
  // A campaign has one advertiser, one name and one id string wherever it appears.
  std::string campaigns;
  for (const char* t : {"dsp_impressions", "dsp_clicks", "dsp_views", "sponsored_ads_traffic",
                        "amazon_attributed_events_by_traffic_time", "conversions_with_relevance"})
    campaigns +=
        std::string(campaigns.empty() ? "" : " UNION ALL ") +
        "SELECT campaign_id, campaign_id_string, campaign, advertiser_id, advertiser FROM " + t;
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT campaign_id FROM (" + campaigns +
              ") GROUP BY campaign_id HAVING count(DISTINCT (campaign_id_string, campaign, "
              "advertiser_id, advertiser)) > 1)"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM (" + campaigns +
              ") WHERE campaign_id_string <> campaign_id::VARCHAR"),
            0);
  EXPECT_EQ(n("SELECT count(DISTINCT campaign_id) FROM dsp_impressions"), 50);
  EXPECT_EQ(n("SELECT count(DISTINCT campaign_id) FROM sponsored_ads_traffic"), 15);
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT campaign_id FROM dsp_impressions INTERSECT "
              "SELECT campaign_id FROM sponsored_ads_traffic)"),
            0);
  // The same users: every user id is a platform user.
  for (const auto& t : event_tables())
    EXPECT_EQ(
        n("SELECT count(*) FROM " + t +
          " WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT user_id::BIGINT FROM identities)"),
        0)
        << t;
}

TEST_F(GeneratedWorldTest, NullsWhereAmcHasThem) {
  // Impressions whose user could not be resolved (about 1%), never clicked.
  double unresolved = n("SELECT count(*) FROM dsp_impressions WHERE user_id IS NULL");
  EXPECT_GT(unresolved, 0.005 * n("SELECT count(*) FROM dsp_impressions"));
  EXPECT_LT(unresolved, 0.02 * n("SELECT count(*) FROM dsp_impressions"));
  EXPECT_EQ(n("SELECT count(*) - count(user_id) FROM dsp_impressions"), unresolved);
  EXPECT_EQ(rows_with_nulls(*e_, "(SELECT * EXCLUDE (user_id) FROM dsp_impressions)"), 0);
  EXPECT_GT(n("SELECT count(*) FROM sponsored_ads_traffic WHERE user_id IS NULL"), 0);
  for (const char* t : {"dsp_clicks", "display_clicks"}) EXPECT_EQ(rows_with_nulls(*e_, t), 0) << t;
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE clicks = 1 AND user_id IS NULL"),
            0);
  // No search term on detail pages; no match type for automatic targeting.
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE (customer_search_term IS NULL) "
              "<> (placement_type = 'Detail Page on-Amazon')"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE (match_type IS NULL) <> "
              "(targeting IN ('close-match', 'loose-match', 'substitutes', 'complements'))"),
            0);
  EXPECT_GT(n("SELECT count(*) FROM sponsored_ads_traffic WHERE match_type IS NULL"), 0);
  EXPECT_GT(n("SELECT count(*) FROM sponsored_ads_traffic WHERE customer_search_term IS NULL"), 0);
  // Attributed events: DSP traffic has no ad product type, search or sponsored event id;
  // sponsored traffic no line item or request tag; only orders have an ASIN and new-to-brand.
  const std::string a = "amazon_attributed_events_by_conversion_time";
  EXPECT_GT(n("SELECT count(*) FROM " + a + " WHERE ad_product_type IS NULL"), 0);
  EXPECT_EQ(n("SELECT count(*) FROM " + a +
              " WHERE (ad_product_type IS NULL) <> (request_tag IS NOT NULL) OR "
              "(ad_product_type IS NULL AND (customer_search_term IS NOT NULL OR targeting IS NOT "
              "NULL))"),
            0);
  for (const std::string& t : {a, std::string("conversions"), std::string("conversions_all")}) {
    std::string subtype = t == a ? "conversion_event_subtype" : "event_subtype";
    EXPECT_EQ(n("SELECT count(*) FROM " + t + " WHERE (tracked_asin IS NULL) <> (" + subtype +
                " <> 'order') OR (new_to_brand IS NULL) <> (" + subtype + " <> 'order')"),
              0)
        << t;
    EXPECT_GT(n("SELECT count(*) FROM " + t + " WHERE tracked_asin IS NULL"), 0) << t;
  }
  EXPECT_EQ(n("SELECT count(*) FROM conversions WHERE (purchase_unit_price IS NULL) <> "
              "(event_category <> 'purchase')"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM dsp_views WHERE (view_definition IS NULL) <> (event_type <> "
              "'VIEW')"),
            0);
}

TEST_F(GeneratedWorldTest, SponsoredSearchTermsMatchTheirKeywords) {
  const std::string sp = "sponsored_ads_traffic";
  for (const char* m : {"EXACT", "PHRASE", "BROAD"})
    EXPECT_GT(n("SELECT count(*) FROM " + sp + " WHERE match_type = '" + m + "'"), 0) << m;
  EXPECT_EQ(n("SELECT count(*) FROM " + sp +
              " WHERE match_type = 'EXACT' AND customer_search_term <> targeting"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM " + sp +
              " WHERE match_type = 'PHRASE' AND (customer_search_term NOT LIKE '%' || targeting || "
              "'%' OR customer_search_term = targeting)"),
            0);
  // Search terms are heavy-tailed: a few reach many people, the long tail few.
  const std::string per_term =
      "(SELECT customer_search_term, count(DISTINCT user_id) AS users FROM " + sp +
      " WHERE customer_search_term IS NOT NULL GROUP BY ALL)";
  EXPECT_GT(n("SELECT count(*) FROM " + per_term), 60);
  EXPECT_GE(n("SELECT max(users) FROM " + per_term), 100);
  EXPECT_GT(n("SELECT max(users) FROM " + per_term), 10 * n("SELECT min(users) FROM " + per_term));
  // Attributed sponsored conversions come from clicks, with their search.
  EXPECT_EQ(n("SELECT count(*) FROM amazon_attributed_events_by_traffic_time WHERE "
              "ad_product_type = 'sponsored_products' AND traffic_event_subtype <> 'AD_CLICK'"),
            0);
}

TEST_F(GeneratedWorldTest, TimesAreInTheWindowAndLocalTimesInTheAdvertisersZone) {
  for (const char* check :
       {"SELECT count(*) FROM dsp_impressions WHERE impression_dt_utc NOT BETWEEN "
        "'2026-10-01 00:00:00' AND '2026-10-31 23:59:59'",
        "SELECT count(*) FROM sponsored_ads_traffic WHERE event_dt_utc NOT BETWEEN "
        "'2026-10-01 00:00:00' AND '2026-10-31 23:59:59'",
        "SELECT count(*) FROM dsp_clicks WHERE click_dt_utc > '2026-10-31 23:59:59'",
        "SELECT count(*) FROM amazon_attributed_events_by_conversion_time WHERE "
        "conversion_event_dt_utc > '2026-10-31 23:59:59'",
        "SELECT count(*) FROM conversions_all WHERE event_dt_utc NOT BETWEEN "
        "'2026-10-01 00:00:00' AND '2026-10-31 23:59:59'"})
    EXPECT_EQ(n(check), 0) << check;
  // Northwind is in Los Angeles (UTC-7 in October 2026), Contoso in New York (UTC-4), Fabrikam
  // in Chicago (UTC-5).
  const std::string offset =
      "CASE advertiser_id WHEN 5849100001 THEN -7 WHEN 5849100002 THEN -4 ELSE -5 END";
  EXPECT_EQ(n("SELECT count(*) FROM dsp_impressions WHERE impression_dt <> impression_dt_utc + "
              "to_hours(" +
              offset + ")"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM sponsored_ads_traffic WHERE event_dt <> event_dt_utc + "
              "to_hours(" +
              offset + ")"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM amazon_attributed_events_by_traffic_time WHERE "
              "traffic_event_dt <> traffic_event_dt_utc + to_hours(" +
              offset + ") OR conversion_event_date <> CAST(conversion_event_dt AS DATE)"),
            0);
  // Rows are in time order where the files say so.
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT impression_dt_utc < lag(impression_dt_utc) OVER () "
              "AS back FROM dsp_impressions) WHERE back"),
            0);
  EXPECT_EQ(n("SELECT count(*) FROM (SELECT traffic_event_dt_utc < lag(traffic_event_dt_utc) "
              "OVER () AS back FROM amazon_attributed_events_by_traffic_time) WHERE back"),
            0);
}

TEST_F(GeneratorTest, CampaignsAreHeavyTailedWithSomeBelowTheThresholds) {
  for (double scale : {0.01, 0.05}) {
    auto e = views(generate_into("s" + std::to_string(scale), scale, 3));
    const std::string users_per_campaign =
        "(SELECT campaign_id, count(DISTINCT user_id) AS users, count(*) AS n FROM "
        "dsp_impressions GROUP BY campaign_id)";
    EXPECT_EQ(number(*e, "SELECT count(*) FROM " + users_per_campaign), 50);
    EXPECT_GE(number(*e, "SELECT count(*) FROM " + users_per_campaign + " WHERE users < 20"), 3);
    double largest = number(*e, "SELECT max(users) FROM " + users_per_campaign);
    double median = number(*e, "SELECT median(users) FROM " + users_per_campaign);
    EXPECT_GT(largest, 5 * median) << "scale " << scale;
    EXPECT_GE(largest, 100) << "the largest campaigns pass the 100-user threshold";
    // A few campaigns hold most impressions.
    EXPECT_GT(number(*e, "SELECT sum(n) FROM (SELECT n FROM " + users_per_campaign +
                             " ORDER BY n DESC LIMIT 10)"),
              0.5 * std::llround(1'000'000 * scale));
    // Users' impression counts have a long tail.
    const std::string per_user =
        "(SELECT user_id, count(*) AS n FROM dsp_impressions WHERE user_id IS NOT NULL "
        "GROUP BY user_id)";
    EXPECT_GT(number(*e, "SELECT max(n) FROM " + per_user),
              10 * number(*e, "SELECT median(n) FROM " + per_user));
    // Sponsored products too: one small campaign, the largest over the threshold.
    const std::string sponsored =
        "(SELECT campaign_id, count(DISTINCT user_id) AS users FROM sponsored_ads_traffic "
        "GROUP BY campaign_id)";
    EXPECT_EQ(number(*e, "SELECT count(*) FROM " + sponsored + " WHERE users < 20"), 1);
    EXPECT_GE(number(*e, "SELECT max(users) FROM " + sponsored), 100);
  }
}

TEST_F(GeneratorTest, RawIdentitiesSurviveTheRepositorysNormalisation) {
  auto files = generate_into("out", 0.02, 11);
  auto e = views(files);
  for (const char* table : {"identities", "customers"}) {
    for (auto type : {PiiType::Email, PiiType::Phone, PiiType::FirstName, PiiType::LastName,
                      PiiType::PostalCode}) {
      std::string column = pii_type_name(type);
      std::string sql = "SELECT count(*) FROM " + std::string(table) + " WHERE " + column +
                        " IS NOT NULL AND (" + normalised_sql(type, column + "::VARCHAR", "US") +
                        ") IS NULL";
      EXPECT_EQ(number(*e, sql), 0) << table << "." << column;
    }
  }
  // The platform's identities are complete; the CRM's are written differently.
  EXPECT_EQ(rows_with_nulls(*e, "identities"), 0);
  EXPECT_GT(number(*e, "SELECT count(*) FROM customers WHERE email <> lower(trim(email))"), 0);
  EXPECT_GT(number(*e, "SELECT count(*) FROM customers WHERE length(postal_code::VARCHAR) > 5"), 0);
  // Some platform users share first name, last name and postal code.
  EXPECT_GT(number(*e, R"(SELECT count(*) FROM (SELECT first_name, last_name, postal_code
      FROM identities GROUP BY ALL HAVING count(*) > 1))"),
            0);
}

// The CRM goes through the real path: both files ingested with their identity columns hashed,
// then matched by the waterfall (email, phone, name and postal code).
TEST_F(GeneratorTest, CrmMatchesThePlatformAtTheRequestedOverlap) {
  for (double overlap : {0.6, 0.25}) {
    std::string name = "o" + std::to_string(overlap);
    auto files = generate_into(name, 0.04, 17, overlap);
    ASSERT_EQ(files.size(), kFiles);
    auto ingested = [&](const GeneratedFile& f) {
      IngestRequest req;
      req.source_path = f.path;
      for (const auto& [column, type] : f.pii) req.pii[column] = *pii_type_from_name(type);
      req.target_dir = (dir / name / "datasets").string();
      auto r = ingest(req);
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
      return r;
    };
    const GeneratedFile& customers = files.back();
    auto platform = ingested(files[0]);
    auto crm = ingested(customers);
    ASSERT_TRUE(platform.ok() && crm.ok());

    MatchRequest m;
    m.party_path = crm->file.path();
    for (const auto& [column, type] : customers.pii)
      m.party_identity[column] = *pii_type_from_name(type);
    m.platform_path = platform->file.path();
    m.target_dir = (dir / name / "matched").string();
    auto matched = match_identities(m);
    ASSERT_TRUE(matched.ok()) << matched.error().message;
    const MatchStats& s = matched->stats;
    EXPECT_EQ(s.rows, customers.rows);
    EXPECT_NEAR(s.match_rate(), overlap, 0.05) << "overlap " << overlap;
    EXPECT_GT(s.by_email, 0);
    EXPECT_GT(s.by_phone, 0);
    EXPECT_GT(s.by_name_postal, 0);
    EXPECT_GT(s.by_email, s.by_phone + s.by_name_postal);  // most share the email
  }
}

// Each file goes through `cleanroom upload`'s ingestion as it is, with the schema the generator
// declares (the platform's event tables) or the one the upload infers (identities, CRM): the
// columns and types of docs/platform-tables.md.
TEST_F(GeneratedWorldTest, EveryFileIngestsWithTheDocumentedColumns) {
  std::vector<std::string> campaign = {"advertiser_id BIGINT", "advertiser VARCHAR",
                                       "campaign_id BIGINT", "campaign_id_string VARCHAR",
                                       "campaign VARCHAR"};
  auto cat = [](std::vector<std::vector<std::string>> parts) {
    std::vector<std::string> out;
    for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  std::vector<std::string> attributed = cat({{"user_id BIGINT"},
                                             campaign,
                                             {"ad_product_type VARCHAR",
                                              "traffic_event_subtype VARCHAR",
                                              "traffic_event_id VARCHAR",
                                              "request_tag VARCHAR",
                                              "traffic_event_dt_utc TIMESTAMP",
                                              "traffic_event_dt TIMESTAMP",
                                              "conversion_event_dt_utc TIMESTAMP",
                                              "conversion_event_dt TIMESTAMP",
                                              "conversion_event_date DATE",
                                              "conversion_event_category VARCHAR",
                                              "conversion_event_subtype VARCHAR",
                                              "tracked_item VARCHAR",
                                              "tracked_asin VARCHAR",
                                              "customer_search_term VARCHAR",
                                              "targeting VARCHAR",
                                              "match_type VARCHAR",
                                              "impressions BIGINT",
                                              "clicks BIGINT",
                                              "conversions BIGINT",
                                              "detail_page_view BIGINT",
                                              "total_detail_page_view BIGINT",
                                              "add_to_cart BIGINT",
                                              "total_add_to_cart BIGINT",
                                              "purchases BIGINT",
                                              "total_purchases BIGINT",
                                              "units_sold BIGINT",
                                              "total_units_sold BIGINT",
                                              "product_sales DECIMAL(12,2)",
                                              "total_product_sales DECIMAL(12,2)",
                                              "new_to_brand BOOLEAN",
                                              "new_to_brand_purchases BIGINT",
                                              "new_to_brand_total_purchases BIGINT",
                                              "new_to_brand_units_sold BIGINT",
                                              "new_to_brand_product_sales DECIMAL(12,2)",
                                              "new_to_brand_total_product_sales DECIMAL(12,2)"}});
  std::vector<std::string> conversion = {"user_id BIGINT",
                                         "conversion_id VARCHAR",
                                         "advertiser_id BIGINT",
                                         "event_dt_utc TIMESTAMP",
                                         "event_date_utc DATE",
                                         "event_hour_utc INTEGER",
                                         "event_type VARCHAR",
                                         "event_category VARCHAR",
                                         "event_subtype VARCHAR",
                                         "event_type_class VARCHAR",
                                         "event_type_description VARCHAR",
                                         "marketplace_name VARCHAR",
                                         "tracked_item VARCHAR",
                                         "tracked_asin VARCHAR",
                                         "new_to_brand BOOLEAN",
                                         "conversions BIGINT",
                                         "total_units_sold BIGINT",
                                         "total_product_sales DECIMAL(12,2)",
                                         "purchase_unit_price DECIMAL(12,2)"};
  std::vector<std::string> impressions =
      cat({{"user_id BIGINT", "impression_dt_utc TIMESTAMP", "impression_dt TIMESTAMP"},
           campaign,
           {"creative_id BIGINT", "creative VARCHAR", "ad_product_type VARCHAR",
            "device_type VARCHAR", "iso_state_province_code VARCHAR", "impressions BIGINT",
            "total_cost BIGINT", "request_tag VARCHAR"}});
  std::vector<std::string> clicks =
      cat({{"user_id BIGINT", "click_dt_utc TIMESTAMP", "click_dt TIMESTAMP",
            "impression_dt_utc TIMESTAMP"},
           campaign,
           {"creative_id BIGINT", "creative VARCHAR", "device_type VARCHAR", "clicks BIGINT",
            "request_tag VARCHAR"}});
  std::map<std::string, std::vector<std::string>> expected = {
      {"identities",
       {"user_id BIGINT", "email VARCHAR", "phone VARCHAR", "first_name VARCHAR",
        "last_name VARCHAR", "postal_code VARCHAR"}},
      {"dsp_impressions", impressions},
      {"display_impressions", impressions},
      {"dsp_clicks", clicks},
      {"display_clicks", clicks},
      {"dsp_views", cat({{"user_id BIGINT", "event_dt_utc TIMESTAMP", "event_dt TIMESTAMP"},
                         campaign,
                         {"creative_id BIGINT", "creative VARCHAR", "event_type VARCHAR",
                          "events BIGINT", "measurable_impressions BIGINT",
                          "viewable_impressions BIGINT", "unmeasurable_viewable_impressions BIGINT",
                          "view_definition VARCHAR", "impression_id VARCHAR"}})},
      {"sponsored_ads_traffic",
       cat({{"user_id BIGINT", "event_id VARCHAR", "event_dt_utc TIMESTAMP", "event_dt TIMESTAMP",
             "event_date_utc DATE"},
            campaign,
            {"ad_product_type VARCHAR", "ad_group VARCHAR", "creative VARCHAR",
             "creative_asin VARCHAR", "placement_type VARCHAR", "targeting VARCHAR",
             "match_type VARCHAR", "customer_search_term VARCHAR", "impressions BIGINT",
             "clicks BIGINT", "spend BIGINT"}})},
      {"amazon_attributed_events_by_conversion_time", attributed},
      {"amazon_attributed_events_by_traffic_time", attributed},
      {"conversions", conversion},
      {"conversions_with_relevance",
       cat({conversion,
            {"advertiser VARCHAR", "campaign_id BIGINT", "campaign_id_string VARCHAR",
             "campaign VARCHAR", "engagement_scope VARCHAR", "halo_code VARCHAR",
             "event_dt TIMESTAMP"}})},
      {"conversions_all", cat({conversion, {"exposure_type VARCHAR"}})},
      {"customers",
       {"customer_id BIGINT", "email VARCHAR", "phone VARCHAR", "first_name VARCHAR",
        "last_name VARCHAR", "postal_code VARCHAR", "segment VARCHAR", "lifetime_value DOUBLE"}}};
  ASSERT_EQ(files_.size(), kFiles);
  for (const auto& f : files_) {
    IngestRequest req;
    req.source_path = f.path;
    req.columns = f.columns;
    for (const auto& [column, type] : f.pii) req.pii[column] = *pii_type_from_name(type);
    req.target_dir = (dir_ / "datasets").string();
    auto r = ingest(req);
    ASSERT_TRUE(r.ok()) << f.table << ": " << r.error().message;
    EXPECT_EQ(r->rows, f.rows);
    std::vector<std::string> columns;
    std::vector<catalog::DatasetColumn> dataset;
    for (const auto& c : r->columns) {
      columns.push_back(c.name + " " + c.type);
      dataset.push_back({c.name, c.type, c.pii});
    }
    EXPECT_EQ(columns, expected[f.table]) << f.table;
    if (f.database != "platform" || f.table == "identities") continue;

    // Published, every column the platform's rule lets a query output or group by has an AMC
    // class (so none is output for fewer than two people), and each table its event time.
    auto rule = core::platform_rule_policy(dataset)["v1"]["aggregation"];
    for (const auto& d : rule["dimensionColumns"])
      EXPECT_NE(core::amc_column_class(d.get<std::string>()), policy::ColumnClass::None)
          << f.table << "." << d.get<std::string>();
    std::vector<std::string> names;
    for (const auto& c : dataset) names.push_back(c.name);
    auto amc = core::amc_privacy_of(f.table, names);
    ASSERT_TRUE(amc.has_value()) << f.table;
    EXPECT_FALSE(amc->event_time_column.empty()) << f.table;
    EXPECT_TRUE(std::find(names.begin(), names.end(), amc->event_time_column) != names.end())
        << f.table;
  }
}

TEST_F(GeneratorTest, RejectsOptionsOutOfRange) {
  GeneratorOptions o;
  o.out_dir = (dir / "out").string();
  for (double scale : {0.0, -1.0, 1e6}) {
    o.scale = scale;
    auto r = generate(o);
    ASSERT_FALSE(r.ok()) << scale;
    EXPECT_EQ(r.error().kind, ErrorKind::Validation);
  }
  o.scale = 0.01;
  o.crm_overlap = 1.5;
  EXPECT_FALSE(generate(o).ok());
  o.crm_overlap = 0.5;
  o.out_dir.clear();
  EXPECT_FALSE(generate(o).ok());
  EXPECT_FALSE(fs::exists(dir / "out"));
}

}  // namespace
}  // namespace cleanroom::data
