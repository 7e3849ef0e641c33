#include "core/configured_tables.h"

#include <algorithm>
#include <set>

#include "catalog/datasets_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/memberships.h"
#include "policy/analysis_rule.h"

namespace cleanroom::core {
namespace repo = catalog::configured_tables_repo;
using catalog::AnalysisRuleRecord;
using catalog::AssociationRecord;
using catalog::CollaborationRecord;
using catalog::ConfiguredTableRecord;
using catalog::MembershipRecord;
using catalog::Tx;

namespace {

// Another account's configured table does not exist for the caller.
Result<ConfiguredTableRecord> own_table(Tx& tx, const std::string& caller, const std::string& id) {
  CR_ASSIGN(auto t, repo::find(tx, id));
  if (!t || t->account_id != caller) return Error::not_found(Resource::ConfiguredTable, id);
  return *t;
}

Result<ConfiguredTableView> table_view(Tx& tx, const ConfiguredTableRecord& t) {
  CR_ASSIGN(auto rule, repo::find_rule(tx, t.id));
  return ConfiguredTableView{t, rule};
}

// A configured table exposes one of its owner's datasets, and only columns that dataset has.
Status check_source(Tx& tx, const std::string& owner, const TableReference& ref,
                    const std::vector<std::string>& allowed_columns) {
  std::string qualified = ref.database_name + "." + ref.table_name;
  CR_ASSIGN(auto ds, catalog::datasets_repo::find(tx, owner, ref.database_name, ref.table_name));
  if (!ds)
    return Error::validation("tableReference.glue names " + qualified +
                                 ", which is not a dataset of account " + owner +
                                 "; upload it first (cleanroom upload --table " + qualified + ")",
                             "tableReference.glue.tableName");
  if (allowed_columns.empty())
    return Error::validation("allowedColumns must name at least one column", "allowedColumns");
  std::set<std::string> seen;
  for (const auto& c : allowed_columns) {
    if (!seen.insert(c).second)
      return Error::validation("column '" + c + "' appears more than once in allowedColumns",
                               "allowedColumns");
    bool exists = std::any_of(ds->columns.begin(), ds->columns.end(),
                              [&](const auto& col) { return col.name == c; });
    if (!exists) {
      std::string names;
      for (const auto& col : ds->columns) names += (names.empty() ? "" : ", ") + col.name;
      return Error::validation("allowedColumns: '" + c + "' is not a column of dataset " +
                                   qualified + " (its columns: " + names + ")",
                               "allowedColumns");
    }
  }
  return {};
}

Status check_analysis_method(const std::string& method, const std::vector<std::string>& selected) {
  if (method != "DIRECT_QUERY")
    return Error::validation(
        "analysisMethod " + method +
            " is not supported: configured tables are queried with SQL (DIRECT_QUERY); "
            "cleanroom runs no PySpark jobs",
        "analysisMethod");
  // The model: selectedAnalysisMethods chooses among the methods of analysisMethod MULTIPLE.
  if (!selected.empty())
    return Error::validation("selectedAnalysisMethods applies only to analysisMethod MULTIPLE",
                             "selectedAnalysisMethods");
  return {};
}

Result<AnalysisRuleRecord> rule_of_type(Tx& tx, const ConfiguredTableRecord& t,
                                        const std::string& type) {
  CR_ASSIGN(auto rule, repo::find_rule(tx, t.id));
  if (rule && rule->type == type) return *rule;
  Error e = Error::not_found(Resource::ConfiguredTable, t.id);
  e.message = "configured table " + t.id + " has no " + type + " analysis rule" +
              (rule ? " (its analysis rule is " + rule->type + ")" : "");
  return e;
}

// The role is the owner's own, as the service requires of the role that reads the owner's data.
Status check_role_arn(const std::string& caller, const std::string& role_arn) {
  std::string prefix = "arn:aws:iam::" + caller + ":role/";
  if (role_arn.rfind(prefix, 0) != 0 || role_arn.size() == prefix.size())
    return Error::validation(
        "roleArn must be a role of the caller's account (" + prefix + "<name>)", "roleArn");
  return {};
}

std::optional<std::pair<std::string, std::string>> not_ready(
    const std::optional<AnalysisRuleRecord>& rule, const ConfiguredTableRecord& t) {
  // clean-rooms-semantics.md: "A table without a rule can be associated but not queried."
  if (!rule)
    return std::make_pair(
        std::string("ANALYSIS_RULE_MISSING"),
        std::string("the configured table has no analysis rule, so it cannot be queried yet"));
  // "Empty allowedAnalyses: nothing can run."
  auto parsed = policy::parse_analysis_rule(rule->type, rule->policy, t.allowed_columns);
  if (parsed.ok() && parsed->type() == policy::AnalysisRuleType::Custom &&
      std::get<policy::CustomRule>(parsed->body).allowed_analyses.empty())
    return std::make_pair(std::string("ANALYSIS_TEMPLATES_NOT_CONFIGURED"),
                          std::string("the custom analysis rule allows no analysis yet"));
  return std::nullopt;
}

Result<SchemaView> schema_of(Tx& tx, const CollaborationRecord& c, const AssociationRecord& a) {
  CR_ASSIGN(auto t, repo::find(tx, a.configured_table_id));
  if (!t) return Error::internal("association " + a.id + " points at a missing configured table");
  SchemaView v{a, t->account_id, t->analysis_method, c, {}, {}, {}};
  // The columns as they are now: a re-uploaded dataset may have dropped some allowed column.
  CR_ASSIGN(auto ds,
            catalog::datasets_repo::find(tx, t->account_id, t->database_name, t->table_name));
  if (ds)
    for (const auto& col : ds->columns)
      if (contains(t->allowed_columns, col.name)) v.columns.push_back({col.name, col.type});
  CR_ASSIGN(v.rule, repo::find_rule(tx, t->id));
  v.not_ready = not_ready(v.rule, *t);
  return v;
}

Result<SchemaView> schema_named(Tx& tx, const CollaborationRecord& c, const std::string& name) {
  CR_ASSIGN(auto a, repo::find_active_association_by_name(tx, c.id, name));
  if (!a) {
    Error e = Error::not_found(Resource::ConfiguredTableAssociation, name);
    e.message = "collaboration " + c.id + " has no schema named '" + name + "'";
    return e;
  }
  return schema_of(tx, c, *a);
}

Result<SchemaView> schema_with_rule(Tx& tx, const CollaborationRecord& c,
                                    const SchemaRuleRequest& req) {
  CR_ASSIGN(auto v, schema_named(tx, c, req.name));
  if (v.rule && v.rule->type == req.type) return v;
  Error e = Error::not_found(Resource::ConfiguredTableAssociation, req.name);
  e.message = "schema '" + req.name + "' has no " + req.type + " analysis rule";
  return e;
}

}  // namespace

Result<AssociationRecord> association_in(Tx& tx, const MembershipRecord& ms,
                                         const std::string& id) {
  CR_ASSIGN(auto a, repo::find_association(tx, id));
  if (!a || a->membership_id != ms.id)
    return Error::not_found(Resource::ConfiguredTableAssociation, id);
  return *a;
}

// --- configured tables ----------------------------------------------------------------------

Result<ConfiguredTableView> ConfiguredTableService::create(
    const std::string& caller, const CreateConfiguredTableRequest& req) {
  return ctx_.db.write<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_TRY(check_analysis_method(req.analysis_method, req.selected_analysis_methods));
    CR_TRY(check_source(tx, caller, req.table, req.allowed_columns));
    int64_t now = now_epoch_seconds();
    ConfiguredTableRecord t{crypto::uuid4(),
                            caller,
                            req.name,
                            req.description,
                            req.table.database_name,
                            req.table.table_name,
                            req.allowed_columns,
                            req.analysis_method,
                            now,
                            now};
    CR_TRY(repo::insert(tx, t));
    CR_TRY(tag_new_resource(tx, t.id, req.tags));
    return ConfiguredTableView{t, std::nullopt};
  });
}

