// Identity matching (docs/identity.md, "Matching"): the waterfall order, ties between platform
// users, unmatched rows, the statistics, and no identifier surviving into the output; then the
// core service that reads the platform's identity table and commits the result as a dataset.
#include "data/identity_matching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "core/identity_resolution.h"
#include "core/platform.h"
#include "test_support.h"

namespace cleanroom::data {
namespace {
namespace fs = std::filesystem;

std::string sha(const std::string& s) { return crypto::sha256_hex(s); }

class IdentityMatchingTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("cleanroom-matching-" + crypto::uuid4());

  void SetUp() override { fs::create_directories(dir / "out"); }
  void TearDown() override { fs::remove_all(dir); }

  // Writes `select` (SQL over VALUES, with sha256() for hashes) as a Parquet file.
  std::string parquet(const std::string& name, const std::string& select) {
    std::string path = (dir / name).string();
    auto e = std::move(engine::Engine::open({})).value();
    auto r = e->connection().run("COPY (" + select + ") TO " + engine::sql_literal(path) +
                                 " (FORMAT parquet)");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return path;
  }

  // The platform's identity table: u4 and u5 share an email; u2 has only a phone; u3 only a
  // name and postal code.
  std::string platform() {
    return parquet("platform.parquet", R"(
      SELECT user_id, sha256(email) AS email, sha256(phone) AS phone,
             sha256(first_name) AS first_name, sha256(last_name) AS last_name,
             sha256(postal_code) AS postal_code
      FROM (VALUES ('u1', 'a@x.com', '111', 'ann', 'lee', '98101'),
                   ('u2', NULL, '222', NULL, NULL, NULL),
                   ('u3', NULL, NULL, 'bob', 'ray', '10001'),
                   ('u5', 'shared@x.com', NULL, NULL, NULL, NULL),
                   ('u4', 'shared@x.com', NULL, NULL, NULL, NULL),
                   ('u6', 'b@x.com', NULL, NULL, NULL, NULL))
        AS t(user_id, email, phone, first_name, last_name, postal_code))");
  }

  // The party's table, identity columns hashed as an upload stores them.
  std::string party() {
    return parquet("party.parquet", R"(
      SELECT id, sha256(mail) AS mail, sha256(tel) AS tel, sha256(fn) AS fn, sha256(ln) AS ln,
             sha256(zip) AS zip, spend
      FROM (VALUES (1, 'a@x.com', NULL, NULL, NULL, NULL, 1.5),
                   (2, 'nomatch@x.com', '222', NULL, NULL, NULL, 2.5),
                   (3, NULL, NULL, 'bob', 'ray', '10001', 3.5),
                   (4, 'shared@x.com', NULL, NULL, NULL, NULL, 4.5),
                   (5, 'b@x.com', '222', 'bob', 'ray', '10001', 5.5),
                   (6, NULL, NULL, 'bob', 'ray', '99999', 6.5),
                   (7, NULL, NULL, NULL, NULL, NULL, 7.5))
        AS t(id, mail, tel, fn, ln, zip, spend))");
  }

  MatchRequest request() {
    MatchRequest r;
    r.party_path = party();
    r.party_identity = {{"mail", PiiType::Email},
                        {"tel", PiiType::Phone},
                        {"fn", PiiType::FirstName},
                        {"ln", PiiType::LastName},
                        {"zip", PiiType::PostalCode}};
    r.platform_path = platform();
    r.target_dir = (dir / "out").string();
    return r;
  }

  // The output's rows as text, in file order.
  std::vector<std::vector<std::string>> rows(const std::string& path) {
    auto e = std::move(engine::Engine::open({})).value();
    auto r = e->connection().query("SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" +
                                   engine::sql_literal(path) + ")");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::vector<std::vector<std::string>> out;
    if (!r.ok()) return out;
    auto all = r->rows();
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return out;
    for (const auto& row : *all) {
      std::vector<std::string> cells;
      for (const auto& v : row)
        cells.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "NULL");
      out.push_back(cells);
    }
    return out;
  }
};

TEST_F(IdentityMatchingTest, MatchesByTheFirstRuleThatFindsAUser) {
  auto r = match_identities(request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> names;
  for (const auto& c : r->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "spend", "user_id", "match_rule"}));

  std::vector<std::vector<std::string>> expected = {
      {"1", "1.5", "u1", "EMAIL"},
      {"2", "2.5", "u2", "PHONE"},  // its email matches nobody: the phone decides
      {"3", "3.5", "u3", "NAME_POSTAL"},
      {"4", "4.5", "u4", "EMAIL"},   // u4 and u5 share the email: the smallest user_id
      {"5", "5.5", "u6", "EMAIL"},   // phone and name would match others; email comes first
      {"6", "6.5", "NULL", "NONE"},  // name matches, postal code does not: no partial matches
      {"7", "7.5", "NULL", "NONE"},
  };
  EXPECT_EQ(rows(r->file.path()), expected);
}

