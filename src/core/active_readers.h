#pragma once
// Who reads a collaboration's records: its query log (GetProtectedQuery, ListProtectedQueries),
// AMC workflow executions and the results they point at. Only an ACTIVE member of a
// collaboration that still exists. A member that left or was removed, or whose collaboration was
// deleted, reads nothing more, not even what it ran itself (the reference: "you will not be
// allowed to access your collaboration instance any further"); results it already received stay
// in its own bucket. Every read of those records goes through this one rule.
#include <string>

#include "catalog/collaborations_repo.h"
#include "common/error.h"

namespace cleanroom::core {

// AccessDenied unless `membership` is ACTIVE, its member entry is ACTIVE and its collaboration
// is not deleted.
Status check_active_reader(catalog::Tx& tx, const catalog::MembershipRecord& membership);

// The same for `account_id`'s membership of the collaboration (AMC: the instance's primary
// account, which receives every workflow execution's result).
Status check_active_reader(catalog::Tx& tx, const std::string& collaboration_id,
                           const std::string& account_id);

}  // namespace cleanroom::core
