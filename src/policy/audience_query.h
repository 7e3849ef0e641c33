#pragma once
// The SQL of an AMC rule-based audience (amc-api-facts.md, "Audiences"; docs/amc-api.md,
// "Audiences"): one SELECT that reads only the instance's `*_for_audiences` tables (and its own
// CTEs), with no table function, no file, no qualified name. What it answers is not output: the
// core keeps only its `user_id` values that are people of the tables it read, hashes them, and
// delivers them only when there are enough (core/amc_audiences.h).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace cleanroom::policy {

struct AudienceQuery {
  std::string sql;                  // rendered from the checked tree: what runs
  std::vector<std::string> tables;  // the allowed tables it reads, as `allowed` spells them
};

// `allowed`: the tables an audience may read, by name. Refusals are Validation (INVALID_QUERY).
Result<AudienceQuery> check_audience_query(std::string_view sql,
                                           const std::vector<std::string>& allowed);

}  // namespace cleanroom::policy
