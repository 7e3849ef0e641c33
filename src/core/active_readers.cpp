#include "core/active_readers.h"

namespace cleanroom::core {
namespace repo = catalog::collaborations_repo;

Status check_active_reader(catalog::Tx& tx, const catalog::MembershipRecord& membership) {
  auto denied = [&](const std::string& why) {
    return Error::access_denied("account " + membership.account_id + " " + why + " collaboration " +
                                membership.collaboration_id +
                                "; only active members read its queries and results");
  };
  // Deleting a collaboration marks its memberships COLLABORATION_DELETED, leaving marks them
  // REMOVED; the collaboration and member rows are checked too, so no path that changes one
  // without the other opens the log again.
  if (membership.status != MembershipStatus::Active)
    return denied("is no longer a member (" + wire_string(membership.status) + ") of");
  CR_ASSIGN(auto collaboration, repo::find(tx, membership.collaboration_id));
  if (!collaboration) return denied("can no longer read the deleted");
  CR_ASSIGN(auto member, repo::find_member(tx, membership.collaboration_id, membership.account_id));
  if (!member || member->status != MemberStatus::Active)
    return denied("is no longer a member (" + (member ? wire_string(member->status) : "none") +
                  ") of");
  return {};
}

Status check_active_reader(catalog::Tx& tx, const std::string& collaboration_id,
                           const std::string& account_id) {
  CR_ASSIGN(auto membership, repo::find_membership_of(tx, collaboration_id, account_id));
  if (!membership)
    return Error::access_denied("account " + account_id + " has no membership in collaboration " +
                                collaboration_id +
                                "; only active members read its queries and results");
  return check_active_reader(tx, *membership);
}

}  // namespace cleanroom::core
