// LIST rules (clean-rooms-semantics.md, "LIST"): SELECT DISTINCT of list columns over tables
// INNER-joined on join columns to the query runner's table; no aggregate or scalar functions,
// only mathematical operators; no thresholds.
#include "policy/query_rules.h"

namespace cleanroom::policy {
namespace {

const std::string kRule = "LIST analysis rules";

class ListPolicy : public RulePolicy {
 public:
  ListPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Status on_column(const ColumnUse& use) override {
    if (ctx_.tables[use.relation.table].amc) return {};  // a platform table: the AMC model's
    const std::string& col = use.column.name;
    const ListRule& rule = rule_of<ListRule>(ctx_, use.relation.table);
    std::string which = "column " + col + " of table " + ctx_.tables[use.relation.table].name;
    Clause c = use.ctx.clause;
    if (c == Clause::JoinOn) {
      if (listed(rule.join_columns, col)) return {};
      return sql_.error(use.ref, which +
                                     " is not a join column: only join columns may be used "
                                     "in JOIN conditions");
    }
    if (c != Clause::Select && c != Clause::Where)
      return sql_.error(use.ref, "LIST queries name columns only in SELECT, JOIN and WHERE");
    if (listed(rule.list_columns, col)) return {};
    if (listed(rule.join_columns, col))
      return sql_.error(use.ref, which +
                                     " is a join column: LIST queries may use it only in JOIN "
                                     "conditions, never list or filter it");
    return sql_.error(use.ref, which + " is not a list column of its analysis rule");
  }

  Status on_call(const CallUse& use) override {
    if (use.info.kind == FunctionKind::Aggregate)
      return sql_.error(use.node, "aggregate functions are not allowed by " + kRule);
    if (use.info.arithmetic) return {};
    if (use.info.like) return comparison(use.node, use.ctx);
    if (literal_only(use.args)) return {};  // INTERVAL '1' DAY and other typed literals
    return sql_.error(use.node, "function " + use.name + " is not allowed by " + kRule +
                                    ": only mathematical operators (+ - * / %)");
  }

  Status on_operation(const OperationUse& use) override {
    if (use.node_class == "CAST") {
      if (literal_only(use.operands)) return {};
      return sql_.error(use.node, "CAST is not allowed by " + kRule);
    }
    if (use.node_class == "CASE" || use.type == "OPERATOR_COALESCE")
      return sql_.error(use.node, "CASE and COALESCE are not allowed by " + kRule);
    return comparison(use.node, use.ctx);
  }

  Status on_join(const JoinUse& use) override {
    return check_join_condition(sql_, ctx_, use, kRule);
  }

  Status on_select(const SelectUse& use) override {
    if (!use.distinct)
      return sql_.error(member(use.node, "select_list")[0], "LIST queries must be SELECT DISTINCT");
    return {};
  }

  Status finish(const WalkedQuery& query, std::vector<KeptCondition>&) override {
    // "A join with the query runner's table is required" for every table of another member.
    return check_joined_to_runner(ctx_, query, [&](int t) { return !ctx_.tables[t].amc; });
  }

 private:
  Status comparison(const json& node, const ExprContext& ctx) const {
    if (ctx.clause == Clause::Where || ctx.clause == Clause::JoinOn) return {};
    return sql_.error(node,
                      "comparisons and logical operators are only allowed in WHERE under " + kRule);
  }

  static bool literal_only(const std::vector<Lineage>& args) {
    if (args.empty()) return false;
    for (const auto& a : args)
      if (!a.derived.empty()) return false;
    return true;
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
};

}  // namespace

SqlFeatures list_features() {
  SqlFeatures f;
  f.rule = kRule;
  f.group_by = false;
  f.having = false;
  f.order_by = false;
  return f;
}

std::unique_ptr<RulePolicy> list_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<ListPolicy>(sql, ctx);
}

}  // namespace cleanroom::policy
