#pragma once
// The query checker: one SQL text, parsed with DuckDB's own parser (json_serialize_sql) so that
// what is checked is exactly what runs, checked against the analysis rule of every table it
// references, and rewritten so that the output constraints (and AMC-style thresholds) are
// enforced inside the engine (DESIGN.md "Privacy controls"; clean-rooms-semantics.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/analysis_rule.h"

namespace cleanroom::policy {

// AMC column classes (amc-api-facts.md, "The privacy model").
enum class ColumnClass { None, Low, Medium, High, VeryHigh };

// AMC-style privacy for a platform table: every column's class and the column that identifies
// a user. An output row must stand for at least the threshold of the strictest class among the
// columns that shaped it, in distinct users.
struct AmcPrivacy {
  std::string user_id_column;
  std::map<std::string, ColumnClass> column_classes;  // a column not listed is None
};

// A table the query may name: the association's name in the collaboration, its allowed columns
// (what the engine's view exposes), its rule and who owns it.
struct QueryTable {
  std::string name;  // the configured table association's name, as written in SQL
  std::vector<std::string> columns;
  std::optional<AnalysisRule> rule;  // none: the table cannot be queried yet
  std::string owner_account_id;
  std::optional<AmcPrivacy> amc;  // platform tables only
};

struct QueryContext {
  std::vector<QueryTable> tables;        // every table associated into the collaboration
  std::string runner_account_id;         // the member running the query (joinRequired, providers)
  std::string analysis_template_arn;     // set when the SQL comes from an analysis template
  // Minimum distinct users per output row for the AMC classes medium and high (low is 2).
  int64_t amc_threshold = 100;
};

// The SQL to run. Its columns are the visible output columns, followed, when `thresholded`,
// by the BOOLEAN column kKeptColumn: false on rows that fail an output constraint or threshold.
// The engine writes only kept rows and counts the others (the AMC face reports that count; the
// Clean Rooms face drops them silently).
inline constexpr const char* kKeptColumn = "__cleanroom_kept";
struct CheckedQuery {
  std::string sql;
  bool thresholded = false;
  std::vector<std::string> tables;  // names of the tables it reads, as in QueryContext
  AnalysisRuleType rule_type = AnalysisRuleType::Aggregation;
};

// Checks and rewrites. A refusal is a Validation error with reason INVALID_QUERY whose message
// names the rule broken and, when known, the position in the SQL ("at character N").
Result<CheckedQuery> check_query(std::string_view sql, const QueryContext& ctx);

}  // namespace cleanroom::policy
