// ID mapping tables (docs/id-mapping-tables.md): the ID_MAPPING_TABLE rule, in one place. A
// mapping table holds two VERY_HIGH columns, source_id and target_id, that link one member's ids
// to another's; neither member may read it. Its rule is derived here, never written by anyone:
// an AGGREGATION rule whose join columns are the two ids, which may be joined on and counted
// (COUNT, COUNT DISTINCT) and nothing else, with output constraints on both at the strictest
// minimum either member sets on any of its tables. And a query must use the mapping's overlap
// (the service's requireOverlap on both columns): every occurrence of the mapping INNER-joined on
// source_id to a table of the SOURCE namespace's member and on target_id to one of the TARGET's.
// So a member learns about the mapping only what thresholded aggregates over both members' rows
// tell, never which of its own identities matched.
#include <algorithm>
#include <map>

#include "policy/query_rules.h"

namespace cleanroom::policy {

namespace {

constexpr const char* kSourceColumn = "source_id";
constexpr const char* kTargetColumn = "target_id";
// The least a mapping's ids are counted at when neither member sets more: the model's smallest
// output constraint.
constexpr int kMinimumFloor = 2;

bool is_mapping(const QueryContext& ctx, int table) {
  return table >= 0 && ctx.tables[table].id_mapping.has_value();
}

AnalysisRule mapping_rule(int minimum) {
  AggregationRule r;
  r.aggregate_columns = {{{kSourceColumn, kTargetColumn}, "COUNT"},
                         {{kSourceColumn, kTargetColumn}, "COUNT_DISTINCT"}};
  r.join_columns = {kSourceColumn, kTargetColumn};
  r.output_constraints = {{kSourceColumn, minimum, "COUNT_DISTINCT"},
                          {kTargetColumn, minimum, "COUNT_DISTINCT"}};
  return AnalysisRule{r};
}

class IdMappingPolicy : public RulePolicy {
 public:
  IdMappingPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Status on_join(const JoinUse& use) override {
    for (const auto& eq : use.equalities) {
      const std::string left = member(*eq.node, "left")["column_names"].back().get<std::string>();
      const std::string right = member(*eq.node, "right")["column_names"].back().get<std::string>();
      CR_TRY(side(use, *eq.node, *eq.left, left, *eq.right));
      CR_TRY(side(use, *eq.node, *eq.right, right, *eq.left));
    }
    return {};
  }

  Status finish(const WalkedQuery& query, std::vector<KeptCondition>&) override {
    for (size_t i = 0; i < query.instances.size(); ++i) {
      const TableInstance& inst = query.instances[i];
      if (!is_mapping(ctx_, inst.table)) continue;
      const auto& joined = joined_[static_cast<int>(i)];
      for (const char* column : {kSourceColumn, kTargetColumn})
        if (!joined.count(column))
          return invalid_query(
              "ID mapping table " + ctx_.tables[inst.table].name + " must be INNER-joined on " +
              column + " to a table of the " + owner_noun(column) +
              " member: a query may use only the mapping's overlap of both members' tables");
    }
    return {};
  }

 private:
  // One side of an equality in a JOIN condition: `column` of `relation` equated with `other`.
  Status side(const JoinUse& use, const json& node, const Relation& relation,
              const std::string& column, const Relation& other) {
    if (!is_mapping(ctx_, relation.table)) return {};
    const QueryTable& mapping = ctx_.tables[relation.table];
    const bool source = same_name(column, kSourceColumn);
    const std::string& owner =
        source ? mapping.id_mapping->source_owner : mapping.id_mapping->target_owner;
    const char* name = source ? kSourceColumn : kTargetColumn;
    if (use.join_type != "INNER")
      return sql_.error(node, "ID mapping table " + mapping.name +
                                  " may only be INNER-joined: an outer join would show the ids "
                                  "the mapping does not match");
    if (is_mapping(ctx_, other.table) || other.table < 0 ||
        ctx_.tables[other.table].owner_account_id != owner)
      return sql_.error(node, "column " + std::string(name) + " of ID mapping table " +
                                  mapping.name + " may only be joined with a column of a table " +
                                  "of the " + owner_noun(name) + " member");
    joined_[relation.instance].insert(name);
    return {};
  }

  static std::string owner_noun(std::string_view column) {
    return column == kSourceColumn ? "SOURCE ID namespace's" : "TARGET ID namespace's";
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
  std::map<int, std::set<std::string>> joined_;  // mapping occurrence -> columns joined as due
};

}  // namespace

QueryContext with_id_mapping_rules(const QueryContext& ctx) {
  QueryContext out = ctx;
  for (auto& t : out.tables) {
    if (!t.id_mapping) continue;
    int minimum = kMinimumFloor;
    for (const auto& other : ctx.tables) {
      if (other.id_mapping || !other.rule) continue;
      if (other.owner_account_id != t.id_mapping->source_owner &&
          other.owner_account_id != t.id_mapping->target_owner)
        continue;
      if (auto* a = std::get_if<AggregationRule>(&other.rule->body))
        for (const auto& c : a->output_constraints) minimum = std::max(minimum, c.minimum);
    }
    t.rule = mapping_rule(minimum);
  }
  return out;
}

Status check_id_mapping_mix(const QueryContext& ctx, const std::vector<int>& named) {
  auto mapping =
      std::find_if(named.begin(), named.end(), [&](int i) { return is_mapping(ctx, i); });
  if (mapping == named.end()) return {};
  const std::string& name = ctx.tables[*mapping].name;
  for (int i : named) {
    if (is_mapping(ctx, i)) continue;
    const QueryTable& t = ctx.tables[i];
    if (t.amc)
      return invalid_query("ID mapping table " + name + " cannot be queried with the platform's " +
                           "table " + t.name);
    if (t.rule && t.rule->type() != AnalysisRuleType::Aggregation)
      return invalid_query("ID mapping table " + name +
                           " can only be queried with tables whose analysis rules are "
                           "AGGREGATION; table " +
                           t.name + " has a " + to_string(t.rule->type()) +
                           " rule, under which the mapping's overlap could be listed row by row");
  }
  return {};
}

bool is_mapping_column(const QueryContext& ctx, const ColumnKey& k) {
  return is_mapping(ctx, k.table);
}

std::unique_ptr<RulePolicy> id_mapping_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<IdMappingPolicy>(sql, ctx);
}

}  // namespace cleanroom::policy
