#pragma once
// Names that cleanroom's rewrites put into the SQL it runs and the engine defines: known to both
// src/policy (which writes them) and src/engine (which registers them). The analyst cannot write
// them: every name starting with __cleanroom is refused by the checker.
#include <string_view>

namespace cleanroom {

// Difference checks (engine/people_check.h, policy/threshold_rewrite.h):
// __cleanroom_people(id VARCHAR) -> BLOB, an aggregate: the group's distinct people, hashed and
// sorted; __cleanroom_admit_people(people BLOB, minimum BIGINT) -> BOOLEAN: the verdict on them.
inline constexpr std::string_view kPeopleAggregate = "__cleanroom_people";
inline constexpr std::string_view kAdmitPeopleFunction = "__cleanroom_admit_people";

}  // namespace cleanroom
