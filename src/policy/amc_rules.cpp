// The AMC privacy model (amc-api-facts.md, "The privacy model"), on top of any rule: every query
// aggregates; VERY_HIGH columns (user_id) are only counted or joined on; HIGH and VERY_HIGH
// columns are never compared with literals; every output row stands for at least the threshold of
// the strictest class of the columns that shaped the row, in distinct users.
//
// Choices where the model is silent, the stricter reading each time: aggregation happens only in
// the outermost SELECT (CTEs and subqueries in FROM may filter, project, join and union rows but
// not aggregate them), no window functions, no subqueries in expressions; a HIGH column never
// meets a literal in any function or comparison; every referenced AMC column shapes the row.
#include <algorithm>

#include "policy/query_rules.h"

namespace cleanroom::policy {
namespace {

std::string class_name(ColumnClass c) {
  switch (c) {
    case ColumnClass::None:
      return "NONE";
    case ColumnClass::Low:
      return "LOW";
    case ColumnClass::Medium:
      return "MEDIUM";
    case ColumnClass::High:
      return "HIGH";
    case ColumnClass::VeryHigh:
      return "VERY_HIGH";
  }
  return "";
}

class AmcPolicy : public RulePolicy {
 public:
  AmcPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Status on_call(const CallUse& use) override {
    if (use.info.kind == FunctionKind::Aggregate) {
      if (!use.ctx.output)
        return sql_.error(use.node,
                          "queries of AMC tables aggregate only in their outermost SELECT");
      std::set<ColumnKey> inputs;
      for (const auto& a : use.args) inputs.insert(a.values.begin(), a.values.end());
      auto strictest = strictest_of(inputs);
      if (use.info.builds_list && strictest)
        return sql_.error(use.node, use.name + " would output the values of " +
                                        describe(ctx_, strictest->first) + " (AMC privacy)");
      if (use.info.picks_value && strictest && strictest->second >= ColumnClass::High)
        return sql_.error(use.node, use.name + " would output one value of " +
                                        describe(ctx_, strictest->first) + ", which is " +
                                        class_name(strictest->second) + " (AMC privacy)");
      return {};
    }
    return no_literal_comparison(use.node, use.args);
  }

  Status on_operation(const OperationUse& use) override {
    if (use.node_class == "SUBQUERY")
      return sql_.error(use.node,
                        "subqueries in expressions are not allowed in queries of AMC "
                        "tables");
    bool compares = use.node_class == "COMPARISON" || use.node_class == "BETWEEN" ||
                    use.type == "COMPARE_IN" || use.type == "COMPARE_NOT_IN";
    if (!compares) return {};
    return no_literal_comparison(use.node, use.operands);
  }

  Status on_select(const SelectUse& use) override {
    if (!use.output) {
      if (use.grouped)
        return sql_.error(member(use.node, "group_expressions")[0],
                          "queries of AMC tables may GROUP BY only in their outermost SELECT");
      return {};
    }
    for (const auto& item : use.items)
      if (item.aggregate) return {};
    return sql_.error(member(use.node, "select_list")[0],
                      "queries of AMC tables need an aggregate in their SELECT list (AMC "
                      "privacy): every output row must stand for many users");
  }

  Status finish(const WalkedQuery& query, std::vector<KeptCondition>& kept) override {
    if (!query.outermost_is_select)
      return invalid_query(
          "a query of AMC tables must end in one aggregating SELECT (no UNION, "
          "INTERSECT or EXCEPT at the outermost level)");
    // The row threshold: the strictest class among all columns of AMC tables the query names.
    int64_t threshold = 1;
    for (const auto& k : query.referenced) {
      auto cls = class_of(k);
      if (cls) threshold = std::max(threshold, threshold_of(*cls));
    }
    for (int t : query.tables) {
      const QueryTable& table = ctx_.tables[t];
      if (!table.amc) continue;
      ColumnKey uid = user_id_key(t);
      size_t before = kept.size();
      for (const auto& r : query.outermost_from)
        for (const auto& col : r.columns) {
          if (!col.lineage.pure || !col.lineage.values.count(uid) || !only_user_ids(col.lineage))
            continue;
          std::string relation = r.name;
          if (relation.empty() && !unique_in(query.outermost_from, col.name))
            return invalid_query("give the subquery that reads " + table.name +
                                 " an alias, so that its users can be counted");
          kept.push_back({relation, col.name, threshold});
        }
      if (kept.size() == before)
        return invalid_query("the outermost SELECT must read " + table.amc->user_id_column +
                             " of AMC table " + table.name +
                             " (directly, or passed on unchanged by a WITH or subquery) so that "
                             "every output row's distinct users can be counted (AMC privacy)");
    }
    return {};
  }