Result<ConfiguredTableView> ConfiguredTableService::get(const std::string& caller,
                                                        const std::string& id) {
  return ctx_.db.read<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    return table_view(tx, t);
  });
}

Result<std::pair<std::vector<ConfiguredTableView>, std::string>> ConfiguredTableService::list(
    const std::string& caller, const Page& page) {
  using Out = std::pair<std::vector<ConfiguredTableView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::list_for_account(tx, caller, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      CR_ASSIGN(auto v, table_view(tx, rows[i]));
      out.first.push_back(std::move(v));
    }
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().table.id;
    return out;
  });
}

Result<ConfiguredTableView> ConfiguredTableService::update(
    const std::string& caller, const std::string& id, const UpdateConfiguredTableRequest& req) {
  return ctx_.db.write<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    if (req.analysis_method || req.selected_analysis_methods) {
      t.analysis_method = req.analysis_method.value_or(t.analysis_method);
      CR_TRY(check_analysis_method(
          t.analysis_method, req.selected_analysis_methods.value_or(std::vector<std::string>{})));
    }
    if (req.table || req.allowed_columns) {
      if (req.table) {
        t.database_name = req.table->database_name;
        t.table_name = req.table->table_name;
      }
      if (req.allowed_columns) t.allowed_columns = *req.allowed_columns;
      CR_TRY(check_source(tx, caller, {t.database_name, t.table_name}, t.allowed_columns));
      // The table's rule must stay valid: it may name only allowed columns.
      CR_ASSIGN(auto rule, repo::find_rule(tx, t.id));
      if (rule) {
        auto still = policy::parse_analysis_rule(rule->type, rule->policy, t.allowed_columns);
        if (!still.ok())
          return Error::invalid_configuration("the table's " + rule->type +
                                                  " analysis rule would no longer be valid: " +
                                                  still.error().message + "; update the rule first",
                                              "allowedColumns");
      }
    }
    if (req.name) t.name = *req.name;
    if (req.description) t.description = *req.description;
    t.updated_at = now_epoch_seconds();
    CR_TRY(repo::update(tx, t));
    return table_view(tx, t);
  });
}

