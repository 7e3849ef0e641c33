#pragma once
// The checks of each analysis rule type (AGGREGATION, LIST, CUSTOM) and of the AMC privacy model,
// written against the walk of query_walker.h: the query shapes a rule admits (SqlFeatures), what it
// refuses use by use (QueryRules), and what it needs from the whole query at the end (finish),
// including the output constraints the rewrite must enforce.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/query_walker.h"

namespace cleanroom::policy {

// One condition of the kept column: COUNT(DISTINCT relation.column) >= minimum in the outermost
// SELECT. An empty relation means the column is named alone.
struct KeptCondition {
  std::string relation;
  std::string column;
  int64_t minimum = 0;
};

// Conditions for the HAVING of an aggregating SELECT inside the query (a WITH, a subquery, a
// branch of a set operation): its groups of many people are thresholded where they are made.
struct InnerThreshold {
  const json* select = nullptr;  // a SELECT_NODE of the walked statement
  std::vector<KeptCondition> conditions;
};

class RulePolicy : public QueryRules {
 public:
  // After the walk: refuses what needs the whole query (joins to the runner's table, the output),
  // and adds the output constraints to enforce.
  virtual Status finish(const WalkedQuery& query, std::vector<KeptCondition>& kept) = 0;
  // After finish: the thresholds of aggregating SELECTs inside the query.
  virtual std::vector<InnerThreshold> inner_thresholds() const { return {}; }
};

SqlFeatures aggregation_features();
SqlFeatures list_features();
SqlFeatures custom_features();
// The shapes AMC SQL admits on the platform's tables alone (amc-api-facts.md, "The privacy
// model"); with other tables, their rule's shapes narrowed by restrict_for_amc.
SqlFeatures amc_features();
void restrict_for_amc(SqlFeatures& features);

// `tables`: the tables the query names (indexes into ctx.tables), all with a rule of the type.
std::unique_ptr<RulePolicy> aggregation_policy(const SqlText& sql, const QueryContext& ctx,
                                               const std::vector<int>& tables);
std::unique_ptr<RulePolicy> list_policy(const SqlText& sql, const QueryContext& ctx);
std::unique_ptr<RulePolicy> custom_policy(const SqlText& sql, const QueryContext& ctx);
std::unique_ptr<RulePolicy> amc_policy(const SqlText& sql, const QueryContext& ctx);
// Identities (identity_rules.cpp): platform user ids, and the ids matching resolved to them in any
// member's table, are VERY_HIGH under every rule type: joined on, counted, passed on unchanged by
// a WITH or subquery, never output, grouped, transformed or compared with anything else.
std::unique_ptr<RulePolicy> identity_policy(const SqlText& sql, const QueryContext& ctx);

// ID mapping tables (id_mapping_rules.cpp). The context with each mapping table's derived rule
// (an AGGREGATION rule over its two VERY_HIGH ids); the refusal of a query that names one with a
// platform table or a table whose rule is not AGGREGATION; and the policy that holds every
// occurrence of a mapping to its overlap (INNER-joined on each id to its member's table).
QueryContext with_id_mapping_rules(const QueryContext& ctx);
Status check_id_mapping_mix(const QueryContext& ctx, const std::vector<int>& named);
std::unique_ptr<RulePolicy> id_mapping_policy(const SqlText& sql, const QueryContext& ctx);
// A column of an ID mapping table: what it may meet is id_mapping_policy's to judge.
bool is_mapping_column(const QueryContext& ctx, const ColumnKey& key);

// The AMC class of a column: its platform table's class, VERY_HIGH for a resolved identity of
// any table; nullopt for columns of other tables.
std::optional<ColumnClass> column_class(const QueryContext& ctx, const ColumnKey& key);
// A column that identifies a person: a platform table's user id column or a resolved identity.
bool is_user_identity(const QueryContext& ctx, const ColumnKey& key);
// "column c of table t", for messages.
std::string describe(const QueryContext& ctx, const ColumnKey& key);

// CUSTOM: every table's rule must allow this analysis (its template, or the runner as provider).
Status check_custom_allowed(const QueryContext& ctx, const std::vector<int>& tables);

// Shared by AGGREGATION and LIST: a JOIN condition equates join columns of two different tables,
// combined only with the logical operators every involved table's rule allows.
Status check_join_condition(const SqlText& sql, const QueryContext& ctx, const JoinUse& join,
                            const std::string& rule);
// Every table for which `needs_join(table)` holds and that the runner does not own is INNER-joined,
// directly or through other tables, to a table the runner owns.
template <typename NeedsJoin>
Status check_joined_to_runner(const QueryContext& ctx, const WalkedQuery& query,
                              NeedsJoin needs_join);

// The rule of a table the query names (the caller has checked it has one).
template <typename R>
const R& rule_of(const QueryContext& ctx, int table) {
  return std::get<R>(ctx.tables[table].rule->body);
}

bool listed(const std::vector<std::string>& names, std::string_view name);

// ---- template implementation -------------------------------------------------------------------

Status joined_to_runner_impl(const QueryContext& ctx, const WalkedQuery& query,
                             const std::vector<bool>& needs_join);

template <typename NeedsJoin>
Status check_joined_to_runner(const QueryContext& ctx, const WalkedQuery& query,
                              NeedsJoin needs_join) {
  std::vector<bool> needs(ctx.tables.size(), false);
  for (size_t i = 0; i < ctx.tables.size(); ++i) needs[i] = needs_join(static_cast<int>(i));
  return joined_to_runner_impl(ctx, query, needs);
}

}  // namespace cleanroom::policy
