// The synthetic data generator (docs/generator.md): determinism, sizes, the causal order of
// clicks and conversions, the campaign shapes thresholds depend on, and a CRM that matches the
// platform's identities at the requested overlap through the real ingestion and matching path.
#include "data/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "data/identity_matching.h"
#include "data/ingest.h"
#include "engine/engine.h"

namespace cleanroom::data {
namespace {
namespace fs = std::filesystem;
using engine::sql_literal;

class GeneratorTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("cleanroom-generator-" + crypto::uuid4());

  void TearDown() override { fs::remove_all(dir); }

  std::vector<GeneratedFile> generate_into(const std::string& name, double scale, uint64_t seed,
                                           double overlap = 0.6) {
    GeneratorOptions o;
    o.scale = scale;
    o.seed = seed;
    o.out_dir = (dir / name).string();
    o.crm_overlap = overlap;
    auto files = generate(o);
    EXPECT_TRUE(files.ok()) << (files.ok() ? "" : files.error().message);
    return files.ok() ? *files : std::vector<GeneratedFile>{};
  }

  // The generated file of database.table, by name.
  static std::string path_of(const std::vector<GeneratedFile>& files, const std::string& name) {
    for (const auto& f : files)
      if (f.database + "." + f.table == name) return f.path;
    ADD_FAILURE() << "no table " << name;
    return "";
  }

  // An engine with a view per generated table, named like the table without its database.
  std::unique_ptr<engine::Engine> views(const std::vector<GeneratedFile>& files) {
    auto e = std::move(engine::Engine::open({})).value();
    for (const auto& f : files) {
      // Identity columns as text, as an upload reads them (postal codes keep leading zeros).
      auto s = e->connection().run("CREATE VIEW " + f.table + " AS SELECT * FROM read_csv(" +
                                   sql_literal(f.path) +
                                   (f.pii.empty() ? "" : ", all_varchar = true") + ")");
      EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    }
    return e;
  }

  // The single number a query answers.
  static double number(engine::Engine& e, const std::string& sql) {
    auto r = e.connection().query("SELECT (" + sql + ")::DOUBLE");
    EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return -1;
    auto rows = r->rows();
    EXPECT_TRUE(rows.ok());
    if (!rows.ok() || rows->empty() || !std::holds_alternative<double>(rows->at(0).at(0)))
      return -1;
    return std::get<double>(rows->at(0).at(0));
  }

  // Rows of a table with a NULL in some column.
  static double rows_with_nulls(engine::Engine& e, const std::string& table) {
    int columns = static_cast<int>(number(e, "SELECT count(*) FROM (DESCRIBE " + table + ")"));
    return number(e, "SELECT count(*) FROM (SELECT COLUMNS(*)::VARCHAR FROM " + table +
                         ") WHERE list_count([*COLUMNS(*)]) < " + std::to_string(columns));
  }

  static std::string digest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return crypto::sha256_hex(s.str());
  }
};

TEST_F(GeneratorTest, TheSameSeedGivesByteIdenticalFiles) {
  auto a = generate_into("a", 0.02, 42), b = generate_into("b", 0.02, 42),
       c = generate_into("c", 0.02, 43);
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 5u);
  ASSERT_EQ(c.size(), 5u);
  for (size_t i = 0; i < a.size(); i++) {
    EXPECT_EQ(digest(a[i].path), digest(b[i].path)) << a[i].table;
    EXPECT_NE(digest(a[i].path), digest(c[i].path)) << a[i].table;
  }
}

TEST_F(GeneratorTest, ReplacesFilesAndLeavesNothingElse) {
  auto first = generate_into("out", 0.01, 1);
  auto again = generate_into("out", 0.01, 2);
  ASSERT_EQ(again.size(), 5u);
  size_t entries = std::distance(fs::directory_iterator(dir / "out"), fs::directory_iterator());
  EXPECT_EQ(entries, 5u);  // no partial files left behind
  EXPECT_EQ(digest(again[1].path), digest(generate_into("other", 0.01, 2)[1].path));
}

