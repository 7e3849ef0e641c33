// check_query: parse with DuckDB's parser, find the tables and their common rule type, walk the
// query under that rule (and the AMC model when an AMC table is read), then rewrite it so the
// engine enforces the thresholds.
#include "policy/query_check.h"

#include <algorithm>

#include "policy/amc_dialect.h"
#include "policy/dp_rewrite.h"
#include "policy/filtered_rows.h"
#include "policy/query_rules.h"
#include "policy/safe_eval.h"
#include "policy/sql_parser.h"
#include "policy/sql_tree.h"
#include "policy/threshold_rewrite.h"

namespace cleanroom::policy {
namespace {

// Every table of the collaboration the tree names, wherever it is. WITH names never equal a
// table's name (the walk refuses that), so each of these is a real read.
void tables_named(const json& node, const QueryContext& ctx, std::vector<int>& out) {
  if (node.is_object()) {
    if (node_type(node) == "BASE_TABLE") {
      std::string_view name = str(node, "table_name");
      for (size_t i = 0; i < ctx.tables.size(); ++i)
        if (same_name(ctx.tables[i].name, name) &&
            std::find(out.begin(), out.end(), static_cast<int>(i)) == out.end())
          out.push_back(static_cast<int>(i));
    }
    for (const auto& [k, v] : node.items()) tables_named(v, ctx, out);
  } else if (node.is_array()) {
    for (const auto& v : node) tables_named(v, ctx, out);
  }
}

// clean-rooms-semantics.md: a table without a rule cannot be queried; a query may only reference
// tables whose rules are of the same type (`same_type`; the platform's tables, governed by the
// AMC model, mix with any).
Result<AnalysisRuleType> common_rule_type(const QueryContext& ctx, const std::vector<int>& tables,
                                          bool same_type) {
  for (int i : tables)
    if (!ctx.tables[i].rule)
      return invalid_query("table " + ctx.tables[i].name +
                           " has no analysis rule and cannot be queried yet");
  AnalysisRuleType type = ctx.tables[tables.front()].rule->type();
  for (int i : tables)
    if (same_type && ctx.tables[i].rule->type() != type)
      return invalid_query("tables " + ctx.tables[tables.front()].name + " (" + to_string(type) +
                           ") and " + ctx.tables[i].name + " (" +
                           to_string(ctx.tables[i].rule->type()) +
                           ") have analysis rules of different types; a query may only reference "
                           "tables whose rules are of the same type");
  return type;
}

}  // namespace

Result<CheckedQuery> check_query(std::string_view sql, const QueryContext& given) {
  // ID mapping tables carry no rule of their own: theirs is derived here (id_mapping_rules.cpp).
  const QueryContext ctx = with_id_mapping_rules(given);
  // AMC's TABLE(EXTEND_TIME_WINDOW(...)) loses TABLE( and ) (blanks: positions stay) so that
  // DuckDB's parser reads it; nothing else in any query changes.
  const std::string parseable = amc_parseable_text(sql);
  SqlText text(parseable);
  CR_ASSIGN(json tree, parse_sql(parseable));
  json& statements = tree["statements"];
  if (statements.empty()) return invalid_query("the query is empty");
  if (statements.size() != 1)
    return invalid_query("the query holds " + std::to_string(statements.size()) +
                         " statements; only a single SELECT statement can be run");
  json& statement = statements[0];
  const json& params = member(statement, "named_param_map");
  if (params.is_array() && !params.empty())
    return invalid_query("query parameters are not allowed");

  // AMC's dialect applies to queries of the platform's tables (it changes the meaning of a few
  // DuckDB names, such as DAYOFWEEK); EXTEND_TIME_WINDOW('t', ...) names its table only once
  // translated.
  CheckedQuery out;
  std::vector<int> named;
  json translated = statement;
  auto translation = translate_amc_dialect(text, translated, out.window_extensions);
  tables_named(translated, ctx, named);
  bool reads_platform =
      std::any_of(named.begin(), named.end(), [&](int i) { return ctx.tables[i].amc.has_value(); });
  if (reads_platform) {
    CR_TRY(translation);
    statement = std::move(translated);
    out.macros = amc_dialect_macros();
  } else {
    out.window_extensions.clear();
    named.clear();
    tables_named(statement, ctx, named);
  }
  // The platform's tables are governed by the AMC privacy model; every other table by its
  // owner's rule, which also decides the query's shapes.
  std::vector<int> governed;
  bool amc = false;
  for (int i : named) {
    if (ctx.tables[i].amc) {
      amc = true;
    } else {
      governed.push_back(i);
    }
  }
  std::vector<std::unique_ptr<RulePolicy>> policies;
  SqlFeatures features = aggregation_features();  // the strictest, until the tables are known
  AnalysisRuleType type = AnalysisRuleType::Aggregation;
  if (!named.empty()) {
    CR_TRY(status_of(common_rule_type(ctx, named, false)));
    CR_TRY(check_id_mapping_mix(ctx, named));
    if (governed.empty()) {
      features = amc_features();
      type = AnalysisRuleType::Custom;
    } else {
      CR_ASSIGN(type, common_rule_type(ctx, governed, true));
      switch (type) {
        case AnalysisRuleType::Aggregation:
          features = aggregation_features();
          policies.push_back(aggregation_policy(text, ctx, governed));
          break;
        case AnalysisRuleType::List:
          features = list_features();
          policies.push_back(list_policy(text, ctx));
          break;
        case AnalysisRuleType::Custom:
          CR_TRY(check_custom_allowed(ctx, governed));
          features = custom_features();
          policies.push_back(custom_policy(text, ctx));
          break;
      }
      if (amc) restrict_for_amc(features);
    }
    policies.push_back(identity_policy(text, ctx));
    policies.push_back(id_mapping_policy(text, ctx));
    if (amc) policies.push_back(amc_policy(text, ctx));
  }
  std::vector<QueryRules*> rules;
  for (auto& p : policies) rules.push_back(p.get());

  CR_ASSIGN(WalkedQuery walked, walk_query(text, statement, ctx, features, rules));
  if (walked.tables.empty() || named.empty())
    return invalid_query("the query reads no table of the collaboration");

  std::vector<KeptCondition> kept;
  for (auto& p : policies) CR_TRY(p->finish(walked, kept));

  out.rule_type = type;
  for (int t : walked.tables) out.tables.push_back(ctx.tables[t].name);
  // What runs is rendered from the checked tree, never the caller's text; the copy without TRY
  // only names the output columns as the analyst wrote them.
  json naming = statement;
  // Before anything else rewrites the tree: the inner thresholds point into it as walked.
  for (auto& p : policies)
    for (const auto& t : p->inner_thresholds()) {
      CR_TRY(
          add_inner_thresholds(const_cast<json&>(*t.select), t.conditions, ctx.difference_checks));
      out.checks_people = ctx.difference_checks;
    }
  // Differential privacy (dp_rewrite.h): a query of a table whose rule has differentialPrivacy
  // answers noisy aggregates of bounded contributions; before silence_errors, which then wraps
  // the analyst's expressions inside the rewritten query too.
  CR_TRY(add_differential_privacy(text, statement, ctx, walked, out));
  CR_TRY(silence_errors(text, statement, walked.safe_comparisons));
  if (!kept.empty()) {
    CR_TRY(add_thresholds(statement, kept, walked.equated_columns, ctx.difference_checks));
    out.thresholded = true;
    out.checks_people = ctx.difference_checks;
  }
  CR_TRY(apply_filtered_rows_options(text, statement, naming, ctx, walked, kept));
  CR_ASSIGN(out.naming_sql, render_checked(naming));
  CR_ASSIGN(out.sql, render_checked(statement));
  return out;
}

}  // namespace cleanroom::policy
