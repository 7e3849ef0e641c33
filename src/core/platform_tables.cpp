#include "core/platform_tables.h"

#include <algorithm>
#include <set>
#include <utility>

#include "catalog/collaborations_repo.h"
#include "catalog/configured_tables_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/amc_privacy.h"
#include "core/platform.h"
#include "policy/analysis_rule.h"

namespace cleanroom::core {
namespace tables = catalog::configured_tables_repo;
using catalog::ConfiguredTableRecord;
using catalog::DatasetColumn;
using catalog::Tx;

namespace {

constexpr const char* kProvider = "ADVERTISING_DATA_PROVIDER";
constexpr const char* kUserId = "user_id";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_measure(const DatasetColumn& c) {
  static const std::vector<std::string> numeric = {"BIGINT", "INTEGER", "HUGEINT", "SMALLINT",
                                                   "DOUBLE", "FLOAT",   "DECIMAL"};
  bool number = std::any_of(numeric.begin(), numeric.end(),
                            [&](const std::string& t) { return c.type.rfind(t, 0) == 0; });
  // An id is a number that names something, and an hour or a day of the month (event_hour_utc,
  // impression_day) a part of a time: grouped by, never summed.
  static const std::vector<std::string> not_amounts = {"_id", "_hour", "_hour_utc", "_day",
                                                       "_day_utc"};
  bool named = std::any_of(not_amounts.begin(), not_amounts.end(),
                           [&](const std::string& suffix) { return ends_with(c.name, suffix); });
  return number && !named && c.name != kUserId;
}

// A column that names one event or one person (AMC's very high class: user_id, event_id,
// traffic_event_id, request_tag, conversion_id, ...): joined on and counted, never a dimension.
bool is_identifier(const DatasetColumn& c) {
  return c.name == kUserId || amc_column_class(c.name) == policy::ColumnClass::VeryHigh;
}

// Identity columns (hashed on upload) are the matching graph's business, never a query's.
std::vector<std::string> queryable_columns(const std::vector<DatasetColumn>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns)
    if (c.pii.empty()) out.push_back(c.name);
  return out;
}

Result<std::vector<ConfiguredTableRecord>> published_tables(Tx& tx, const std::string& provider) {
  CR_ASSIGN(auto all, tables::list_for_account(tx, provider, "", 1000000));
  std::vector<ConfiguredTableRecord> out;
  for (auto& t : all)
    if (t.database_name == kPlatformDatabase && t.table_name != kPlatformIdentityTable)
      out.push_back(std::move(t));
  return out;
}

// What is associated already, read once per publication rather than once per membership and
// table: publication stays linear in the number of AMC instances.
struct Associated {
  std::set<std::pair<std::string, std::string>> tables;  // (membership id, configured table id)
  std::set<std::pair<std::string, std::string>> names;   // (collaboration id, name folded)
};

// SQL compares identifiers without case (COLLATE NOCASE folds ASCII only).
std::string folded(std::string name) {
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name;
}

// Adds the table to the membership under its own name, unless it is there already (or another
// table took the name, which only an operator working by hand could have done).
Result<bool> associate(Tx& tx, const catalog::MembershipRecord& ms, const ConfiguredTableRecord& t,
                       Associated& associated) {
  if (associated.tables.count({ms.id, t.id})) return false;
  if (!associated.names.insert({ms.collaboration_id, folded(t.name)}).second) return false;
  int64_t now = now_epoch_seconds();
  CR_TRY(tables::insert_association(
      tx, {crypto::uuid4(), ms.id, t.id, t.name, t.description,
           "arn:aws:iam::" + ms.account_id + ":role/cleanroom-platform", now, now}));
  associated.tables.insert({ms.id, t.id});
  return true;
}

// The configured table and rule for one dataset, created or brought in step with its columns.
Result<ConfiguredTableRecord> publish_dataset(Tx& tx, const catalog::DatasetRecord& ds,
                                              const std::vector<ConfiguredTableRecord>& existing) {
  std::vector<std::string> allowed = queryable_columns(ds.columns);
  auto policy_json = platform_rule_policy(ds.columns);
  CR_ASSIGN(auto rule, policy::parse_analysis_rule("AGGREGATION", policy_json, allowed));
  int64_t now = now_epoch_seconds();

  auto it = std::find_if(existing.begin(), existing.end(), [&](const ConfiguredTableRecord& t) {
    return t.table_name == ds.table_name;
  });
  ConfiguredTableRecord t;
  if (it == existing.end()) {
    t = {crypto::uuid4(),
         ds.account_id,
         ds.table_name,
         std::string("The platform's ") + ds.table_name + " table",
         ds.database_name,
         ds.table_name,
         allowed,
         "DIRECT_QUERY",
         now,
         now};
    CR_TRY(tables::insert(tx, t));
  } else {
    t = *it;
    if (t.allowed_columns != allowed) {
      t.allowed_columns = allowed;
      t.updated_at = now;
      CR_TRY(tables::update(tx, t));
    }
  }
  CR_ASSIGN(auto stored, tables::find_rule(tx, t.id));
  if (!stored) {
    CR_TRY(tables::insert_rule(tx, {t.id, "AGGREGATION", rule.to_json(), now, now}));
  } else if (stored->type != "AGGREGATION" || stored->policy != rule.to_json()) {
    // A rule of another type cannot be updated into this one; replace it.
    CR_TRY(tables::remove_rule(tx, t.id));
    CR_TRY(tables::insert_rule(tx, {t.id, "AGGREGATION", rule.to_json(), stored->created_at, now}));
  }
  return t;
}

}  // namespace

