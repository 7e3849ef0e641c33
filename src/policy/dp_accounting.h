#pragma once
// Differential privacy accounting (docs/differential-privacy.md): how much of a collaboration's
// privacy budget (epsilon) one aggregation of a DP query spends, given the template's
// usersNoisePerQuery. The one place for the formula: the query checker charges with it, and
// PreviewPrivacyImpact and the budgets' remaining counts divide by it.
#include <optional>
#include <string_view>

namespace cleanroom::policy {

// The aggregation functions a DP query may use (the service model's aggregation types).
enum class DpAggregate { Count, CountDistinct, Sum, Avg, Stddev };
inline constexpr DpAggregate kDpAggregates[] = {DpAggregate::Avg, DpAggregate::Count,
                                                DpAggregate::CountDistinct, DpAggregate::Sum,
                                                DpAggregate::Stddev};

// The wire names: AVG, COUNT, COUNT_DISTINCT, SUM, STDDEV.
std::string_view to_string(DpAggregate kind);
std::optional<DpAggregate> dp_aggregate(std::string_view name);

// The epsilon one aggregation of `kind` spends when its noise is calibrated to
// `users_noise_per_query` people (10..100): every person's contribution is bounded, so the noise
// hides any one person's whole contribution N times over.
double dp_epsilon_per_aggregation(DpAggregate kind, int users_noise_per_query);

// How many aggregations of `kind` a budget of `epsilon` allows (the floor; never negative).
int dp_aggregations_allowed(DpAggregate kind, double epsilon, int users_noise_per_query);

}  // namespace cleanroom::policy
