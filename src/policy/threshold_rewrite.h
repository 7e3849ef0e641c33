#pragma once
// The rewrite that makes the engine enforce output constraints and AMC thresholds: one more item
// at the end of the outermost SELECT list,
//   (COUNT(DISTINCT r.c) >= n AND ...) AS __cleanroom_kept
// computed over the same groups as the visible columns, so ORDER BY, LIMIT and positional
// references of the query keep their meaning. The item is written into the query's text before
// its outermost FROM; when that text does not parse to exactly the checked tree plus the item,
// DuckDB renders the tree instead (json_deserialize_sql). Either way the SQL returned has been
// parsed again and compared with the tree: what runs is what was checked.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/query_rules.h"

namespace cleanroom::policy {

// `tree` is parse_sql's answer for `sql`, whose outermost node is an aggregating SELECT.
// Conditions on the same column keep the largest minimum; so do conditions on columns that
// `equated` (an INNER JOIN's equalities) makes equal, which then count distinct values once.
using EquatedColumns =
    std::vector<std::pair<std::pair<std::string, std::string>, std::pair<std::string, std::string>>>;
Result<std::string> add_kept_column(std::string_view sql, const nlohmann::json& tree,
                                    const std::vector<KeptCondition>& conditions,
                                    const EquatedColumns& equated = {});

}  // namespace cleanroom::policy