nlohmann::json platform_rule_policy(const std::vector<DatasetColumn>& columns) {
  nlohmann::json aggregate = nlohmann::json::array();
  nlohmann::json dimensions = nlohmann::json::array();
  nlohmann::json joins = nlohmann::json::array();
  std::vector<std::string> measures, identifiers;
  bool has_user = false;
  for (const auto& c : columns) {
    if (!c.pii.empty()) continue;
    if (c.name == kUserId) has_user = true;
    if (is_identifier(c))
      identifiers.push_back(c.name);
    else if (is_measure(c))
      measures.push_back(c.name);
    else
      dimensions.push_back(c.name);
  }
  if (!identifiers.empty()) {
    aggregate.push_back({{"columnNames", identifiers}, {"function", "COUNT_DISTINCT"}});
    aggregate.push_back({{"columnNames", identifiers}, {"function", "COUNT"}});
    for (const auto& id : identifiers) joins.push_back(id);
  }
  if (!measures.empty()) {
    aggregate.push_back({{"columnNames", measures}, {"function", "SUM"}});
    aggregate.push_back({{"columnNames", measures}, {"function", "AVG"}});
  }
  nlohmann::json constraints = nlohmann::json::array();
  if (has_user)
    constraints.push_back({{"columnName", kUserId}, {"minimum", 2}, {"type", "COUNT_DISTINCT"}});
  return {{"v1",
           {{"aggregation",
             {{"aggregateColumns", aggregate},
              {"joinColumns", joins},
              {"dimensionColumns", dimensions},
              {"scalarFunctions",
               {"CAST", "COALESCE", "DATEADD", "EXTRACT", "LOWER", "ROUND", "TO_CHAR", "TRUNC",
                "UPPER"}},
              {"outputConstraints", constraints}}}}}};
}

Status associate_platform_tables(Tx& tx, const std::string& collaboration_id) {
  CR_ASSIGN(auto provider, platform_account_id(tx, kProvider));
  CR_ASSIGN(auto ms,
            catalog::collaborations_repo::find_membership_of(tx, collaboration_id, provider));
  if (!ms)
    return Error::internal("the Advertising Data Provider has no membership in " +
                           collaboration_id);
  CR_ASSIGN(auto published, published_tables(tx, provider));
  // Only this collaboration's associations: creating an instance reads nothing of the others.
  Associated associated;
  CR_ASSIGN(auto own, tables::associations_of_membership(tx, ms->id, "", 1000000));
  for (const auto& a : own) associated.tables.insert({a.membership_id, a.configured_table_id});
  CR_ASSIGN(auto named,
            tables::active_associations_in_collaboration(tx, collaboration_id, "", 1000000));
  for (const auto& a : named) associated.names.insert({collaboration_id, folded(a.name)});
  for (const auto& t : published) CR_TRY(status_of(associate(tx, *ms, t, associated)));
  return {};
}

Result<PublishedTables> publish_platform_tables(Tx& tx) {
  CR_ASSIGN(auto provider, platform_account_id(tx, kProvider));
  CR_ASSIGN(auto datasets, catalog::datasets_repo::list(tx, provider));
  CR_ASSIGN(auto existing, published_tables(tx, provider));
  PublishedTables out;
  std::vector<ConfiguredTableRecord> published;
  for (const auto& ds : datasets) {
    if (ds.database_name != kPlatformDatabase || ds.table_name == kPlatformIdentityTable) continue;
    auto t = publish_dataset(tx, ds, existing);
    if (!t.ok())
      return Error::validation("platform table " + ds.table_name +
                               " cannot be published: " + t.error().message);
    out.tables.push_back(t->name);
    published.push_back(std::move(*t));
  }
  CR_ASSIGN(auto memberships, catalog::collaborations_repo::memberships_of_account(
                                  tx, provider, MembershipStatus::Active, "", 1000000));
  Associated associated;
  CR_ASSIGN(auto own, tables::associations_of_account_tables(tx, provider));
  for (const auto& a : own) associated.tables.insert({a.membership_id, a.configured_table_id});
  CR_ASSIGN(auto named, tables::active_association_names_where_member(tx, provider));
  for (const auto& n : named) associated.names.insert({n.collaboration_id, folded(n.name)});
  for (const auto& ms : memberships)
    for (const auto& t : published) {
      CR_ASSIGN(bool added, associate(tx, ms, t, associated));
      out.associations_added += added ? 1 : 0;
    }
  return out;
}

Result<bool> is_platform_dataset(Tx& tx, const std::string& account,
                                 const std::string& database_name) {
  if (database_name != kPlatformDatabase) return false;
  CR_ASSIGN(auto provider, find_platform_account_id(tx, kProvider));
  return provider == account;
}

Result<PublishedTables> PlatformTableService::publish() {
  return ctx_.db.write<PublishedTables>(publish_platform_tables);
}

}  // namespace cleanroom::core
