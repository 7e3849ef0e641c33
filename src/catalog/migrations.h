#pragma once
#include <string>
#include <vector>

namespace cleanroom::catalog {

// Schema steps in order; step i brings PRAGMA user_version from i to i+1. Append only:
// a released step is never edited, a change is a new step.
const std::vector<std::string>& migrations();

}  // namespace cleanroom::catalog
