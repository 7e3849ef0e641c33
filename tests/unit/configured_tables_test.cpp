// Configured tables, analysis rules, associations and schemas, tested through the core (no HTTP).
// The analysis-rule policy itself is tested as data by analysis_rule_test.cpp.
#include <gtest/gtest.h>

#include "catalog/datasets_repo.h"
#include "test_support.h"

namespace cleanroom {
namespace {

using testing::expect_error;

using nlohmann::json;

const std::string kA = "111111111111";  // creates the collaboration, owns a table
const std::string kB = "222222222222";  // joins, owns a table, may leave
const std::string kC = "333333333333";  // invited, never joins
const std::string kD = "444444444444";  // not a member

std::string role(const std::string& account) {
  return "arn:aws:iam::" + account + ":role/cleanrooms-read";
}

json aggregation_policy() {
  return {
      {"v1",
       {{"aggregation",
         {{"aggregateColumns",
           {{{"columnNames", {"hashed_email"}}, {"function", "COUNT_DISTINCT"}}}},
          {"joinColumns", {"hashed_email"}},
          {"dimensionColumns", {"segment"}},
          {"scalarFunctions", json::array()},
          {"outputConstraints",
           {{{"columnName", "hashed_email"}, {"minimum", 100}, {"type", "COUNT_DISTINCT"}}}}}}}}};
}

// A collaboration of A (creator) with B and C invited; A and B have joined.
struct Fixture : ::testing::Test {
  testing::TestCore t;
  core::ConfiguredTableService& tables = t.s().configured_tables;
  std::string collaboration_id, membership_a, membership_b;

  void SetUp() override {
    seed_dataset(kA, "sales", "customers",
                 {{"hashed_email", "VARCHAR"},
                  {"segment", "VARCHAR"},
                  {"spend", "DOUBLE"},
                  {"ssn", "VARCHAR"}});
    seed_dataset(kB, "crm", "audience", {{"hashed_email", "VARCHAR"}, {"region", "VARCHAR"}});
    core::CreateCollaborationRequest c;
    c.name = "test";
    c.creator_display_name = "A";
    c.creator_abilities = {MemberAbility::CanQuery, MemberAbility::CanReceiveResults};
    c.members = {{kB, "B", {}, std::nullopt}, {kC, "C", {}, std::nullopt}};
    collaboration_id = t.s().collaborations.create(kA, c).value().collaboration.id;
    membership_a = join(kA);
    membership_b = join(kB);
  }

  // Stands in for an upload: the catalog row a finished upload commits.
  void seed_dataset(const std::string& account, const std::string& db, const std::string& table,
                    const std::vector<std::pair<std::string, std::string>>& columns) {
    catalog::DatasetRecord d{account, db, table, 1, "datasets/placeholder.parquet"};
    for (const auto& [name, type] : columns) d.columns.push_back({name, type, ""});
    ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                      CR_TRY(catalog::datasets_repo::upsert(tx, d));
                      return true;
                    })
                    .ok());
  }

  std::string join(const std::string& account) {
    return t.s()
        .memberships.create(account, testing::join_request(collaboration_id, "DISABLED"))
        .value()
        .membership.id;
  }

  Result<core::ConfiguredTableView> create_table(const std::string& account, const std::string& db,
                                                 const std::string& table,
                                                 std::vector<std::string> columns) {
    return tables.create(account,
                         {"t", std::nullopt, {db, table}, std::move(columns), "DIRECT_QUERY", {}});
  }
  std::string table_a() {
    auto v = create_table(kA, "sales", "customers", {"hashed_email", "segment", "spend"});
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v->table.id;
  }
  Result<core::AssociationView> associate(const std::string& account, const std::string& membership,
                                          const std::string& table, const std::string& name) {
    return tables.create_association(account,
                                     {membership, table, name, std::nullopt, role(account)});
  }
};

