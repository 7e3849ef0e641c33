#pragma once
// The analysis rule of a configured table: the service model's ConfiguredTableAnalysisRulePolicyV1
// (AGGREGATION, LIST, CUSTOM) as typed data, parsed from its JSON and validated as AWS Clean Rooms
// does (reference/clean-rooms-semantics.md, "Analysis rules"). The query checker reads rules
// through this model; the core stores the canonical JSON it renders.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"

namespace cleanroom::policy {

enum class AnalysisRuleType { Aggregation, List, Custom };

std::string to_string(AnalysisRuleType type);  // AGGREGATION, LIST, CUSTOM
std::optional<AnalysisRuleType> parse_rule_type(std::string_view name);
// The member of a policy's `v1` union that holds a type: "aggregation", "list" or "custom" (the
// configured table's rule and its association's rule alike).
const char* v1_member(AnalysisRuleType type);

struct AggregateColumn {
  std::vector<std::string> column_names;
  std::string function;  // SUM, SUM_DISTINCT, COUNT, COUNT_DISTINCT, AVG
};

// An output row is kept only when at least `minimum` distinct values of the column stand behind it.
struct OutputConstraint {
  std::string column_name;
  int minimum = 0;   // 2..100000
  std::string type;  // COUNT_DISTINCT, the only one the model defines
};

struct AggregationRule {
  std::vector<AggregateColumn> aggregate_columns;
  std::vector<std::string> join_columns;  // may join and be aggregated, never be output directly
  std::vector<std::string> dimension_columns;  // may be selected, grouped by, filtered by
  std::vector<std::string> scalar_functions;
  std::vector<OutputConstraint> output_constraints;
  bool join_required = false;  // joinRequired QUERY_RUNNER
  std::vector<std::string>
      allowed_join_operators;       // AND, OR; empty means AND (the model's default)
  std::string additional_analyses;  // "" when not given
};

struct ListRule {
  std::vector<std::string> join_columns;
  std::vector<std::string> list_columns;
  std::vector<std::string> allowed_join_operators;  // empty means AND
  std::string additional_analyses;
};

struct CustomRule {
  std::vector<std::string> allowed_analyses;            // analysis template ARNs, or ANY_QUERY
  std::vector<std::string> allowed_analysis_providers;  // accounts, with ANY_QUERY only
  std::vector<std::string> disallowed_output_columns;
  std::string additional_analyses;
  // differentialPrivacy.columns[0].name: the column that identifies the person whose rows the
  // table holds. Set, every query of the table answers only noisy aggregates of bounded
  // contributions (docs/differential-privacy.md); "" when the rule has no differentialPrivacy.
  std::string differential_privacy_column;
};

struct AnalysisRule {
  std::variant<AggregationRule, ListRule, CustomRule> body;

  // The variant's alternatives are in the order of AnalysisRuleType.
  AnalysisRuleType type() const { return static_cast<AnalysisRuleType>(body.index()); }
  // The ConfiguredTableAnalysisRulePolicy, {"v1": {"aggregation": {...}}}, with the optional
  // members that were given and nothing else: what is stored and shown.
  nlohmann::json to_json() const;
};

// Parses `policy` (a ConfiguredTableAnalysisRulePolicy) and validates it: its own structure,
// that it is of `declared_type` (the analysisRuleType stated beside it), and that every column it
// names is one of `allowed_columns` of its configured table. Errors are Validation errors whose
// field is the path of the offending member under "analysisRulePolicy".
Result<AnalysisRule> parse_analysis_rule(std::string_view declared_type,
                                         const nlohmann::json& policy,
                                         const std::vector<std::string>& allowed_columns);

}  // namespace cleanroom::policy
