// AGGREGATION rules (clean-rooms-semantics.md, "AGGREGATION"): one SELECT of aggregates over
// INNER-joined tables, grouped by dimension columns; join columns only in JOIN conditions or inside
// the aggregates the rule allows; every output row thresholded by the output constraints.
#include <map>

#include "policy/query_rules.h"

namespace cleanroom::policy {
namespace {

const std::string kRule = "AGGREGATION analysis rules";

// The rule's scalarFunctions and the DuckDB functions (as parsed) each one allows. CAST and
// CONVERT allow CAST nodes, COALESCE the COALESCE operator; TO_NUMBER has no DuckDB function
// (cast instead).
const std::map<std::string, std::vector<std::string>>& scalar_function_names() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"ABS", {"abs"}},
      {"CEILING", {"ceiling", "ceil"}},
      {"COALESCE", {"ifnull"}},
      {"CURRENT_DATE", {"current_date", "today"}},
      {"DATEADD", {"date_add"}},
      {"EXTRACT", {"date_part", "datepart"}},
      {"FLOOR", {"floor"}},
      {"GETDATE", {"now", "get_current_timestamp", "current_timestamp"}},
      {"LN", {"ln"}},
      {"LOG", {"log", "log10"}},
      {"LOWER", {"lower", "lcase"}},
      {"ROUND", {"round"}},
      {"RTRIM", {"rtrim"}},
      {"SQRT", {"sqrt"}},
      {"SUBSTRING", {"substring", "substr"}},
      {"TO_CHAR", {"strftime"}},
      {"TO_DATE", {"strptime"}},
      {"TO_TIMESTAMP", {"to_timestamp", "strptime"}},
      {"TRIM", {"trim"}},
      {"TRUNC", {"trunc", "date_trunc"}},
      {"UPPER", {"upper", "ucase"}},
  };
  return m;
}

// The rule names that allow a DuckDB function.
std::vector<std::string> rule_names_for(std::string_view duckdb_name) {
  std::vector<std::string> out;
  for (const auto& [rule_name, names] : scalar_function_names())
    if (listed(names, duckdb_name)) out.push_back(rule_name);
  return out;
}

// The rule's name for an aggregate call: SUM, SUM_DISTINCT, COUNT, COUNT_DISTINCT, AVG; "" else.
std::string rule_function(const json& call) {
  std::string name = lower(str(call, "function_name"));
  bool distinct = member(call, "distinct") == true;
  if (name == "sum") return distinct ? "SUM_DISTINCT" : "SUM";
  if (name == "count") return distinct ? "COUNT_DISTINCT" : "COUNT";
  if (name == "avg" && !distinct) return "AVG";
  return "";
}