TEST_F(Fixture, ConfiguredTableExposesAllowedColumnsOfAnOwnDataset) {
  auto v = create_table(kA, "sales", "customers", {"hashed_email", "segment"});
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->table.account_id, kA);
  EXPECT_FALSE(v->rule);
  EXPECT_EQ(tables.get(kA, v->table.id)->table.allowed_columns,
            (std::vector<std::string>{"hashed_email", "segment"}));

  expect_error(create_table(kA, "sales", "nope", {"hashed_email"}), ErrorKind::Validation,
               "sales.nope, which is not a dataset of account " + kA);
  expect_error(create_table(kB, "sales", "customers", {"hashed_email"}), ErrorKind::Validation,
               "not a dataset of account " + kB);
  expect_error(create_table(kA, "sales", "customers", {"hashed_email", "salary"}),
               ErrorKind::Validation, "'salary' is not a column of dataset sales.customers");
  expect_error(create_table(kA, "sales", "customers", {"segment", "segment"}),
               ErrorKind::Validation, "appears more than once");
  expect_error(
      tables.create(kA, {"t", std::nullopt, {"sales", "customers"}, {"segment"}, "DIRECT_JOB", {}}),
      ErrorKind::Validation, "analysisMethod DIRECT_JOB is not supported");
}

TEST_F(Fixture, AnotherAccountCannotSeeOrTouchTheTable) {
  std::string id = table_a();
  expect_error(tables.get(kB, id), ErrorKind::NotFound, "not found");
  expect_error(tables.update(kB, id, {std::string("mine")}), ErrorKind::NotFound, "not found");
  expect_error(tables.remove(kB, id), ErrorKind::NotFound, "not found");
  expect_error(tables.create_rule(kB, id, "AGGREGATION", aggregation_policy()), ErrorKind::NotFound,
               "not found");
  EXPECT_TRUE(tables.list(kB, {})->first.empty());
  EXPECT_EQ(tables.list(kA, {})->first.size(), 1u);
}

TEST_F(Fixture, ListPagesThroughTheCallersTables) {
  for (int i = 0; i < 3; ++i) table_a();
  auto first = tables.list(kA, {"", 2}).value();
  ASSERT_EQ(first.first.size(), 2u);
  ASSERT_FALSE(first.second.empty());
  auto second = tables.list(kA, {first.second, 2}).value();
  ASSERT_EQ(second.first.size(), 1u);
  EXPECT_TRUE(second.second.empty());
}

TEST_F(Fixture, OneAnalysisRulePerTableOfTheNamedType) {
  std::string id = table_a();
  auto r = tables.create_rule(kA, id, "AGGREGATION", aggregation_policy());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(tables.get(kA, id)->rule->type, "AGGREGATION");
  expect_error(tables.create_rule(kA, id, "AGGREGATION", aggregation_policy()), ErrorKind::Conflict,
               "already has a AGGREGATION analysis rule");
  expect_error(tables.get_rule(kA, id, "LIST"), ErrorKind::NotFound, "has no LIST analysis rule");
  expect_error(tables.update_rule(kA, id, "AGGREGATION", {{"v1", {{"list", json::object()}}}}),
               ErrorKind::Validation,
               "analysisRuleType is AGGREGATION but the policy is a LIST rule");

  json wider = aggregation_policy();
  wider["v1"]["aggregation"]["dimensionColumns"] = {"segment", "spend"};
  auto updated = tables.update_rule(kA, id, "AGGREGATION", wider);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(tables.get_rule(kA, id, "AGGREGATION")->rule->policy, wider);

  ASSERT_TRUE(tables.remove_rule(kA, id, "AGGREGATION").ok());
  EXPECT_FALSE(tables.get(kA, id)->rule);
  expect_error(tables.remove_rule(kA, id, "AGGREGATION"), ErrorKind::NotFound,
               "has no AGGREGATION analysis rule");
}

TEST_F(Fixture, RuleColumnsMustBeAllowedNowAndAfterUpdates) {
  std::string id = table_a();
  json secret = aggregation_policy();
  secret["v1"]["aggregation"]["dimensionColumns"] = {"ssn"};
  expect_error(tables.create_rule(kA, id, "AGGREGATION", secret), ErrorKind::Validation,
               "column 'ssn' in analysisRulePolicy.v1.aggregation.dimensionColumns is not an "
               "allowed column");

  ASSERT_TRUE(tables.create_rule(kA, id, "AGGREGATION", aggregation_policy()).ok());
  core::UpdateConfiguredTableRequest drop_segment;
  drop_segment.allowed_columns = std::vector<std::string>{"hashed_email", "spend"};
  auto refused = tables.update(kA, id, drop_segment);
  expect_error(refused, ErrorKind::Validation,
               "AGGREGATION analysis rule would no longer be valid");
  EXPECT_EQ(refused.error().cause, Cause::InvalidConfiguration);

  core::UpdateConfiguredTableRequest drop_spend;
  drop_spend.allowed_columns = std::vector<std::string>{"hashed_email", "segment"};
  drop_spend.name = "renamed";
  auto v = tables.update(kA, id, drop_spend);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->table.name, "renamed");
  EXPECT_EQ(v->table.allowed_columns.size(), 2u);
}