TEST_F(GeneratorTest, ListsTheTablesInOrderWithTheirIdentityColumns) {
  std::vector<std::string> progressed;
  GeneratorOptions o;
  o.scale = 0.01;
  o.out_dir = (dir / "out").string();
  auto files = generate(o, [&](const GeneratedFile& f) { progressed.push_back(f.table); });
  ASSERT_TRUE(files.ok()) << files.error().message;
  std::vector<std::string> names;
  for (const auto& f : *files) {
    names.push_back(f.database + "." + f.table);
    EXPECT_EQ(f.path, o.out_dir + "/" + f.database + "." + f.table + ".csv");
    EXPECT_TRUE(fs::exists(f.path));
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "platform.identities", "platform.dsp_impressions", "platform.dsp_clicks",
                       "platform.amazon_attributed_events_by_conversion_time", "crm.customers"}));
  EXPECT_EQ(progressed,
            (std::vector<std::string>{"identities", "dsp_impressions", "dsp_clicks",
                                      "amazon_attributed_events_by_conversion_time", "customers"}));
  std::map<std::string, std::string> person = {{"email", "email"},
                                               {"phone", "phone"},
                                               {"first_name", "first_name"},
                                               {"last_name", "last_name"},
                                               {"postal_code", "postal_code"}};
  EXPECT_EQ((*files)[0].pii, person);
  EXPECT_EQ((*files)[4].pii, person);
  for (int i = 1; i <= 3; i++) EXPECT_TRUE((*files)[i].pii.empty());
}

TEST_F(GeneratorTest, RowCountsFollowTheScale) {
  for (double scale : {0.01, 0.03}) {
    auto files = generate_into("s" + std::to_string(scale), scale, 5);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0].rows, std::llround(200'000 * scale));    // platform users
    EXPECT_EQ(files[1].rows, std::llround(1'000'000 * scale));  // impressions
    EXPECT_EQ(files[4].rows, std::llround(50'000 * scale));     // CRM customers
    auto e = views(files);
    for (const auto& f : files)
      EXPECT_EQ(number(*e, "SELECT count(*) FROM " + f.table), f.rows) << f.table;
    // Clicks about 0.5-1% of impressions, conversion events about 0.3%.
    EXPECT_GT(files[2].rows, 0.005 * files[1].rows);
    EXPECT_LT(files[2].rows, 0.01 * files[1].rows);
    EXPECT_GT(files[3].rows, 0.0015 * files[1].rows);
    EXPECT_LT(files[3].rows, 0.005 * files[1].rows);
  }
  // Tiny scales keep the minimum sizes.
  auto tiny = generate_into("tiny", 0.0001, 5);
  ASSERT_EQ(tiny.size(), 5u);
  EXPECT_EQ(tiny[0].rows, 100);
  EXPECT_EQ(tiny[1].rows, 100);
  EXPECT_EQ(tiny[4].rows, 50);
}

TEST_F(GeneratorTest, EveryClickAndConversionFollowsAnImpressionOfItsUserAndCampaign) {
  auto e = views(generate_into("out", 0.05, 9));
  EXPECT_EQ(number(*e, R"(SELECT count(*) FROM dsp_clicks c WHERE NOT EXISTS (
      SELECT 1 FROM dsp_impressions i WHERE i.user_id = c.user_id AND i.campaign_id = c.campaign_id
        AND i.creative_id = c.creative_id AND i.impression_dt_utc = c.impression_dt_utc))"),
            0);
  EXPECT_EQ(number(*e, "SELECT count(*) FROM dsp_clicks WHERE click_dt_utc < impression_dt_utc"),
            0);
  EXPECT_EQ(number(*e, R"(SELECT count(*) FROM amazon_attributed_events_by_conversion_time a
      WHERE NOT EXISTS (SELECT 1 FROM dsp_impressions i WHERE i.user_id = a.user_id
        AND i.campaign_id = a.campaign_id AND i.impression_dt_utc <= a.traffic_event_dt_utc))"),
            0);
  EXPECT_EQ(number(*e, R"(SELECT count(*) FROM amazon_attributed_events_by_conversion_time
      WHERE conversion_event_dt_utc <= traffic_event_dt_utc)"),
            0);
  // Orders carry the sales; a visit's later steps never come before its first.
  EXPECT_GT(number(*e, R"(SELECT count(*) FROM amazon_attributed_events_by_conversion_time
      WHERE conversion_event_subtype = 'order' AND total_product_sales > 0)"),
            0);
  EXPECT_EQ(number(*e, R"(SELECT count(*) FROM amazon_attributed_events_by_conversion_time
      WHERE conversion_event_subtype <> 'order' AND (total_purchases > 0 OR product_sales > 0))"),
            0);
  for (const char* table :
       {"dsp_impressions", "dsp_clicks", "amazon_attributed_events_by_conversion_time"})
    EXPECT_EQ(rows_with_nulls(*e, table), 0) << table;
  // Every timestamp lies in October 2026 (UTC).
  for (const char* check :
       {"SELECT count(*) FROM dsp_impressions WHERE impression_dt_utc NOT BETWEEN "
        "'2026-10-01 00:00:00' AND '2026-10-31 23:59:59'",
        "SELECT count(*) FROM dsp_clicks WHERE click_dt_utc > '2026-10-31 23:59:59'",
        "SELECT count(*) FROM amazon_attributed_events_by_conversion_time WHERE "
        "conversion_event_dt_utc > '2026-10-31 23:59:59'"})
    EXPECT_EQ(number(*e, check), 0) << check;
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
        "(SELECT user_id, count(*) AS n FROM dsp_impressions GROUP BY user_id)";
    EXPECT_GT(number(*e, "SELECT max(n) FROM " + per_user),
              10 * number(*e, "SELECT median(n) FROM " + per_user));
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
    ASSERT_EQ(files.size(), 5u);
    auto ingested = [&](const GeneratedFile& f) {
      IngestRequest req;
      req.source_path = f.path;
      for (const auto& [column, type] : f.pii) req.pii[column] = *pii_type_from_name(type);
      req.target_dir = (dir / name / "datasets").string();
      auto r = ingest(req);
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
      return r;
    };
    auto platform = ingested(files[0]);
    auto crm = ingested(files[4]);
    ASSERT_TRUE(platform.ok() && crm.ok());

    MatchRequest m;
    m.party_path = crm->file.path();
    for (const auto& [column, type] : files[4].pii)
      m.party_identity[column] = *pii_type_from_name(type);
    m.platform_path = platform->file.path();
    m.target_dir = (dir / name / "matched").string();
    auto matched = match_identities(m);
    ASSERT_TRUE(matched.ok()) << matched.error().message;
    const MatchStats& s = matched->stats;
    EXPECT_EQ(s.rows, files[4].rows);
    EXPECT_NEAR(s.match_rate(), overlap, 0.05) << "overlap " << overlap;
    EXPECT_GT(s.by_email, 0);
    EXPECT_GT(s.by_phone, 0);
    EXPECT_GT(s.by_name_postal, 0);
    EXPECT_GT(s.by_email, s.by_phone + s.by_name_postal);  // most share the email
  }
}

