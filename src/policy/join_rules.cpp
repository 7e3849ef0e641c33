// Joins under AGGREGATION and LIST rules (clean-rooms-semantics.md, "Analysis rules"): conditions
// made of join-column equalities, and the join to the query runner's own table.
#include <algorithm>
#include <numeric>

#include "policy/query_rules.h"

namespace cleanroom::policy {

bool listed(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n == name; });
}

namespace {

const std::vector<std::string>& join_operators(const AnalysisRule& rule) {
  static const std::vector<std::string> none;
  if (auto* a = std::get_if<AggregationRule>(&rule.body)) return a->allowed_join_operators;
  if (auto* l = std::get_if<ListRule>(&rule.body)) return l->allowed_join_operators;
  return none;
}

}  // namespace

Status check_join_condition(const SqlText& sql, const QueryContext& ctx, const JoinUse& join,
                            const std::string& rule) {
  const json& at = join.condition ? *join.condition : join.node;
  if (!join.condition || !join.only_column_equalities)
    return sql.error(at, "JOIN conditions under " + rule +
                             " may only equate join columns (a.x = b.y), combined with AND or OR");
  for (const auto& eq : join.equalities)
    if (eq.left == eq.right)
      return sql.error(*eq.node, "a JOIN condition must equate columns of two different tables");
  for (const auto& op : join.logical_operators) {
    for (const Relation* r : join.tables) {
      const QueryTable& t = ctx.tables[r->table];
      if (t.amc) continue;  // a platform table: the AMC model's
      const auto& allowed = join_operators(*t.rule);
      // The model's default for allowedJoinOperators is AND alone.
      bool ok = allowed.empty() ? op == "AND" : listed(allowed, op);
      if (!ok)
        return sql.error(at, "the analysis rule of table " + t.name + " does not allow " + op +
                                 " in JOIN conditions (allowedJoinOperators)");
    }
  }
  return {};
}

Status joined_to_runner_impl(const QueryContext& ctx, const WalkedQuery& query,
                             const std::vector<bool>& needs_join) {
  size_t n = query.instances.size();
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (auto [a, b] : query.inner_join_edges) parent[root(a)] = root(b);
  auto owned_by_runner = [&](const TableInstance& i) {
    return ctx.tables[i.table].owner_account_id == ctx.runner_account_id;
  };
  for (size_t i = 0; i < n; ++i) {
    const TableInstance& inst = query.instances[i];
    if (!needs_join[inst.table] || owned_by_runner(inst)) continue;
    bool joined = false;
    for (size_t j = 0; j < n && !joined; ++j)
      joined = owned_by_runner(query.instances[j]) && root(j) == root(i);
    // The service's own message (clean-rooms-semantics.md, joinRequired QUERY_RUNNER).
    if (!joined)
      return invalid_query("Inner join to query runner table required for table " +
                           ctx.tables[inst.table].name);
  }
  return {};
}

}  // namespace cleanroom::policy