TEST_F(Fixture, OnlyTheOwnerAssociatesOnlyIntoItsOwnActiveMembership) {
  std::string id = table_a();
  auto a = associate(kA, membership_a, id, "customers");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->account_id, kA);

  // B cannot associate A's table, not even into B's own membership; nor A into B's membership.
  expect_error(associate(kB, membership_b, id, "stolen"), ErrorKind::NotFound, "configured table");
  expect_error(associate(kA, membership_b, id, "other"), ErrorKind::NotFound, "membership");
  expect_error(tables.get_association(kB, membership_a, a->association.id), ErrorKind::NotFound,
               "membership");
  expect_error(tables.create_association(kA, {membership_a, id, "x", std::nullopt, role(kB)}),
               ErrorKind::Validation, "roleArn must be a role of the caller's account");
  expect_error(associate(kA, membership_a, id, "again"), ErrorKind::Conflict, "already associated");

  // Names are SQL identifiers of the collaboration: unique across members, without case.
  auto b_table = create_table(kB, "crm", "audience", {"hashed_email", "region"}).value();
  expect_error(associate(kB, membership_b, b_table.table.id, "CUSTOMERS"), ErrorKind::Conflict,
               "already has a table named 'customers'");
  ASSERT_TRUE(associate(kB, membership_b, b_table.table.id, "audience").ok());

  core::UpdateAssociationRequest u{std::string("for the campaign"), std::nullopt};
  auto updated = tables.update_association(kA, membership_a, a->association.id, u);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->association.description, "for the campaign");
  EXPECT_EQ(tables.list_associations(kA, membership_a, {})->first.size(), 1u);
}

TEST_F(Fixture, TableCannotBeDeletedWhileAssociated) {
  std::string id = table_a();
  ASSERT_TRUE(tables.create_rule(kA, id, "AGGREGATION", aggregation_policy()).ok());
  auto a = associate(kA, membership_a, id, "customers").value();
  auto refused = tables.remove(kA, id);
  expect_error(refused, ErrorKind::Conflict, "delete them first");
  EXPECT_EQ(refused.error().cause, Cause::InUse);
  ASSERT_TRUE(tables.remove_association(kA, membership_a, a.association.id).ok());
  ASSERT_TRUE(tables.remove(kA, id).ok());
  expect_error(tables.get(kA, id), ErrorKind::NotFound, "not found");
}

TEST_F(Fixture, ActiveMembersSeeColumnsAndRuleNeverTheDataset) {
  std::string id = table_a();
  ASSERT_TRUE(associate(kA, membership_a, id, "customers").ok());

  auto before = tables.get_schema(kB, collaboration_id, "customers");
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_TRUE(before->not_ready);
  EXPECT_EQ(before->not_ready->first, "ANALYSIS_RULE_MISSING");

  ASSERT_TRUE(tables.create_rule(kA, id, "AGGREGATION", aggregation_policy()).ok());
  auto list = tables.list_schemas(kB, collaboration_id, "", {}).value();
  ASSERT_EQ(list.first.size(), 1u);
  const auto& s = list.first[0];
  EXPECT_EQ(s.association.name, "customers");
  EXPECT_EQ(s.owner_account_id, kA);
  EXPECT_FALSE(s.not_ready);
  ASSERT_EQ(s.columns.size(), 3u);  // allowed columns only, in the dataset's order: not ssn
  EXPECT_EQ(s.columns[0].name, "hashed_email");
  EXPECT_EQ(s.columns[2].name, "spend");
  EXPECT_EQ(s.columns[2].type, "DOUBLE");
  EXPECT_TRUE(tables.list_schemas(kB, collaboration_id, "ID_MAPPING_TABLE", {})->first.empty());

  auto rule = tables.get_schema_rule(kB, collaboration_id, {"Customers", "AGGREGATION"});
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  EXPECT_EQ(rule->rule->policy, aggregation_policy());
  expect_error(tables.get_schema_rule(kB, collaboration_id, {"customers", "LIST"}),
               ErrorKind::NotFound, "has no LIST analysis rule");

  auto batch = tables.get_schemas(kB, collaboration_id, {"customers", "missing"}).value();
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_TRUE(batch[0].ok());
  expect_error(batch[1], ErrorKind::NotFound, "no schema named 'missing'");
  auto rules = tables.get_schema_rules(kB, collaboration_id,
                                       {{"customers", "AGGREGATION"}, {"customers", "CUSTOM"}});
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE((*rules)[0].ok());
  EXPECT_FALSE((*rules)[1].ok());
}

