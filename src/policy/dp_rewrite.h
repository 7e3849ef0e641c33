#pragma once
// Differential privacy for CUSTOM analysis rules with differentialPrivacy, as AWS Clean Rooms
// defines it (docs/differential-privacy.md). A query that reads such a table answers only noisy
// aggregates: its outermost SELECT is rewritten so that the engine
//   1. computes each row of the analyst's FROM and WHERE once, with its person (the user
//      identifier column), its group (the GROUP BY expressions) and its aggregated values, each
//      clamped to the bounds the query names and snapped to a grid (dp_query_shape.h);
//   2. bounds contributions before aggregating: a person keeps at most L0 of its groups and at
//      most Linf of its rows in each, chosen at random (DpParameters);
//   3. aggregates, adds discrete Laplace noise of scale usersNoisePerQuery x L0 x Linf (x the
//      grid's bound for sums) to every sum and count (cleanroom_dp_noise, engine/dp_noise.h), so
//      that each noised sum spends exactly 1 / usersNoisePerQuery of epsilon (dp_accounting.h);
//   4. releases a group only when its noisy count of people reaches a threshold that a group of
//      one person passes with probability below kDpSelectionDelta (partition selection), and
//      computes AVG and STDDEV from the noisy sums, ORDER BY and LIMIT from released values.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "policy/query_check.h"
#include "policy/query_walker.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {

// The probability, per query, that a group made of one person's rows is released at all.
inline constexpr double kDpSelectionDelta = 1e-9;

// The least noisy count of people a group needs to be released: a count of 1 plus discrete
// Laplace noise of `scale` reaches it, in any of a person's `max_groups` groups, with probability
// at most kDpSelectionDelta.
int64_t dp_selection_threshold(int64_t scale, int max_groups);

// When the query reads a table whose CUSTOM rule has differentialPrivacy: refuses it unless
// differential privacy admits it (dp_query_shape.h) and the collaboration has a policy
// (QueryContext::dp), rewrites `statement`'s outermost SELECT as above and records what the
// query spends in `out` (dp_epsilon, dp_aggregations, dp_sensitivity). The rewrite's own
// comparisons, which cannot raise, join `walked.safe_comparisons`. Runs before silence_errors,
// which then wraps the analyst's expressions in the rewritten tree. Otherwise does nothing.
Status add_differential_privacy(const SqlText& sql, nlohmann::json& statement,
                                const QueryContext& ctx, WalkedQuery& walked, CheckedQuery& out);

}  // namespace cleanroom::policy
