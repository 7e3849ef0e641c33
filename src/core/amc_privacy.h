#pragma once
// AMC-style privacy for the platform's tables (amc-api-facts.md, "The privacy model"): the class
// of each column, by its name, and the column that identifies a user.
#include <optional>
#include <string>
#include <vector>

#include "policy/query_check.h"

namespace cleanroom::core {

// The classes of a platform table with these columns; none when it has no user id column (then
// there is nobody to count, and its own analysis rule alone applies).
std::optional<policy::AmcPrivacy> amc_privacy_of(const std::vector<std::string>& columns);

}  // namespace cleanroom::core