// Between two members' tables (an ID mapping table, docs/id-mapping-tables.md): the target's own
// column names, only the rules both sides have columns for (the target has no phone), and the
// mapping alone as output: distinct (source_id, target_id) pairs of the rows that matched, with
// no statistics.
TEST_F(IdentityMatchingTest, MapsOneMembersIdsToAnothersWithoutCountingThem) {
  MatchRequest r = request();
  r.platform_path = parquet("target.parquet", R"(
      SELECT bid, sha256(em) AS em, sha256(f) AS f, sha256(l) AS l, sha256(z) AS z
      FROM (VALUES ('b1', 'a@x.com', NULL, NULL, NULL),
                   ('b2', NULL, 'bob', 'ray', '10001'),
                   ('b3', 'shared@x.com', NULL, NULL, NULL),
                   ('b0', 'shared@x.com', NULL, NULL, NULL))
        AS t(bid, em, f, l, z))");
  r.mapping = MatchRequest::MappingTarget{"id",
                                          "bid",
                                          {{"em", PiiType::Email},
                                           {"f", PiiType::FirstName},
                                           {"l", PiiType::LastName},
                                           {"z", PiiType::PostalCode}}};
  auto m = match_identities(r);
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::vector<std::string> names;
  for (const auto& c : m->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"source_id", "target_id"}));
  auto got = rows(m->file.path());
  std::sort(got.begin(), got.end());
  std::vector<std::vector<std::string>> expected = {
      {"1", "b1"},  // email
      {"3", "b2"},  // name and postal code
      {"4", "b0"},  // a shared email: the smallest target id
      {"5", "b2"},  // its email matches nobody here, its phone is not compared: name and postal
  };
  EXPECT_EQ(got, expected);
  EXPECT_EQ(m->stats.rows, 0);  // nothing is counted
  EXPECT_EQ(m->stats.matched(), 0);
}

TEST_F(IdentityMatchingTest, CountsRowsPerRule) {
  auto r = match_identities(request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rows, 7);
  EXPECT_EQ(r->stats.by_email, 3);
  EXPECT_EQ(r->stats.by_phone, 1);
  EXPECT_EQ(r->stats.by_name_postal, 1);
  EXPECT_EQ(r->stats.unmatched, 2);
  EXPECT_EQ(r->stats.matched(), 5);
  EXPECT_DOUBLE_EQ(r->stats.match_rate(), 5.0 / 7.0);
  EXPECT_GT(r->bytes, 0);
}

