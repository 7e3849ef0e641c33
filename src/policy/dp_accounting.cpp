#include "policy/dp_accounting.h"

#include <cmath>

namespace cleanroom::policy {
namespace {

// How many noised sums one aggregation is: AVG is a sum and a count, STDDEV a sum of squares, a
// sum and a count; each spends its share of epsilon.
int noised_sums(DpAggregate kind) {
  switch (kind) {
    case DpAggregate::Avg:
      return 2;
    case DpAggregate::Stddev:
      return 3;
    default:
      return 1;
  }
}

}  // namespace

std::string_view to_string(DpAggregate kind) {
  switch (kind) {
    case DpAggregate::Count:
      return "COUNT";
    case DpAggregate::CountDistinct:
      return "COUNT_DISTINCT";
    case DpAggregate::Sum:
      return "SUM";
    case DpAggregate::Avg:
      return "AVG";
    case DpAggregate::Stddev:
      return "STDDEV";
  }
  return "";
}

std::optional<DpAggregate> dp_aggregate(std::string_view name) {
  for (DpAggregate k : kDpAggregates)
    if (to_string(k) == name) return k;
  return std::nullopt;
}

double dp_epsilon_per_aggregation(DpAggregate kind, int users_noise_per_query) {
  // Discrete Laplace noise of scale t = N * (one person's bounded contribution) on each noised
  // sum: epsilon = sensitivity / t = 1 / N per noised sum. The rewrite draws exactly that noise:
  // t = N x L0 x (Linf rows, x the grid's steps for sums) (dp_rewrite.h).
  return static_cast<double>(noised_sums(kind)) / users_noise_per_query;
}

int dp_aggregations_allowed(DpAggregate kind, double epsilon, int users_noise_per_query) {
  if (epsilon <= 0) return 0;
  // A small tolerance so that 1.0 / 0.1 counts 10, not 9.
  return static_cast<int>(
      std::floor(epsilon / dp_epsilon_per_aggregation(kind, users_noise_per_query) + 1e-9));
}

}  // namespace cleanroom::policy
