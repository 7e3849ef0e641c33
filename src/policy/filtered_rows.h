#pragma once
// AMC's filtered-row options of a workflow (amc-api-facts.md, "The privacy model"; AMC's
// "Append aggregation threshold columns"), on the checked statement whose outermost HAVING
// already holds the thresholds:
//
// - filteredMetricsDiscriminatorColumn: the rows under a threshold are not dropped; their values
//   are removed (dimensions NULL) and they are re-aggregated into one row, flagged TRUE in the
//   named BOOLEAN column (FALSE on the others). That row is one more group of the same query
//   under the same HAVING: it appears only when the people behind all the removed rows together
//   pass every threshold (issue 12: never a figure that moves with one person).
// - privacyFilteringBehavior REMOVE_VALUES: the rows under a threshold stay, with every value
//   they hold removed. Here every column the query names shapes every value of a row (the AMC
//   model's strict reading, amc_rules.cpp), so nothing of such a row survives but the fact that
//   it exists, and how many such rows exist would count removed groups: they are re-aggregated
//   into one row as above, which is ALWAYS answered (even when no row was removed), with its
//   values when its people pass the thresholds and all NULL when they do not. REMOVE_ROWS
//   (the default) drops them, or folds them with a discriminator column.
// - distinctUserCountColumn: BIGINT, the row's distinct users as the thresholds count them; with
//   several counted tables the smallest count (the one a threshold binds on, as AMC reports
//   "the minimum, if there are multiple user count columns"). Only for rows whose values are
//   delivered: NULL where values were removed, so no count of a removed group is ever shown;
//   the folded row's count is over all the folded rows together.
// - filteredReasonColumn: VARCHAR, on the row that holds removed rows, AMC's reason without its
//   leading count ("'dsp_impressions' users < 100 required"); NULL on the others. The count of
//   one removed row (1 for a group of one person) is exactly what thresholds hide, and the
//   folded row mixes rows of different counts, so the reason names only the tables and minima.
//
// A query that the rules leave unthresholded answers the columns all the same (FALSE, NULL,
// NULL), as AMC does where privacy controls do not apply, so a workflow's output has one shape.
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/query_check.h"
#include "policy/query_rules.h"

namespace cleanroom::policy {

// Rewrites the checked `statement` (thresholds `kept` already in its outermost HAVING) for
// ctx.filtered_rows_discriminator and ctx.filtered_rows, and appends the same option columns to
// `naming` (the copy that names the output columns) as constants of their types. Refuses names
// that clash with the query's own output names or with each other, and, with REMOVE_VALUES, an
// outermost SELECT whose window functions or QUALIFY would read the removed values.
// `sql` places refusals.
Status apply_filtered_rows_options(const SqlText& sql, nlohmann::json& statement,
                                   nlohmann::json& naming, const QueryContext& ctx,
                                   const WalkedQuery& walked,
                                   const std::vector<KeptCondition>& kept);

// AMC's wire names: REMOVE_ROWS, REMOVE_VALUES.
std::string_view to_string(PrivacyFilteringBehavior behavior);
std::optional<PrivacyFilteringBehavior> privacy_filtering_behavior(std::string_view name);

}  // namespace cleanroom::policy