TEST_F(Fixture, SchemasAreHiddenFromNonMembersAndInvitedMembers) {
  ASSERT_TRUE(associate(kA, membership_a, table_a(), "customers").ok());
  expect_error(tables.list_schemas(kD, collaboration_id, "", {}), ErrorKind::NotFound,
               "collaboration");
  expect_error(tables.get_schema(kD, collaboration_id, "customers"), ErrorKind::NotFound,
               "collaboration");
  expect_error(tables.list_schemas(kC, collaboration_id, "", {}), ErrorKind::AccessDenied,
               "has not joined");
  expect_error(tables.get_schemas(kC, collaboration_id, {"customers"}), ErrorKind::AccessDenied,
               "has not joined");
}

TEST_F(Fixture, AMemberThatLeftSeesNothingAndItsTablesDisappear) {
  ASSERT_TRUE(associate(kA, membership_a, table_a(), "customers").ok());
  auto b_table = create_table(kB, "crm", "audience", {"hashed_email", "region"}).value();
  auto b_assoc = associate(kB, membership_b, b_table.table.id, "audience").value();
  EXPECT_EQ(tables.list_schemas(kA, collaboration_id, "", {})->first.size(), 2u);

  ASSERT_TRUE(t.s().memberships.remove(kB, membership_b).ok());
  expect_error(tables.list_schemas(kB, collaboration_id, "", {}), ErrorKind::AccessDenied,
               "no longer a member");
  auto left = tables.list_schemas(kA, collaboration_id, "", {}).value();
  ASSERT_EQ(left.first.size(), 1u);
  EXPECT_EQ(left.first[0].association.name, "customers");
  expect_error(tables.get_schema(kA, collaboration_id, "audience"), ErrorKind::NotFound,
               "no schema named");

  // No new associations through the left membership; the old one can still be removed, which
  // frees the table for deletion.
  expect_error(associate(kB, membership_b, b_table.table.id, "again"), ErrorKind::Conflict,
               "ACTIVE membership");
  expect_error(tables.remove(kB, b_table.table.id), ErrorKind::Conflict, "delete them first");
  ASSERT_TRUE(tables.remove_association(kB, membership_b, b_assoc.association.id).ok());
  ASSERT_TRUE(tables.remove(kB, b_table.table.id).ok());
  // Its name is free again in the collaboration.
  EXPECT_TRUE(associate(kA, membership_a, table_a(), "audience").ok());
}

}  // namespace
}  // namespace cleanroom

namespace cleanroom {
namespace {

// The reference: results must go to a bucket other than the ones holding the data a member
// brings in; a dataset registered from a bucket brings that bucket in once it is associated.
TEST_F(Fixture, SourceBucketOfAnAssociatedDatasetCannotReceiveResults) {
  catalog::DatasetRecord d{
      kA, "sales", "events", 1, "datasets/placeholder.parquet", {{"hashed_email", "VARCHAR", ""}}};
  d.source_bucket = "a-data-bucket";
  ASSERT_TRUE(t.db->write<bool>([&](catalog::Tx& tx) -> Result<bool> {
                    CR_TRY(catalog::datasets_repo::upsert(tx, d));
                    return true;
                  })
                  .ok());
  auto table = create_table(kA, "sales", "events", {"hashed_email"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_TRUE(associate(kA, membership_a, table->table.id, "events").ok());
  // Results go only to A's own buckets (core/buckets.h); this fixture has no account rows.
  ASSERT_TRUE(t.s().accounts.create_account(kA, "A").ok());
  ASSERT_TRUE(t.s().buckets.create(kA, "a-data-bucket").ok());
  ASSERT_TRUE(t.s().buckets.create(kA, "a-results").ok());

  auto results_in = [](const std::string& bucket) {
    return testing::move_request(
        json{{"outputConfiguration", {{"s3", {{"resultFormat", "CSV"}, {"bucket", bucket}}}}}});
  };
  expect_error(t.s().memberships.update(kA, membership_a, results_in("a-data-bucket")),
               ErrorKind::Validation, "holds data this member brings into the collaboration");
  EXPECT_TRUE(t.s().memberships.update(kA, membership_a, results_in("a-results")).ok());
}

}  // namespace
}  // namespace cleanroom