 private:
  std::optional<ColumnClass> class_of(const ColumnKey& k) const { return column_class(ctx_, k); }

  // The strictest-class column among `cols` of AMC tables, if any.
  std::optional<std::pair<ColumnKey, ColumnClass>> strictest_of(
      const std::set<ColumnKey>& cols) const {
    std::optional<std::pair<ColumnKey, ColumnClass>> out;
    for (const auto& k : cols) {
      auto cls = class_of(k);
      if (cls && (!out || *cls > out->second)) out = std::make_pair(k, *cls);
    }
    return out;
  }

  int64_t threshold_of(ColumnClass c) const {
    switch (c) {
      case ColumnClass::None:
        return 1;
      case ColumnClass::Low:
        return 2;
      default:
        return ctx_.amc_threshold;
    }
  }

  ColumnKey user_id_key(int t) const {
    const QueryTable& table = ctx_.tables[t];
    for (const auto& c : table.columns)
      if (same_name(c, table.amc->user_id_column)) return {t, c};
    return {t, table.amc->user_id_column};
  }

  // Counting users of a column that also carries other values (the runner's own ids, through
  // UNION ALL) would let those values pad a row up to the threshold: only platform user ids count.
  bool only_user_ids(const Lineage& l) const {
    for (const auto& k : l.values)
      if (!ctx_.tables[k.table].amc || !(user_id_key(k.table) == k)) return false;
    return true;
  }

  static bool unique_in(const std::vector<Relation>& rels, const std::string& name) {
    int n = 0;
    for (const auto& r : rels)
      for (const auto& c : r.columns) n += same_name(c.name, name) ? 1 : 0;
    return n == 1;
  }

  // Whatever compares or combines a HIGH or VERY_HIGH value with a literal could single out the
  // users behind one value (postal_code = '98101', nullif(postal_code, '98101'), ...). A column of
  // the analyst's own table is a literal in all but name (i.postal_code <= c.g, with c.g chosen
  // row by row), so such a value may meet only other platform columns.
  Status no_literal_comparison(const json& node, const std::vector<Lineage>& operands) const {
    std::set<ColumnKey> inputs;
    bool literal = false;
    for (const auto& o : operands) {
      inputs.insert(o.values.begin(), o.values.end());
      literal = literal || o.literal;
    }
    auto strictest = strictest_of(inputs);
    if (!strictest || strictest->second < ColumnClass::High) return {};
    bool foreign = std::any_of(inputs.begin(), inputs.end(), [&](const ColumnKey& k) {
      return !ctx_.tables[k.table].amc && !is_user_identity(ctx_, k);
    });
    if (!literal && !foreign) return {};
    return sql_.error(node, describe(ctx_, strictest->first) + " is " +
                                class_name(strictest->second) +
                                " (AMC privacy) and may not be compared with literals or with "
                                "columns of non-platform tables, in a comparison or a function");
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
};

}  // namespace

void restrict_for_amc(SqlFeatures& f) {
  f.windows = false;
  f.subqueries = false;
  f.qualify = false;
  f.rule += " on AMC tables";
}

std::unique_ptr<RulePolicy> amc_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<AmcPolicy>(sql, ctx);
}

}  // namespace cleanroom::policy