Status ConfiguredTableService::remove(const std::string& caller, const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    CR_ASSIGN(auto associations, repo::associations_of_table(tx, t.id));
    if (!associations.empty())
      return Error::conflict("configured table " + id + " has " +
                                 std::to_string(associations.size()) +
                                 " configured table association(s); delete them first",
                             Cause::InUse, Resource::ConfiguredTable, id);
    CR_TRY(repo::remove(tx, t.id));
    return true;
  }));
}

// --- analysis rules -------------------------------------------------------------------------

Result<ConfiguredTableView> ConfiguredTableService::create_rule(const std::string& caller,
                                                                const std::string& id,
                                                                const std::string& type,
                                                                const nlohmann::json& policy) {
  return ctx_.db.write<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    CR_ASSIGN(auto existing, repo::find_rule(tx, t.id));
    if (existing)
      return Error::conflict("configured table " + id + " already has a " + existing->type +
                                 " analysis rule; a table has one rule: update or delete it",
                             Cause::AlreadyExists, Resource::ConfiguredTable, id);
    CR_ASSIGN(auto rule, policy::parse_analysis_rule(type, policy, t.allowed_columns));
    int64_t now = now_epoch_seconds();
    AnalysisRuleRecord r{t.id, type, rule.to_json(), now, now};
    CR_TRY(repo::insert_rule(tx, r));
    return ConfiguredTableView{t, r};
  });
}

Result<ConfiguredTableView> ConfiguredTableService::get_rule(const std::string& caller,
                                                             const std::string& id,
                                                             const std::string& type) {
  return ctx_.db.read<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    CR_ASSIGN(auto r, rule_of_type(tx, t, type));
    return ConfiguredTableView{t, r};
  });
}

Result<ConfiguredTableView> ConfiguredTableService::update_rule(const std::string& caller,
                                                                const std::string& id,
                                                                const std::string& type,
                                                                const nlohmann::json& policy) {
  return ctx_.db.write<ConfiguredTableView>([&](Tx& tx) -> Result<ConfiguredTableView> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    CR_ASSIGN(auto r, rule_of_type(tx, t, type));
    CR_ASSIGN(auto rule, policy::parse_analysis_rule(type, policy, t.allowed_columns));
    r.policy = rule.to_json();
    r.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_rule(tx, r));
    return ConfiguredTableView{t, r};
  });
}

Status ConfiguredTableService::remove_rule(const std::string& caller, const std::string& id,
                                           const std::string& type) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto t, own_table(tx, caller, id));
    CR_ASSIGN(auto r, rule_of_type(tx, t, type));
    CR_TRY(repo::remove_rule(tx, r.configured_table_id));
    return true;
  }));
}

// --- associations ---------------------------------------------------------------------------

Result<AssociationView> ConfiguredTableService::create_association(
    const std::string& caller, const CreateAssociationRequest& req) {
  return ctx_.db.write<AssociationView>([&](Tx& tx) -> Result<AssociationView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_TRY(check_active_membership(ms, "tables are associated"));
    // Only the owner of a configured table associates it: another account's table is not found.
    CR_ASSIGN(auto t, own_table(tx, caller, req.configured_table_id));
    CR_TRY(check_role_arn(caller, req.role_arn));
    CR_ASSIGN(auto mine, repo::associations_of_table(tx, t.id));
    for (const auto& a : mine)
      if (a.membership_id == ms.id)
        return Error::conflict("configured table " + t.id +
                                   " is already associated with membership " + ms.id + " as '" +
                                   a.name + "'",
                               Cause::AlreadyExists, Resource::ConfiguredTableAssociation, a.id);
    // The name is the table's name in SQL and its schema name, so it is unique across the
    // collaboration, compared without case as SQL compares identifiers.
    CR_ASSIGN(auto same_name,
              repo::find_active_association_by_name(tx, ms.collaboration_id, req.name));
    if (same_name)
      return Error::conflict(
          "collaboration " + ms.collaboration_id + " already has a table named '" +
              same_name->name + "'; choose another name",
          Cause::AlreadyExists, Resource::ConfiguredTableAssociation, same_name->id);
    int64_t now = now_epoch_seconds();
    AssociationRecord a{crypto::uuid4(), ms.id,        t.id, req.name,
                        req.description, req.role_arn, now,  now};
    CR_TRY(repo::insert_association(tx, a));
    CR_TRY(tag_new_resource(tx, a.id, req.tags));
    return AssociationView{a, caller};
  });
}

