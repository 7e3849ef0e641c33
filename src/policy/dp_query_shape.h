#pragma once
// Which queries differential privacy admits, and what its rewrite needs of them (dp_rewrite.h;
// docs/differential-privacy.md, "What is refused"). Noise calibrated to one person's bounded
// contribution protects only if every row reaching the final aggregation belongs to one person,
// identified by a column of the differentially private tables, and no row's existence or value
// depends on another person's rows. So, as AWS Clean Rooms requires:
//   - every WITH and subquery that reads such a table returns user-level records: it selects the
//     user identifier column, aggregates only GROUP BY it, partitions its windows by it, has no
//     LIMIT, and joins two such relations only INNER, on their user identifier columns;
//   - the final SELECT aggregates with COUNT, COUNT(DISTINCT), SUM, AVG or STDDEV over such rows,
//     grouped by expressions of the row; SUM, AVG and STDDEV name the bounds their values are
//     clamped to, as LEAST(GREATEST(value, low), high);
//   - no subquery in an expression, no set operation at the top, no window, HAVING, QUALIFY or
//     DISTINCT in the final SELECT.
// The WITHs, subqueries and joins are checked in dp_query_shape.cpp, the final SELECT in
// dp_final_select.cpp.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "policy/dp_accounting.h"
#include "policy/query_check.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {

// What one aggregation computes per group, before noise.
enum class DpStatistic {
  Rows,            // COUNT(*): rows
  Values,          // COUNT(x): rows where x is not NULL
  DistinctValues,  // COUNT(DISTINCT x)
  People,          // COUNT(DISTINCT <user identifier>): people
  Sum,             // SUM(x)
  Avg,             // AVG(x): a sum and a count
  StddevSamp,      // STDDEV(x), STDDEV_SAMP(x): a count, a sum and a sum of squares
  StddevPop,       // STDDEV_POP(x)
};

// The clamp of LEAST(GREATEST(x, low), high): the analyst's bounds, literals of the query.
struct DpBounds {
  json low;  // the constant nodes as written
  json high;
  double low_value = 0;
  double high_value = 0;
  bool integral = false;  // x is of an integer type and both bounds are whole numbers
};

struct DpAggregation {
  DpAggregate kind = DpAggregate::Count;  // for the accounting
  DpStatistic statistic = DpStatistic::Rows;
  json call;      // the aggregate call as the query writes it
  json argument;  // the per-row value (inside the clamp for SUM, AVG, STDDEV); null for COUNT(*)
  std::optional<DpBounds> bounds;
};

struct DpShape {
  // The final FROM's column that identifies each row's person: relation and column names.
  std::string person_relation;
  std::string person_column;
  json from;                     // the final SELECT's FROM, as written
  json where;                    // its WHERE, or null
  json ctes;                     // the outermost WITH's entries (cte_map.map), as written
  std::vector<json> group_keys;  // the GROUP BY expressions, resolved
  std::vector<DpAggregation> aggregations;  // the distinct aggregate calls of the SELECT list
  // The SELECT list, each item with its grouping expressions replaced by __cleanroom_dp_g<j> and
  // its aggregate calls by __cleanroom_dp_v<i> (indexes into group_keys and aggregations).
  std::vector<json> items;
  json modifiers;  // ORDER BY (as 1-based positions of the SELECT list) and LIMIT, in order
};

// The DP tables of the query (indexes into ctx.tables) must all belong to one owner and name
// one user identifier column; `statement` is one statement of parse_sql's answer, walked.
Result<DpShape> dp_query_shape(const SqlText& sql, const json& statement, const QueryContext& ctx);

// The user identifier column of a table whose CUSTOM rule has differentialPrivacy, or nullptr.
const std::string* dp_person_column(const QueryTable& table);

}  // namespace cleanroom::policy
