// CUSTOM rules (clean-rooms-semantics.md, "CUSTOM"): any read-only SELECT (CTEs, subqueries,
// window functions, outer joins, set operations) from an allowed analysis template or provider,
// whose output never derives from a disallowed output column.
#include "policy/query_rules.h"

namespace cleanroom::policy {
namespace {

const std::string kRule = "CUSTOM analysis rules";

class CustomPolicy : public RulePolicy {
 public:
  CustomPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  // Each branch of a set operation at the top is checked as it is walked: its items are output.
  // Anything that went into an item counts (an alias, an expression, a CASE condition, a window's
  // PARTITION BY, a subquery, an aggregate of the column): the stricter reading. A table with
  // differentialPrivacy answers only noisy aggregates of bounded contributions (dp_rewrite.h):
  // there a disallowed column may choose the rows counted (a condition, COUNT(DISTINCT ...)),
  // never give its values to the output (a group key, a sum).
  Status on_select(const SelectUse& use) override {
    if (!use.output) return {};
    const json& items = member(use.node, "select_list");
    for (size_t i = 0; i < use.items.size(); ++i)
      for (const auto& k : use.items[i].derived) {
        const QueryTable& t = ctx_.tables[k.table];
        if (t.amc) continue;  // a platform table: the AMC model's
        const CustomRule& rule = rule_of<CustomRule>(ctx_, k.table);
        if (!rule.differential_privacy_column.empty() && !use.items[i].values.count(k)) continue;
        if (listed(rule.disallowed_output_columns, k.column))
          return sql_.error(items[i], "column " + k.column + " of table " + t.name +
                                          " may not appear in the output, even transformed or "
                                          "aggregated (disallowedOutputColumns)");
      }
    return {};
  }

  Status finish(const WalkedQuery&, std::vector<KeptCondition>&) override { return {}; }

 private:
  const SqlText& sql_;
  const QueryContext& ctx_;
};

}  // namespace

SqlFeatures custom_features() {
  SqlFeatures f;
  f.rule = kRule;
  f.ctes = true;
  f.set_operations = true;
  f.derived_tables = true;
  f.subqueries = true;
  f.windows = true;
  f.outer_joins = true;
  f.cross_joins = true;
  f.distinct_on = true;
  f.qualify = true;
  return f;
}

std::unique_ptr<RulePolicy> custom_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<CustomPolicy>(sql, ctx);
}

Status check_custom_allowed(const QueryContext& ctx, const std::vector<int>& tables) {
  for (int i : tables) {
    const QueryTable& t = ctx.tables[i];
    const CustomRule& rule = rule_of<CustomRule>(ctx, i);
    if (!ctx.analysis_template_arn.empty()) {
      if (listed(rule.allowed_analyses, ctx.analysis_template_arn)) continue;
      // A template's SQL may also run where the runner may run any query.
    }
    if (listed(rule.allowed_analyses, "ANY_QUERY") &&
        listed(rule.allowed_analysis_providers, ctx.runner_account_id))
      continue;
    if (rule.allowed_analyses.empty())
      return invalid_query("the analysis rule of table " + t.name +
                           " allows no analysis yet (allowedAnalyses is empty)");
    if (listed(rule.allowed_analyses, "ANY_QUERY"))
      return invalid_query("the analysis rule of table " + t.name +
                           " does not allow queries from account " + ctx.runner_account_id +
                           " (allowedAnalysisProviders)");
    return invalid_query("the analysis rule of table " + t.name +
                         " allows only its analysis templates (allowedAnalyses)" +
                         (ctx.analysis_template_arn.empty() ? std::string(": run one of them")
                                                            : std::string(", not this one")));
  }
  return {};
}

}  // namespace cleanroom::policy
