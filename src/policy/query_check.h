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
#include "policy/dp_accounting.h"

namespace cleanroom::policy {

// AMC column classes (amc-api-facts.md, "The privacy model").
enum class ColumnClass { None, Low, Medium, High, VeryHigh };

// AMC-style privacy for a platform table: every column's class and the column that identifies
// a user. An output row must stand for at least the threshold of the strictest class among the
// columns that shaped it, in distinct users.
struct AmcPrivacy {
  std::string user_id_column;
  std::map<std::string, ColumnClass> column_classes;  // a column not listed is None
  // The column an execution's time window filters the table on (AMC: every platform table is
  // read only for the window's events); empty when the table has none.
  std::string event_time_column;
};

// A table the query may name: the association's name in the collaboration, its allowed columns
// (what the engine's view exposes), its rule and who owns it.
struct QueryTable {
  std::string name;  // the configured table association's name, as written in SQL
  std::vector<std::string> columns;
  std::optional<AnalysisRule> rule;  // none: the table cannot be queried yet
  std::string owner_account_id;
  std::optional<AmcPrivacy> amc;  // platform tables only
  // The DuckDB type of each column (VARCHAR, BIGINT, ...): two columns compared across tables
  // must have the same type, so that no implicit cast can make one person count as many or
  // turn another party's value into an error. A column not listed has an unknown type.
  std::map<std::string, std::string> column_types;
  // Columns holding resolved platform identities (matching's user_id): VERY_HIGH wherever
  // they live, whatever the table's rule says (DESIGN.md "Privacy controls").
  std::vector<std::string> identity_columns;
  // Set on an ID mapping table (docs/id-mapping-tables.md): a table of two VERY_HIGH columns,
  // source_id and target_id, whose rule (ID_MAPPING_TABLE) the checker derives from the other
  // tables of the query (id_mapping_rules.cpp). `rule` is then unset.
  struct IdMappingSides {
    std::string source_owner;  // the account whose table source_id may be joined with
    std::string target_owner;  // ... and target_id
  };
  std::optional<IdMappingSides> id_mapping;
};

// AMC's privacyFilteringBehavior: what becomes of the rows under a threshold (filtered_rows.h).
enum class PrivacyFilteringBehavior { RemoveRows, RemoveValues };

// The filtered-row options of an AMC workflow besides filteredMetricsDiscriminatorColumn
// (filtered_rows.h); "" leaves a column out.
struct FilteredRowOptions {
  std::string user_count_column;  // distinctUserCountColumn
  std::string reason_column;      // filteredReasonColumn
  PrivacyFilteringBehavior behavior = PrivacyFilteringBehavior::RemoveRows;
};

// The collaboration's differential privacy policy, as a query of a table whose CUSTOM rule has
// differentialPrivacy needs it (docs/differential-privacy.md, dp_rewrite.h).
struct DpParameters {
  // The privacy budget template's usersNoisePerQuery (10..100): each noised sum hides this many
  // people's whole (bounded) contributions and spends 1 / usersNoisePerQuery of epsilon.
  int users_noise_per_query = 0;
  // Contribution bounds, the collaboration's choice and never derived from the data: a person
  // counts in at most `max_groups_per_person` groups of a query (L0), with at most
  // `max_rows_per_group` rows in each (Linf). 1..1000 each.
  int max_groups_per_person = 1;
  int max_rows_per_group = 1;
};

struct QueryContext {
  std::vector<QueryTable> tables;     // every table associated into the collaboration
  std::string runner_account_id;      // the member running the query (joinRequired, providers)
  std::string analysis_template_arn;  // set when the SQL comes from an analysis template
  // Minimum distinct users per output row for the AMC classes medium and high (low is 2).
  int64_t amc_threshold = 100;
  // AMC's filteredMetricsDiscriminatorColumn: when set, the rows under a threshold are folded
  // into one thresholded row flagged TRUE in this column (filtered_rows.h), not dropped.
  std::string filtered_rows_discriminator;
  FilteredRowOptions filtered_rows;  // AMC workflows only
  // Difference checks (docs/difference-checks.md): every thresholded SELECT also keeps only the
  // groups whose people the engine's people check admits (threshold_rewrite.h).
  bool difference_checks = false;
  // Differential privacy: absent when the collaboration has no differential privacy policy; a
  // table whose rule has differentialPrivacy then cannot be queried.
  std::optional<DpParameters> dp;
};

// One aggregation a differentially private query computes, for the budget and for
// ProtectedQuery.differentialPrivacy.sensitivityParameters.
struct DpSensitivity {
  DpAggregate kind = DpAggregate::Count;
  std::string expression;  // as the query writes it; the partition selection's count is named so
  int64_t user_contribution_limit = 0;  // rows one person may contribute: L0 x Linf
  std::optional<double> min_value;      // the bounds values are clamped to (SUM, AVG, STDDEV)
  std::optional<double> max_value;
};

// The SQL to run, rendered by DuckDB from the checked tree (never the caller's text): thresholds
// are part of its outermost HAVING, so rows under them are gone before ORDER BY and LIMIT, and
// every expression that could raise an error is wrapped in TRY, so that success or failure never
// depends on rows. `naming_sql` is the same query without the TRY wrappers: the engine binds it
// (never runs it) only to name the output columns as the analyst's SQL names them.
struct CheckedQuery {
  std::string sql;
  std::string naming_sql;
  bool thresholded = false;
  // `sql` calls the engine's people check (QueryContext::difference_checks and a threshold).
  bool checks_people = false;
  std::vector<std::string> tables;  // names of the tables it reads, as in QueryContext
  AnalysisRuleType rule_type = AnalysisRuleType::Aggregation;
  // AMC's TABLE(EXTEND_TIME_WINDOW('table', 'P30D', 'P0D')): the table's window is widened by
  // `before` (earlier start) and `after` (later end), ISO-8601 durations as written.
  struct WindowExtension {
    std::string table;
    std::string before;
    std::string after;
  };
  std::vector<WindowExtension> window_extensions;
  // What the engine must create before binding `sql` (AMC dialect macros, amc_dialect.h).
  std::vector<std::string> macros;
  // Differential privacy (dp_rewrite.h): the epsilon the query spends, the sum over its
  // aggregations of dp_epsilon_per_aggregation (0 when it reads no table whose rule has
  // differentialPrivacy); how many aggregations of each kind it computes, and each one.
  double dp_epsilon = 0;
  std::map<DpAggregate, int> dp_aggregations;
  std::vector<DpSensitivity> dp_sensitivity;
};

// Checks and rewrites. A refusal is a Validation error with reason INVALID_QUERY whose message
// names the rule broken and, when known, the position in the SQL ("at character N").
Result<CheckedQuery> check_query(std::string_view sql, const QueryContext& ctx);

}  // namespace cleanroom::policy