TEST_F(IdentityMatchingTest, NoIdentifierReachesTheOutput) {
  auto r = match_identities(request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::ifstream in(r->file.path(), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  for (const char* raw : {"a@x.com", "shared@x.com", "nomatch@x.com", "10001"}) {
    EXPECT_EQ(bytes.str().find(sha(raw)), std::string::npos) << raw;
    EXPECT_EQ(bytes.str().find(raw), std::string::npos) << raw;
  }
  // The staged file is removed when dropped unpublished.
  std::string path = r->file.path();
  r = Error::internal("dropped");
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(IdentityMatchingTest, UsesOnlyTheRulesThePartyHasColumnsFor) {
  MatchRequest req = request();
  req.party_identity = {{"tel", PiiType::Phone}, {"fn", PiiType::FirstName}};
  auto r = match_identities(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.by_email, 0);
  EXPECT_EQ(r->stats.by_phone, 2);  // rows 2 and 5
  EXPECT_EQ(r->stats.by_name_postal, 0);
  // Columns not declared as identity columns are ordinary columns and are kept.
  EXPECT_EQ(r->columns.size(), 7u);  // id, mail, ln, zip, spend, user_id, match_rule
}

TEST_F(IdentityMatchingTest, RejectsWhatCannotBeMatched) {
  MatchRequest req = request();
  req.party_identity = {{"fn", PiiType::FirstName}, {"zip", PiiType::PostalCode}};
  auto r = match_identities(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nothing to match on"), std::string::npos);

  req = request();
  req.party_identity["tel"] = PiiType::Email;  // two email columns
  r = match_identities(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("one column per type"), std::string::npos);

  req = request();
  req.platform_path = parquet("bad_platform.parquet", "SELECT 'u1' AS user_id, 'h' AS email");
  r = match_identities(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("has no column phone"), std::string::npos);

  req = request();
  req.party_path = parquet("has_user_id.parquet", "SELECT 1 AS user_id, sha256('a@x.com') AS mail");
  req.party_identity = {{"mail", PiiType::Email}};
  r = match_identities(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("already has a column user_id"), std::string::npos);
}

// --- the core service ------------------------------------------------------------------------

constexpr const char* kParty = "111122223333";

class IdentityResolutionTest : public ::testing::Test {
 protected:
  testing::TestCore core;
  std::string provider;

  void SetUp() override {
    ASSERT_TRUE(core.s().accounts.ensure_platform(false).ok());
    ASSERT_TRUE(core.s().accounts.create_account(kParty, "Party").ok());
    provider = core::platform_account(*core.db, "ADVERTISING_DATA_PROVIDER")->account_id;
  }

  Result<catalog::DatasetRecord> upload(const std::string& account, const std::string& table,
                                        const std::string& csv,
                                        const std::map<std::string, PiiType>& pii) {
    std::string path = core.dir + "/" + crypto::uuid4() + ".csv";
    std::ofstream(path) << csv;
    core::UploadRequest r;
    r.database_name = table.substr(0, table.find('.'));
    r.table_name = table.substr(table.find('.') + 1);
    r.source_path = path;
    r.pii = pii;
    return core.s().datasets.upload(account, r);
  }

  void upload_platform(const std::string& table = "platform.identities") {
    auto d = upload(provider, table,
                    "user_id,email,phone,first_name,last_name,postal_code\n"
                    "u1,Ann@Example.com,+1 206 555 0100,Ann,Lee,98101\n"
                    "u2,,+44 20 7946 0958,,,\n",
                    {{"email", PiiType::Email},
                     {"phone", PiiType::Phone},
                     {"first_name", PiiType::FirstName},
                     {"last_name", PiiType::LastName},
                     {"postal_code", PiiType::PostalCode}});
    ASSERT_TRUE(d.ok()) << d.error().message;
  }

  void upload_party() {
    auto d = upload(kParty, "crm.customers",
                    "id,email,phone,spend\n"
                    "1,ann@example.com,,10\n"
                    "2,,+44 (0)20 7946 0958,20\n"
                    "3,carl@example.com,,30\n",
                    {{"email", PiiType::Email}, {"phone", PiiType::Phone}});
    ASSERT_TRUE(d.ok()) << d.error().message;
  }
};

TEST_F(IdentityResolutionTest, WritesTheResolvedTableAsANewDatasetOfTheCaller) {
  upload_platform();
  upload_party();
  core::ResolveRequest req;
  req.database_name = "crm";
  req.table_name = "customers";
  auto r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->output.account_id, kParty);
  EXPECT_EQ(r->output.table_name, "customers_resolved");
  EXPECT_EQ(r->output.version, 1);
  EXPECT_EQ(r->output.row_count, 3);
  std::vector<std::string> names;
  for (const auto& c : r->output.columns) {
    names.push_back(c.name);
    // No hashed identifier is left; the resolved id is marked, so the checker keeps it VERY_HIGH.
    EXPECT_EQ(c.pii, c.name == "user_id" ? data::kResolvedIdentity : "") << c.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"id", "spend", "user_id", "match_rule"}));
  EXPECT_EQ(r->stats.by_email, 1);
  EXPECT_EQ(r->stats.by_phone, 1);  // normalised alike on both sides
  EXPECT_EQ(r->stats.unmatched, 1);

  auto json = core::resolution_json(*r);
  EXPECT_EQ(json["platformTable"], "platform.identities");
  EXPECT_EQ(json["matched"], 2);
  EXPECT_EQ(json["matchedByRule"]["PHONE"], 1);
  EXPECT_EQ(json["dataset"]["tableName"], "customers_resolved");
  auto listed = core.s().datasets.get(kParty, "crm", "customers_resolved");
  ASSERT_TRUE(listed.ok());

  // Again: the next version of the same output table.
  req.into_database = "crm";
  req.into_table = "customers_resolved";
  r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->output.version, 2);
}

TEST_F(IdentityResolutionTest, TheIdentityTableIsAlwaysThePlatforms) {
  upload_party();
  // A party's own table of the default name is not the platform's.
  upload_platform();  // under the provider, so this one exists...
  core::ResolveRequest req;
  req.database_name = "crm";
  req.table_name = "customers";
  req.platform_database = "crm";  // ...but the party's crm.customers is not an identity table
  req.platform_table = "customers";
  auto r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);

  req = {};
  req.database_name = "crm";
  req.table_name = "customers";
  req.into_database = "crm";
  req.into_table = "customers";
  r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);

  req = {};
  req.database_name = "crm";
  req.table_name = "nothing";
  r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
}

TEST_F(IdentityResolutionTest, ThePlatformTableMustHoldHashes) {
  upload_party();
  auto d = upload(provider, "platform.identities",
                  "user_id,email,phone,first_name,last_name,postal_code\nu1,a@x.com,1,a,b,98101\n",
                  {{"phone", PiiType::Phone}});
  ASSERT_TRUE(d.ok()) << d.error().message;
  core::ResolveRequest req;
  req.database_name = "crm";
  req.table_name = "customers";
  auto r = core.s().identity_resolution.resolve(kParty, req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("uploaded as identity type email"), std::string::npos);
}

}  // namespace
}  // namespace cleanroom::data
