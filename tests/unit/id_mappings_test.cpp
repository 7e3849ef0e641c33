// ID namespace associations and ID mapping tables through the core (no HTTP): what the ARNs may
// name, the same words for another account's table whether or not it exists, who may map whom,
// and which mappings a query may read. docs/id-mapping-tables.md; the API tests populate and
// query (tests/api/test_id_mapping_tables.py).
#include <gtest/gtest.h>

#include "catalog/datasets_repo.h"
#include "catalog/id_mappings_repo.h"
#include "test_support.h"

namespace cleanroom {
namespace {

using testing::expect_error;

const std::string kA = "111111111111";  // creates the collaboration; SOURCE
const std::string kB = "222222222222";  // TARGET
const std::string kC = "333333333333";  // a member with no namespace
const std::string kMissing = "00000000-0000-4000-8000-000000000000";

struct IdMappings : ::testing::Test {
  testing::TestCore t;
  core::IdMappingService& ids = t.s().id_mappings;
  std::string collaboration_id;
  std::map<std::string, std::string> membership, table;

  void SetUp() override {
    seed(kA, "crm", "ids", {{"cid", ""}, {"email", "email"}});
    seed(kA, "crm", "loose", {{"cid", ""}, {"note", ""}, {"email", "email"}});
    seed(kA, "crm", "bare", {{"cid", ""}});
    seed(kB, "b", "ids", {{"bid", ""}, {"phone", "phone"}});
    core::CreateCollaborationRequest c;
    c.name = "idmap";
    c.creator_display_name = "A";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kB, "B", {}, std::nullopt}, {kC, "C", {}, std::nullopt}};
    collaboration_id = t.s().collaborations.create(kA, c).value().collaboration.id;
    for (const auto& a : {kA, kB, kC})
      membership[a] =
          t.s()
              .memberships.create(a, testing::join_request(collaboration_id, "DISABLED"))
              .value()
              .membership.id;
    table[kA] = configured(kA, "crm", "ids", {"cid", "email"});
    table[kB] = configured(kB, "b", "ids", {"bid", "phone"});
  }

  void seed(const std::string& account, const std::string& db, const std::string& name,
            const std::vector<std::pair<std::string, std::string>>& columns) {
    catalog::DatasetRecord d{account, db, name, 1, "datasets/placeholder.parquet"};
    for (const auto& [column, pii] : columns) d.columns.push_back({column, "VARCHAR", pii});
    ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::datasets_repo::upsert(tx, d));
                      return true;
                    })
                    .ok());
  }

  std::string configured(const std::string& account, const std::string& db, const std::string& name,
                         std::vector<std::string> columns) {
    auto v = t.s().configured_tables.create(
        account, {name, std::nullopt, {db, name}, std::move(columns), "DIRECT_QUERY", {}});
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v->table.id;
  }

  static std::string namespace_arn(const std::string& account, const std::string& kind,
                                   const std::string& table_id) {
    return "arn:aws:entityresolution:us-east-1:" + account + ":idnamespace/" + kind + "-" +
           table_id;
  }

  Result<core::IdNamespaceAssociationView> associate(const std::string& account,
                                                     const std::string& arn) {
    core::CreateIdNamespaceAssociationRequest r;
    r.membership_id = membership[account];
    r.name = "n";
    r.input_reference_arn = arn;
    return ids.create_namespace_association(account, r);
  }

  Result<core::IdMappingTableView> map(const std::string& account, const std::string& source,
                                       const std::string& target, const std::string& name = "m") {
    core::CreateIdMappingTableRequest r;
    r.membership_id = membership[account];
    r.name = name;
    r.input_reference_arn = "arn:aws:entityresolution:us-east-1:" + account +
                            ":idmappingworkflow/" + source + "/" + target;
    return ids.create_table(account, r);
  }

  std::vector<core::QueryableMapping> queryable() {
    return t.db
        ->read<std::vector<core::QueryableMapping>>(
            [&](catalog::Tx& tx) { return core::queryable_mappings(tx, collaboration_id); })
        .value();
  }
};