// Each file goes through `cleanroom upload`'s ingestion as it is, with the columns and types the
// platform's tables are documented with (reference/amc-api-facts.md names).
TEST_F(GeneratorTest, EveryFileIngestsWithTheDocumentedColumns) {
  auto files = generate_into("out", 0.01, 23);
  ASSERT_EQ(files.size(), 5u);
  std::map<std::string, std::vector<std::string>> expected = {
      {"identities",
       {"user_id BIGINT", "email VARCHAR", "phone VARCHAR", "first_name VARCHAR",
        "last_name VARCHAR", "postal_code VARCHAR"}},
      {"dsp_impressions",
       {"user_id BIGINT", "impression_dt_utc TIMESTAMP", "advertiser_id BIGINT",
        "advertiser VARCHAR", "campaign_id BIGINT", "campaign VARCHAR", "creative_id BIGINT",
        "creative VARCHAR", "ad_product_type VARCHAR", "device_type VARCHAR",
        "iso_state_province_code VARCHAR", "impressions BIGINT", "total_cost BIGINT"}},
      {"dsp_clicks",
       {"user_id BIGINT", "click_dt_utc TIMESTAMP", "impression_dt_utc TIMESTAMP",
        "advertiser_id BIGINT", "advertiser VARCHAR", "campaign_id BIGINT", "campaign VARCHAR", "creative_id BIGINT", "creative VARCHAR",
        "device_type VARCHAR", "clicks BIGINT"}},
      {"amazon_attributed_events_by_conversion_time",
       {"user_id BIGINT", "advertiser_id BIGINT", "advertiser VARCHAR", "campaign_id BIGINT",
        "campaign VARCHAR", "ad_product_type VARCHAR",
        "traffic_event_dt_utc TIMESTAMP", "conversion_event_dt_utc TIMESTAMP",
        "conversion_event_subtype VARCHAR", "tracked_item VARCHAR", "purchases BIGINT",
        "total_purchases BIGINT", "product_sales DOUBLE", "total_product_sales DOUBLE"}},
      {"customers",
       {"customer_id BIGINT", "email VARCHAR", "phone VARCHAR", "first_name VARCHAR",
        "last_name VARCHAR", "postal_code VARCHAR", "segment VARCHAR", "lifetime_value DOUBLE"}}};
  for (const auto& f : files) {
    IngestRequest req;
    req.source_path = f.path;
    for (const auto& [column, type] : f.pii) req.pii[column] = *pii_type_from_name(type);
    req.target_dir = (dir / "datasets").string();
    auto r = ingest(req);
    ASSERT_TRUE(r.ok()) << f.table << ": " << r.error().message;
    EXPECT_EQ(r->rows, f.rows);
    std::vector<std::string> columns;
    for (const auto& c : r->columns) columns.push_back(c.name + " " + c.type);
    EXPECT_EQ(columns, expected[f.table]) << f.table;
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
