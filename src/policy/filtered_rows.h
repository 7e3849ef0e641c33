#pragma once
// AMC's filteredMetricsDiscriminatorColumn (amc-api-facts.md, "The privacy model"): instead of
// dropping the rows under a threshold, their dimension values are NULLed and their metrics
// re-aggregated into one row, flagged TRUE in the named column. That row is itself thresholded:
// it is one more group of the same query, so it appears only when the people behind all the
// removed rows together pass every threshold (issue 12: never a figure that moves with one
// person).
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"

namespace cleanroom::policy {

// Rewrites `statement` (thresholds already in its outermost HAVING) so that the outermost SELECT
// groups each row by its group when that group passes, and into one NULL group when it does not,
// and answers `discriminator` (BOOLEAN) last. A query without GROUP BY has no dimensions to NULL:
// it is left as it is, and the answer is false.
Result<bool> fold_filtered_rows(nlohmann::json& statement, const std::string& discriminator);

// The same output columns, named as the analyst's query names them, for a statement that was
// folded: `discriminator` appended to the outermost SELECT list (the engine's naming query).
void name_discriminator(nlohmann::json& statement, const std::string& discriminator);

}  // namespace cleanroom::policy