TEST_F(IdMappings, ANamespaceIsOneOfTheCallersConfiguredTables) {
  auto a = associate(kA, namespace_arn(kA, "source", table[kA]));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->association.namespace_type, "SOURCE");
  EXPECT_EQ(a->association.configured_table_id, table[kA]);

  // Another account's table, existing or not, and a missing one of the caller's: one answer.
  auto other = associate(kA, namespace_arn(kB, "target", table[kB]));
  auto missing = associate(kA, namespace_arn(kB, "target", kMissing));
  auto own_missing = associate(kA, namespace_arn(kA, "target", kMissing));
  expect_error(other, ErrorKind::AccessDenied, "names no ID namespace of account " + kA);
  ASSERT_FALSE(missing.ok());
  ASSERT_FALSE(own_missing.ok());
  EXPECT_EQ(other.error().message, missing.error().message);
  EXPECT_EQ(other.error().message, own_missing.error().message);

  expect_error(associate(kA, "arn:aws:entityresolution:us-east-1:" + kA + ":idnamespace/x"),
               ErrorKind::Validation, "{source|target}-<configured table id>");
  std::string loose = configured(kA, "crm", "loose", {"cid", "note", "email"});
  expect_error(associate(kA, namespace_arn(kA, "source", loose)), ErrorKind::Validation,
               "exactly one column that is not an identity column");
  std::string no_identity = configured(kA, "crm", "bare", {"cid"});
  expect_error(associate(kA, namespace_arn(kA, "source", no_identity)), ErrorKind::Validation,
               "nothing to match on");
}

TEST_F(IdMappings, OnlyAMemberOfOneOfTwoMembersNamespacesMapsThemSourceToTarget) {
  auto source = associate(kA, namespace_arn(kA, "source", table[kA])).value().association.id;
  auto target = associate(kB, namespace_arn(kB, "target", table[kB])).value().association.id;
  expect_error(map(kA, target, source), ErrorKind::Validation, "SOURCE ID namespace association");
  expect_error(map(kC, source, target), ErrorKind::AccessDenied, "only the member");
  expect_error(map(kA, source, kMissing), ErrorKind::NotFound, kMissing);
  auto m = map(kB, source, target);  // the TARGET's member may map too
  ASSERT_TRUE(m.ok()) << m.error().message;
  expect_error(map(kA, source, target, "M"), ErrorKind::Conflict, "already has a table named");
  expect_error(ids.remove_namespace_association(kA, membership[kA], source), ErrorKind::Conflict,
               "is used by ID mapping table");
}

TEST_F(IdMappings, AQueryReadsAPopulatedMappingOfActiveMembersOnly) {
  auto source = associate(kA, namespace_arn(kA, "source", table[kA])).value().association.id;
  auto target = associate(kB, namespace_arn(kB, "target", table[kB])).value().association.id;
  auto m = map(kA, source, target).value().table;
  EXPECT_TRUE(queryable().empty());  // not populated
  m.mapping_path = "idmappings/x/y/z.parquet";
  ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(catalog::id_mappings_repo::update_table(tx, m));
                    return true;
                  })
                  .ok());
  auto q = queryable();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ((std::pair{q[0].source_owner, q[0].target_owner}), (std::pair{kA, kB}));
  ASSERT_TRUE(t.s().memberships.remove(kB, membership[kB]).ok());
  EXPECT_TRUE(queryable().empty());  // B left and took the mapping with it
  expect_error(ids.populate(kA, membership[kA], m.id, "BATCH"), ErrorKind::Conflict,
               "is no longer active");
  expect_error(ids.populate(kA, membership[kA], m.id, "DELETE_ONLY"), ErrorKind::Validation,
               "BATCH");
}

}  // namespace
}  // namespace cleanroom