std::string readable(const std::string& fn) {
  if (fn == "SUM_DISTINCT") return "SUM(DISTINCT)";
  if (fn == "COUNT_DISTINCT") return "COUNT(DISTINCT)";
  return fn;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class AggregationPolicy : public RulePolicy {
 public:
  AggregationPolicy(const SqlText& sql, const QueryContext& ctx, const std::vector<int>& tables)
      : sql_(sql), ctx_(ctx), tables_(tables) {}

  Status on_column(const ColumnUse& use) override {
    if (!governs(use.relation.table)) return {};  // a platform table: the AMC model's
    const std::string& col = use.column.name;
    const std::string& table = ctx_.tables[use.relation.table].name;
    const AggregationRule& rule = rule_of<AggregationRule>(ctx_, use.relation.table);
    std::string which = "column " + col + " of table " + table;
    if (use.ctx.aggregate) {
      std::string fn = rule_function(*use.ctx.aggregate);
      if (fn.empty()) return aggregate_not_allowed(*use.ctx.aggregate);
      if (use.ctx.parent != use.ctx.aggregate)
        return sql_.error(use.ref, "aggregate functions take a column as it is, e.g. " +
                                       readable(fn) + "(" + col + "), under " + kRule);
      std::vector<std::string> allowed;
      for (const auto& a : rule.aggregate_columns)
        if (listed(a.column_names, col)) allowed.push_back(readable(a.function));
      if (listed(allowed, readable(fn))) return {};
      if (allowed.empty())
        return sql_.error(use.ref, which +
                                       " may not be aggregated (it is not an aggregate "
                                       "column of the table's analysis rule)");
      return sql_.error(use.ref, which + " may not be aggregated with " + readable(fn) +
                                     "; its analysis rule allows " + joined(allowed));
    }
    if (use.ctx.clause == Clause::JoinOn) {
      if (listed(rule.join_columns, col)) return {};
      return sql_.error(use.ref, which +
                                     " is not a join column: only join columns may be used "
                                     "in JOIN conditions");
    }
    if (listed(rule.dimension_columns, col)) return {};
    if (listed(rule.join_columns, col))
      return sql_.error(use.ref, which +
                                     " is a join column: it may only be used in JOIN conditions "
                                     "or inside an aggregate its rule allows, never output, "
                                     "grouped or filtered (found in " +
                                     std::string(clause_name(use.ctx.clause)) + ")");
    for (const auto& a : rule.aggregate_columns)
      if (listed(a.column_names, col))
        return sql_.error(use.ref, which +
                                       " is an aggregate column: it may only be used inside an "
                                       "aggregate function its rule allows (found outside one, "
                                       "in " +
                                       std::string(clause_name(use.ctx.clause)) + ")");
    return sql_.error(use.ref, which + " is not named by its analysis rule: it cannot be used");
  }

  Status on_call(const CallUse& use) override {
    if (use.info.kind == FunctionKind::Aggregate) {
      if (use.name == "count_star")
        return sql_.error(use.node, "COUNT(*) is not allowed by " + kRule +
                                        ": count a column the rule allows to be counted");
      std::string fn = rule_function(use.node);
      if (fn.empty()) return aggregate_not_allowed(use.node);
      if (!member(use.node, "filter").is_null() ||
          !member(member(use.node, "order_bys"), "orders").empty())
        return sql_.error(use.node,
                          "FILTER and ORDER BY inside aggregates are not allowed by " + kRule);
      const json& children = member(use.node, "children");
      if (children.size() != 1 || node_class(children[0]) != "COLUMN_REF")
        return sql_.error(use.node, "aggregate functions take one column, e.g. " + readable(fn) +
                                        "(column), under " + kRule);
      Clause c = use.ctx.clause;
      if (c != Clause::Select && c != Clause::Having && c != Clause::OrderBy)
        return sql_.error(use.node,
                          "aggregate functions are not allowed in " + std::string(clause_name(c)));
      return {};
    }
    if (use.info.arithmetic) return {};
    if (use.info.like) return comparison(use.node, use.ctx);
    if (literal_only(use.args)) return {};
    return scalar(use.node, use.name, rule_names_for(use.name), use.args);
  }

  Status on_operation(const OperationUse& use) override {
    std::string_view cls = use.node_class;
    if (cls == "CASE") return sql_.error(use.node, "CASE is not allowed by " + kRule);
    if (cls == "CAST") {
      if (literal_only(use.operands)) return {};  // a typed literal: DATE '2024-01-01'
      return scalar(use.node, "CAST", {"CAST", "CONVERT"}, use.operands);
    }
    if (use.type == "OPERATOR_COALESCE")
      return scalar(use.node, "COALESCE", {"COALESCE"}, use.operands);
    return comparison(use.node, use.ctx);
  }

  Status on_join(const JoinUse& use) override {
    return check_join_condition(sql_, ctx_, use, kRule);
  }

  Status on_select(const SelectUse& use) override {
    for (const auto& item : use.items)
      if (item.aggregate) return {};
    return sql_.error(member(use.node, "select_list")[0],
                      "an AGGREGATION query must compute at least one aggregate (SUM, COUNT, "
                      "AVG...) in its SELECT list");
  }

  Status finish(const WalkedQuery& query, std::vector<KeptCondition>& kept) override {
    CR_TRY(check_joined_to_runner(ctx_, query, [&](int t) {
      const auto* rule =
          ctx_.tables[t].rule ? std::get_if<AggregationRule>(&ctx_.tables[t].rule->body) : nullptr;
      return rule && rule->join_required;
    }));
    // Each occurrence of a table carries its own constraints; across tables the strictest wins
    // because every one of them must hold (clean-rooms-semantics.md).
    for (const auto& inst : query.instances)
      if (governs(inst.table))
        for (const auto& c : rule_of<AggregationRule>(ctx_, inst.table).output_constraints)
          kept.push_back({inst.relation, c.column_name, c.minimum});
    return {};
  }

 private:
  Status aggregate_not_allowed(const json& call) const {
    return sql_.error(call, "aggregate function " + lower(str(call, "function_name")) +
                                (member(call, "distinct") == true ? "(DISTINCT)" : "") +
                                " is not allowed by " + kRule +
                                ": use SUM, SUM(DISTINCT), COUNT, COUNT(DISTINCT) or AVG");
  }

  Status comparison(const json& node, const ExprContext& ctx) const {
    Clause c = ctx.clause;
    if (c == Clause::Where || c == Clause::Having || c == Clause::JoinOn) return {};
    return sql_.error(node,
                      "comparisons and logical operators are only allowed in WHERE and "
                      "HAVING under " +
                          kRule);
  }

  static bool literal_only(const std::vector<Lineage>& args) {
    if (args.empty()) return false;
    for (const auto& a : args)
      if (!a.derived.empty() || a.aggregate) return false;
    return true;
  }

  // A scalar function applied to columns (or to aggregates of them) must be one every table
  // involved lists in scalarFunctions; one without arguments, every table of the query.
  Status scalar(const json& node, const std::string& shown, const std::vector<std::string>& names,
                const std::vector<Lineage>& args) const {
    std::set<int> involved;
    for (const auto& a : args)
      for (const auto& k : a.derived)
        if (governs(k.table)) involved.insert(k.table);
    if (involved.empty()) involved.insert(tables_.begin(), tables_.end());
    for (int t : involved) {
      const auto& listed_functions = rule_of<AggregationRule>(ctx_, t).scalar_functions;
      bool ok = false;
      for (const auto& n : names) ok = ok || listed(listed_functions, n);
      if (!ok)
        return sql_.error(node, "function " + shown +
                                    " is not allowed by the analysis rule of table " +
                                    ctx_.tables[t].name + " (scalarFunctions)");
    }
    return {};
  }

  bool governs(int table) const {
    return std::find(tables_.begin(), tables_.end(), table) != tables_.end();
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
  std::vector<int> tables_;
};

}  // namespace

SqlFeatures aggregation_features() {
  SqlFeatures f;
  f.rule = kRule;
  f.distinct = false;
  return f;
}

std::unique_ptr<RulePolicy> aggregation_policy(const SqlText& sql, const QueryContext& ctx,
                                               const std::vector<int>& tables) {
  return std::make_unique<AggregationPolicy>(sql, ctx, tables);
}

}  // namespace cleanroom::policy