Result<AssociationView> ConfiguredTableService::get_association(const std::string& caller,
                                                                const std::string& membership_id,
                                                                const std::string& id) {
  return ctx_.db.read<AssociationView>([&](Tx& tx) -> Result<AssociationView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto a, association_in(tx, ms, id));
    return AssociationView{a, caller};
  });
}

Result<std::pair<std::vector<AssociationView>, std::string>>
ConfiguredTableService::list_associations(const std::string& caller,
                                          const std::string& membership_id, const Page& page) {
  using Out = std::pair<std::vector<AssociationView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::associations_of_membership(tx, ms.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], caller});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().association.id;
    return out;
  });
}

Result<AssociationView> ConfiguredTableService::update_association(
    const std::string& caller, const std::string& membership_id, const std::string& id,
    const UpdateAssociationRequest& req) {
  return ctx_.db.write<AssociationView>([&](Tx& tx) -> Result<AssociationView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_membership(ms, "tables are associated"));
    CR_ASSIGN(auto a, association_in(tx, ms, id));
    if (req.role_arn) {
      CR_TRY(check_role_arn(caller, *req.role_arn));
      a.role_arn = *req.role_arn;
    }
    if (req.description) a.description = *req.description;
    a.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_association(tx, a));
    return AssociationView{a, caller};
  });
}

Status ConfiguredTableService::remove_association(const std::string& caller,
                                                  const std::string& membership_id,
                                                  const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto a, association_in(tx, ms, id));
    CR_TRY(repo::remove_association(tx, a.id));
    return true;
  }));
}

// --- schemas --------------------------------------------------------------------------------

Result<std::pair<std::vector<SchemaView>, std::string>> ConfiguredTableService::list_schemas(
    const std::string& caller, const std::string& collaboration_id, const std::string& schema_type,
    const Page& page) {
  using Out = std::pair<std::vector<SchemaView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    Out out;
    // Every schema here is a configured table: ID mapping tables are not served.
    if (!schema_type.empty() && schema_type != "TABLE") return out;
    int limit = page.size();
    CR_ASSIGN(auto rows,
              repo::active_associations_in_collaboration(tx, c.id, page.next_token, limit + 1));
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      CR_ASSIGN(auto v, schema_of(tx, c, rows[i]));
      out.first.push_back(std::move(v));
    }
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().association.name;
    return out;
  });
}

Result<SchemaView> ConfiguredTableService::get_schema(const std::string& caller,
                                                      const std::string& collaboration_id,
                                                      const std::string& name) {
  return ctx_.db.read<SchemaView>([&](Tx& tx) -> Result<SchemaView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    return schema_named(tx, c, name);
  });
}

Result<std::vector<Result<SchemaView>>> ConfiguredTableService::get_schemas(
    const std::string& caller, const std::string& collaboration_id,
    const std::vector<std::string>& names) {
  using Out = std::vector<Result<SchemaView>>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    Out out;
    for (const auto& name : names) out.push_back(schema_named(tx, c, name));
    return out;
  });
}

Result<SchemaView> ConfiguredTableService::get_schema_rule(const std::string& caller,
                                                           const std::string& collaboration_id,
                                                           const SchemaRuleRequest& req) {
  return ctx_.db.read<SchemaView>([&](Tx& tx) -> Result<SchemaView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    return schema_with_rule(tx, c, req);
  });
}

Result<std::vector<Result<SchemaView>>> ConfiguredTableService::get_schema_rules(
    const std::string& caller, const std::string& collaboration_id,
    const std::vector<SchemaRuleRequest>& reqs) {
  using Out = std::vector<Result<SchemaView>>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    Out out;
    for (const auto& req : reqs) out.push_back(schema_with_rule(tx, c, req));
    return out;
  });
}

}  // namespace cleanroom::core
