// Every AMC instance reads only its own advertisers' platform events (core/instance_advertisers.h):
// the operator decides which platform advertiser ids an AMC account owns, an instance adds only
// those, and the engine's view of a platform table keeps only the rows of the linked ones.
#include "core/instance_advertisers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/instances_repo.h"
#include "common/crypto.h"
#include "core/platform.h"
#include "engine/protected_run.h"
#include "test_support.h"

namespace cleanroom {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kNorthwind = 5849100001;
constexpr int64_t kContoso = 5849100002;

// --- the engine's view -----------------------------------------------------------------------

struct RowFilterRun : ::testing::Test {
  std::string dir, parquet;
  int runs = 0;
  void SetUp() override {
    dir = (fs::temp_directory_path() / ("cleanroom-rows-" + crypto::uuid4())).string();
    fs::create_directories(dir);
    parquet = dir + "/events.parquet";
    auto e = engine::Engine::open({}).value();
    ASSERT_TRUE(e->connection()
                    .run("COPY (SELECT * FROM (VALUES (5849100001, 'north', 10), "
                         "(5849100002, 'contoso', 20), (5849100002, 'contoso', 30), "
                         "(5849100003, 'fabrikam', 40)) t(advertiser_id, campaign, cost)) TO '" +
                         parquet + "' (FORMAT parquet)")
                    .ok());
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string run(std::optional<engine::RowFilter> rows) {
    // A new result file each run: replacing one goes through a temporary file the sandbox refuses.
    std::string output = dir + "/result-" + std::to_string(++runs) + ".csv";
    engine::TableFile t{"events", {"campaign", "cost"}, parquet, std::move(rows)};
    engine::ProtectedRun r{
        "SELECT campaign, sum(cost) AS cost FROM events GROUP BY campaign "
        "ORDER BY campaign",
        "",
        {t},
        output,
        engine::ResultFormat::Csv,
        1,
        "512MB"};
    engine::RunControl control;
    auto out = engine::run_protected(r, control);
    EXPECT_TRUE(out.ok()) << out.error().message;
    std::ifstream in(output);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST_F(RowFilterRun, WithoutAFilterTheViewHasEveryRow) {
  EXPECT_EQ(run(std::nullopt), "campaign,cost\ncontoso,50\nfabrikam,40\nnorth,10\n");
}

TEST_F(RowFilterRun, TheViewKeepsOnlyTheListedAdvertisersEvenThroughAHiddenColumn) {
  // advertiser_id is not among the view's columns: the filter still applies, and the query
  // cannot name the column to undo it.
  EXPECT_EQ(run(engine::RowFilter{"advertiser_id", {kContoso}}), "campaign,cost\ncontoso,50\n");
  EXPECT_EQ(run(engine::RowFilter{"advertiser_id", {kNorthwind, 5849100003}}),
            "campaign,cost\nfabrikam,40\nnorth,10\n");
}

TEST_F(RowFilterRun, AnEmptyListKeepsNoRows) {
  EXPECT_EQ(run(engine::RowFilter{"advertiser_id", {}}), "campaign,cost\n");
}

// --- the ids -----------------------------------------------------------------------------------

TEST(PlatformAdvertiserIds, OnlyTheCanonicalDecimalSpellingIsAnId) {
  EXPECT_EQ(core::parse_platform_advertiser_id("5849100001"), kNorthwind);
  for (const std::string bad :
       {"", "0", "-5", "+5849100001", "05849100001", " 5849100001", "5849100001 ", "58491e3",
        "ENTITY1AA1AA11AAA1", "99999999999999999999"})
    EXPECT_FALSE(core::parse_platform_advertiser_id(bad).has_value()) << bad;
}

// --- ownership and instances -------------------------------------------------------------------

struct Advertiser {
  core::AmcCaller caller;
  std::string account_id;
  std::string amc_account;
};

Advertiser make_advertiser(core::Services& s, const std::string& account_id,
                           const std::string& name) {
  EXPECT_TRUE(s.accounts.create_account(account_id, name).ok());
  auto amc = s.accounts.create_amc_account(name, "ATVPDKIKX0DER").value();
  core::CreateUserRequest u;
  u.email = "admin-" + account_id + "@example.com";
  u.amc_account = amc.advertiser_id;
  u.aws_account = account_id;
  auto user = s.accounts.create_user(u).value();
  auto caller = s.accounts.resolve_amc_caller(user.bearer_token, user.client_id, "ATVPDKIKX0DER",
                                              amc.advertiser_id);
  return {caller.value(), account_id, amc.advertiser_id};
}

std::string new_instance(core::Services& s, const Advertiser& a) {
  core::CreateInstanceRequest r;
  r.instance_name = "instance_of_" + a.account_id;
  r.aws_account_id = a.account_id;
  r.acr_backed = true;
  auto v = s.instances.create(a.caller, r);
  EXPECT_TRUE(v.ok()) << v.error().message;
  return v->instance.instance_id;
}

core::AdvertiserChange adding(int64_t id) {
  return {{{std::to_string(id), "ATVPDKIKX0DER", "DISPLAY"}}, {}};
}

struct InstanceAdvertisers : ::testing::Test {
  testing::TestCore t;
  Advertiser a, b;
  void SetUp() override {
    ASSERT_TRUE(t.s().accounts.ensure_platform(true).ok());
    a = make_advertiser(t.s(), "682015411111", "Northwind");
    b = make_advertiser(t.s(), "682015422222", "Contoso");
  }
  std::string collaboration_of(const std::string& instance_id) {
    return t.db
        ->read<std::string>([&](catalog::Tx& tx) -> Result<std::string> {
          CR_ASSIGN(auto inst, catalog::instances_repo::find(tx, instance_id));
          return inst->collaboration_id;
        })
        .value();
  }
  std::vector<int64_t> readable(const std::string& instance_id) {
    auto c = collaboration_of(instance_id);
    return t.db
        ->read<std::vector<int64_t>>(
            [&](catalog::Tx& tx) { return core::readable_advertisers(tx, c); })
        .value();
  }
};

TEST_F(InstanceAdvertisers, AnAdvertiserHasOneOwningAccount) {
  auto& adv = t.s().platform_advertisers;
  ASSERT_TRUE(adv.link(a.amc_account, kNorthwind).ok());
  EXPECT_TRUE(adv.link(a.amc_account, kNorthwind).ok());  // again: nothing changes
  auto taken = adv.link(b.amc_account, kNorthwind);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(adv.of_account(a.amc_account).value(), std::vector<int64_t>{kNorthwind});
  EXPECT_TRUE(adv.of_account(b.amc_account).value().empty());
  // Another account cannot unlink it either.
  EXPECT_EQ(adv.unlink(b.amc_account, kNorthwind).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(adv.link("NOSUCHACCOUNT", kContoso).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(adv.link(a.amc_account, 0).error().kind, ErrorKind::Validation);
}

TEST_F(InstanceAdvertisers, AnInstanceAddsOnlyItsAccountsAdvertisers) {
  ASSERT_TRUE(t.s().platform_advertisers.link(a.amc_account, kNorthwind).ok());
  ASSERT_TRUE(t.s().platform_advertisers.link(b.amc_account, kContoso).ok());
  auto instance = new_instance(t.s(), b);
  EXPECT_TRUE(readable(instance).empty());  // a new instance reads no advertiser's rows

  // B names A's advertiser, and an id nobody owns: rejected with the same words, nothing added.
  for (int64_t id : {kNorthwind, int64_t{5849100009}}) {
    auto u = t.s().instances.update_advertisers(b.caller, instance, adding(id),
                                                nlohmann::json::object());
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(wire_name(u->status), "REJECTED");
    EXPECT_EQ(u->reason, "advertiser " + std::to_string(id) + " is not linked to AMC account " +
                             b.amc_account +
                             "; the operator links an account's advertisers (cleanroom admin "
                             "amc-account link-advertiser)");
  }
  EXPECT_TRUE(t.s().instances.advertisers(b.caller, instance).value().empty());
  EXPECT_TRUE(readable(instance).empty());

  auto u = t.s().instances.update_advertisers(b.caller, instance, adding(kContoso),
                                              nlohmann::json::object());
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(wire_name(u->status), "COMPLETED");
  EXPECT_EQ(readable(instance), std::vector<int64_t>{kContoso});
}

TEST_F(InstanceAdvertisers, UnlinkingTakesTheAdvertiserFromTheAccountsInstances) {
  ASSERT_TRUE(t.s().platform_advertisers.link(a.amc_account, kNorthwind).ok());
  auto instance = new_instance(t.s(), a);
  ASSERT_EQ(
      wire_name(
          t.s().instances.update_advertisers(a.caller, instance, adding(kNorthwind), {})->status),
      "COMPLETED");
  EXPECT_EQ(readable(instance), std::vector<int64_t>{kNorthwind});

  ASSERT_TRUE(t.s().platform_advertisers.unlink(a.amc_account, kNorthwind).ok());
  EXPECT_TRUE(readable(instance).empty());
  EXPECT_TRUE(t.s().instances.advertisers(a.caller, instance).value().empty());
  // Given to B now, it is still not A's instance's to read.
  ASSERT_TRUE(t.s().platform_advertisers.link(b.amc_account, kNorthwind).ok());
  EXPECT_TRUE(readable(instance).empty());
}

TEST_F(InstanceAdvertisers, ACollaborationOfNoInstanceReadsNoAdvertiser) {
  auto none = t.db->read<std::vector<int64_t>>(
      [&](catalog::Tx& tx) { return core::readable_advertisers(tx, "not-a-collaboration"); });
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// --- the platform tables in a query's plan ----------------------------------------------------

struct PlatformRows : InstanceAdvertisers {
  std::string upload(const std::string& table, const std::string& csv) {
    std::string path = t.dir + "/" + table + ".csv";
    std::ofstream(path) << csv;
    auto provider = core::platform_account(*t.db, "ADVERTISING_DATA_PROVIDER").value();
    core::UploadRequest req;
    req.database_name = "platform";
    req.table_name = table;
    req.source_path = path;
    auto r = t.s().datasets.upload(provider.account_id, req);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return table;
  }
  // The files as a query of the instance reads them: each with the platform dataset it names.
  Result<std::vector<engine::TableFile>> limited(const std::string& instance_id,
                                                 std::vector<engine::TableFile> files) {
    auto c = collaboration_of(instance_id);
    auto provider = core::platform_account(*t.db, "ADVERTISING_DATA_PROVIDER").value();
    return t.db->read<std::vector<engine::TableFile>>(
        [&](catalog::Tx& tx) -> Result<std::vector<engine::TableFile>> {
          std::vector<core::TableRead> reads;
          for (auto& f : files) {
            CR_ASSIGN(auto ds,
                      catalog::datasets_repo::find(tx, provider.account_id, "platform", f.name));
            if (!ds) return Error::internal("no platform dataset " + f.name);
            reads.push_back({*ds, f});
          }
          CR_TRY(core::limit_platform_rows(tx, c, reads));
          std::vector<engine::TableFile> out;
          for (auto& r : reads) out.push_back(std::move(r.file));
          return out;
        });
  }
};

TEST_F(PlatformRows, APlatformTableIsFilteredToTheInstancesAdvertisers) {
  upload("dsp_impressions",
         "user_id,advertiser_id,campaign,impressions\n1,5849100001,n,1\n"
         "2,5849100002,c,1\n");
  ASSERT_TRUE(t.s().platform_advertisers.link(b.amc_account, kContoso).ok());
  auto instance = new_instance(t.s(), b);
  engine::TableFile f{"dsp_impressions", {"campaign"}, "unused.parquet", std::nullopt};

  auto before = limited(instance, {f});
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_TRUE(before->at(0).rows.has_value());
  EXPECT_EQ(before->at(0).rows->column, "advertiser_id");
  EXPECT_TRUE(before->at(0).rows->values.empty());

  ASSERT_EQ(
      wire_name(
          t.s().instances.update_advertisers(b.caller, instance, adding(kContoso), {})->status),
      "COMPLETED");
  auto after = limited(instance, {f});
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->at(0).rows->values, std::vector<int64_t>{kContoso});
}

TEST_F(PlatformRows, APlatformTableWithoutAnAdvertiserColumnIsRefused) {
  upload("campaign_reach", "user_id,campaign,impressions\n1,n,1\n");
  auto instance = new_instance(t.s(), b);
  auto r = limited(instance, {{"campaign_reach", {"campaign"}, "unused.parquet", std::nullopt}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Validation);
  EXPECT_NE(r.error().message.find("platform table campaign_reach has no integer advertiser_id"),
            std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace cleanroom
