#pragma once
// Success or failure of a protected query must not depend on rows (DESIGN.md "Privacy
// controls"): a cast that fails on one value, an overflow, ln(0) on a row the thresholds later
// remove would each tell the analyst one bit about another party's data. So every expression over
// columns that could raise is wrapped in DuckDB's TRY(...), which answers NULL for the rows where
// it fails, and numbers wider than 64 bits are refused, because their sums can overflow inside an
// aggregate, where TRY cannot reach.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {

// Rewrites `statement` (one statement of parse_sql's answer, already walked) in place.
// `safe_comparisons`: query_locations of comparisons the walk proved cannot raise (columns of one
// type, or a column and a literal of its type); they stay bare so that joins stay hash joins and
// filters reach the scan.
Status silence_errors(const SqlText& sql, nlohmann::json& statement,
                      const std::set<uint64_t>& safe_comparisons);

}  // namespace cleanroom::policy
