// The AMC privacy model (amc-api-facts.md, "The privacy model") on the platform's tables, with
// AMC's SQL freedom: CTEs that aggregate (per user or not), CASE, inner, left and full joins on
// any columns, UNION, VALUES, subqueries, window functions, DISTINCT. What stays refused: RIGHT
// JOIN and ORDER BY outside window functions (AMC SQL), one person's values reaching another
// person's row, VERY_HIGH columns anywhere but counts and keys (identity_rules.cpp), HIGH columns
// meeting literals, and any row of the platform's people leaving the query unaggregated.
//
// Thresholds count people where rows of many people become one (DESIGN.md "Thresholds count
// people"). The walk tracks, per relation, the table occurrences whose single rows it still holds
// (Relation::people) and, per column, whose person it identifies (Lineage::counts). An
// aggregating SELECT keeps apart the people its GROUP BY keys identify (a per-user aggregation
// stays rows of single people) and thresholds the others in its own HAVING, counting each
// occurrence on a column that carries nothing but the platform's user ids: so a row of a WITH
// that aggregates stands for the threshold's number of people before anything reads it, and the
// output SELECT's conditions go where the filtered-row options can see them (KeptCondition).
// The threshold is that of the strictest class among all platform columns the query names.
#include <algorithm>
#include <map>

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

bool includes(const std::set<int>& all, const std::set<int>& some) {
  return std::includes(all.begin(), all.end(), some.begin(), some.end());
}

class AmcPolicy : public RulePolicy {
 public:
  AmcPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Status on_call(const CallUse& use) override {
    if (use.info.kind == FunctionKind::Aggregate || use.window) {
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
      if (use.info.kind == FunctionKind::Aggregate) return {};
    }
    return no_literal_comparison(use.node, use.args);
  }

  Status on_operation(const OperationUse& use) override {
    if (use.node_class == "SUBQUERY") return subquery(use);
    bool compares = use.node_class == "COMPARISON" || use.node_class == "BETWEEN" ||
                    use.type == "COMPARE_IN" || use.type == "COMPARE_NOT_IN";
    if (!compares) return {};
    return no_literal_comparison(use.node, use.operands);
  }

  Status on_select(const SelectUse& use) override {
    const auto& instances = *use.instances;
    // Window functions run after GROUP BY and HAVING: over groups when the SELECT aggregates.
    std::set<int> rows = platform(use.aggregates ? use.people : use.from_people, instances);
    for (const auto& w : use.windows)
      if (!includes(w.partition_counts, rows))
        return sql_.error(*w.node, "a window function over single people's rows of " +
                                       table_of(*rows.begin(), instances) +
                                       " must PARTITION BY its " +
                                       user_id_of(*rows.begin(), instances) +
                                       " (AMC privacy): otherwise one person's values reach other "
                                       "people's rows");
    std::set<int> left = platform(use.people, instances);
    if (use.output && !left.empty())
      return sql_.error(member(use.node, "select_list")[0],
                        "queries of AMC tables must aggregate the rows of " +
                            table_of(*left.begin(), instances) +
                            " (AMC privacy): every output row must stand for many users");
    std::set<int> aggregated = platform(use.aggregated, instances);
    if (aggregated.empty()) return {};
    CR_ASSIGN(auto conditions, counting(use, aggregated));
    if (use.outermost) {
      outermost_ = std::move(conditions);
    } else {
      inner_.push_back({&use.node, std::move(conditions)});
    }
    return {};
  }

  Status finish(const WalkedQuery& query, std::vector<KeptCondition>& kept) override {
    // The row threshold: the strictest class among all columns of AMC tables the query names.
    int64_t threshold = 1;
    for (const auto& k : query.referenced) {
      auto cls = column_class(ctx_, k);
      if (cls && ctx_.tables[k.table].amc) threshold = std::max(threshold, threshold_of(*cls));
    }
    for (auto& c : outermost_) {
      c.minimum = threshold;
      kept.push_back(c);
    }
    for (auto& t : inner_)
      for (auto& c : t.conditions) c.minimum = threshold;
    return {};
  }

  std::vector<InnerThreshold> inner_thresholds() const override { return inner_; }

 private:
  // The conditions that count every occurrence in `aggregated`: one column per condition, each
  // counting as many of them as it can (two user ids a join equates count once).
  Result<std::vector<KeptCondition>> counting(const SelectUse& use, std::set<int> aggregated) {
    const auto& instances = *use.instances;
    std::vector<KeptCondition> out;
    while (!aggregated.empty()) {
      const Relation* best_relation = nullptr;
      const RelationColumn* best = nullptr;
      size_t best_count = 0;
      for (const auto& r : use.from)
        for (const auto& col : r.columns) {
          if (!col.lineage.pure || !only_user_ids(col.lineage)) continue;
          size_t n = 0;
          for (int i : col.lineage.counts) n += aggregated.count(i);
          if (n > best_count) best_relation = &r, best = &col, best_count = n;
        }
      int first = *aggregated.begin();
      if (!best)
        return sql_.error(
            use.node.contains("select_list") ? member(use.node, "select_list")[0] : use.node,
            "the rows of " + table_of(first, instances) + " are aggregated here " +
                "but no longer carry its " + user_id_of(first, instances) + ": keep " +
                user_id_of(first, instances) +
                " in the SELECT list of the WITH or subquery that reads " +
                table_of(first, instances) +
                " so that every row's users can be counted (AMC privacy)");
      if (best_relation->name.empty() && !unique_in(use, best->name))
        return invalid_query("give the subquery that reads " + table_of(first, instances) +
                             " an alias, so that its users can be counted");
      out.push_back({best_relation->name, best->name, 0});
      for (int i : best->lineage.counts) aggregated.erase(i);
    }
    return out;
  }

