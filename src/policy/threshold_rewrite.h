#pragma once
// The rewrite that makes the engine enforce output constraints and AMC thresholds: the outermost
// SELECT's HAVING gains
//   COUNT(DISTINCT r.c) >= n AND ...
// one condition per protected table occurrence, each counting that table's own column (never the
// other side of a join equality, which the analyst may control). Rows under a threshold are gone
// before DISTINCT, ORDER BY and LIMIT see them, so nothing observable depends on them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "policy/query_rules.h"

namespace cleanroom::policy {

// `statement` is one statement of parse_sql's answer whose outermost node is an aggregating
// SELECT. Conditions on the same column of the same relation keep the largest minimum; so do
// conditions on columns that `equated` proves identical on every row (an INNER JOIN's equality of
// one exact type), which then count one of them: the same number, one distinct count less.
// With `check_people` (difference checks), a group that passes all of that is also asked, per
// condition, whether its people may be answered:
//   HAVING CASE WHEN <the above> THEN __cleanroom_admit_people(
//            __cleanroom_people(CAST(r.c AS VARCHAR)), n) AND ... END
// over the very values the threshold counts; the CASE keeps groups the query removes anyway from
// ever being compared or kept (engine/people_check.h).
Status add_thresholds(nlohmann::json& statement, const std::vector<KeptCondition>& conditions,
                      const EquatedColumns& equated, bool check_people);

// The same conditions in the HAVING of an aggregating SELECT inside the query (InnerThreshold).
Status add_inner_thresholds(nlohmann::json& select, const std::vector<KeptCondition>& conditions,
                            bool check_people);

}  // namespace cleanroom::policy