  // x IN (SELECT user_id ...) keeps the rows of the people it names: the outer row's person is
  // the subquery row's, counted where the outer rows are aggregated, so x must be a platform user
  // id too (a member's resolved id would let its own rows ask about one platform person). Any
  // other use of single people's rows (a scalar, EXISTS, IN on another column) would turn on the
  // rows of one person, counted by nobody.
  Status subquery(const OperationUse& use) const {
    std::set<int> people = platform(use.subquery_people, *use.instances);
    if (people.empty()) return {};
    bool semi_join = use.type == "ANY" && str(use.node, "comparison_type") == "COMPARE_EQUAL" &&
                     use.subquery_column && use.subquery_column->pure &&
                     includes(use.subquery_column->counts, people) && use.operands.size() == 2 &&
                     use.operands[1].pure && !use.operands[1].counts.empty() &&
                     only_user_ids(use.operands[1]);
    if (semi_join) return {};
    int first = *people.begin();
    return sql_.error(use.node, "this subquery answers with single people's rows of " +
                                    table_of(first, *use.instances) +
                                    ": aggregate it, join it, or use it as " +
                                    user_id_of(first, *use.instances) + " IN (SELECT " +
                                    user_id_of(first, *use.instances) + " ...) (AMC privacy)");
  }

  // The occurrences of AMC tables among `instances`.
  std::set<int> platform(const std::set<int>& people,
                         const std::vector<TableInstance>& instances) const {
    std::set<int> out;
    for (int i : people)
      if (i >= 0 && static_cast<size_t>(i) < instances.size() &&
          ctx_.tables[instances[i].table].amc)
        out.insert(i);
    return out;
  }

  std::string table_of(int instance, const std::vector<TableInstance>& instances) const {
    return ctx_.tables[instances[instance].table].name;
  }
  std::string user_id_of(int instance, const std::vector<TableInstance>& instances) const {
    return ctx_.tables[instances[instance].table].amc->user_id_column;
  }

  std::optional<std::pair<ColumnKey, ColumnClass>> strictest_of(
      const std::set<ColumnKey>& cols) const {
    std::optional<std::pair<ColumnKey, ColumnClass>> out;
    for (const auto& k : cols) {
      auto cls = column_class(ctx_, k);
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

  // Counting users of a column that also carries other values (the runner's own ids, through
  // UNION ALL) would let those values pad a row up to the threshold: only platform user ids count.
  bool only_user_ids(const Lineage& l) const {
    if (l.literal || l.values.empty()) return false;
    for (const auto& k : l.values) {
      const QueryTable& t = ctx_.tables[k.table];
      if (!t.amc || !same_name(k.column, t.amc->user_id_column)) return false;
    }
    return true;
  }

  // The column can be named alone in the SELECT's HAVING: no other FROM column and no select-list
  // alias has its name.
  static bool unique_in(const SelectUse& use, const std::string& name) {
    int n = 0;
    for (const auto& r : use.from)
      for (const auto& c : r.columns) n += same_name(c.name, name) ? 1 : 0;
    for (const auto& item : member(use.node, "select_list"))
      if (same_name(str(item, "alias"), name)) return false;
    return n == 1;
  }

  // Whatever compares or combines a HIGH or VERY_HIGH value with a literal could single out the
  // users behind one value (postal_code = '98101', nullif(postal_code, '98101'), ...). A column of
  // the analyst's own table is a literal in all but name (i.postal_code <= c.g, with c.g chosen
  // row by row), so such a value may meet only other platform columns. A VALUES list is literals.
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
  std::vector<KeptCondition> outermost_;
  std::vector<InnerThreshold> inner_;
};

}  // namespace

SqlFeatures amc_features() {
  SqlFeatures f = custom_features();
  f.rule = "the AMC privacy model";
  restrict_for_amc(f);
  f.values = true;
  return f;
}

void restrict_for_amc(SqlFeatures& f) {
  f.right_joins = false;
  f.distinct_on = false;
  f.qualify = false;
  f.order_by_outside_windows = false;
  if (f.rule.find("AMC") == std::string::npos) f.rule += " on AMC tables";
}

std::unique_ptr<RulePolicy> amc_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<AmcPolicy>(sql, ctx);
}

}  // namespace cleanroom::policy
