#include "core/invitations.h"

#include <strings.h>

#include <regex>

#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::core {
namespace repo = catalog::accounts_repo;
using catalog::InvitationRecord;
using catalog::Tx;

Result<InvitationRecord> InvitationService::invite(const AmcCaller& caller,
                                                   const std::string& email,
                                                   const std::string& role) {
  static const std::regex email_re(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
  if (!std::regex_match(email, email_re))
    return Error::validation("email '" + email + "' is not an email address", "email");
  if (role != "ADMIN" && role != "USER")
    return Error::validation("role must be ADMIN or USER", "role");
  if (caller.amc_role != "ADMIN")
    return Error::access_denied("only an ADMIN of AMC account " + caller.amc_account.advertiser_id +
                                " may invite users");
  return ctx_.db.write<InvitationRecord>([&](Tx& tx) -> Result<InvitationRecord> {
    CR_ASSIGN(auto members, repo::users_of_amc_account(tx, caller.amc_account.advertiser_id));
    for (const auto& [u, r] : members)
      if (strcasecmp(u.email.c_str(), email.c_str()) == 0)
        return Error::conflict(
            email + " already has access to AMC account " + caller.amc_account.advertiser_id,
            Cause::AlreadyExists);
    // The store allows one pending invitation per address; say so instead of surfacing the
    // unique-index failure.
    CR_ASSIGN(auto invitations,
              repo::invitations_of_amc_account(tx, caller.amc_account.advertiser_id));
    for (const auto& i : invitations)
      if (i.status == InvitationStatus::Pending && strcasecmp(i.email.c_str(), email.c_str()) == 0)
        return Error::conflict(email + " already has a pending invitation (" + i.invitation_id +
                                   ") to AMC account " + caller.amc_account.advertiser_id,
                               Cause::AlreadyExists);
    int64_t now = now_epoch_seconds();
    InvitationRecord inv{crypto::uuid4(),
                         caller.amc_account.advertiser_id,
                         email,
                         role,
                         InvitationStatus::Pending,
                         caller.user.user_id,
                         now,
                         now};
    CR_TRY(repo::insert_invitation(tx, inv));
    return inv;
  });
}

Result<std::vector<InvitationRecord>> InvitationService::list(const AmcCaller& caller) {
  return ctx_.db.read<std::vector<InvitationRecord>>([&](Tx& tx) {
    return repo::invitations_of_amc_account(tx, caller.amc_account.advertiser_id);
  });
}

Result<std::vector<InvitationRecord>> InvitationService::pending_for(
    const catalog::UserRecord& user) {
  return ctx_.db.read<std::vector<InvitationRecord>>(
      [&](Tx& tx) { return repo::pending_invitations_for(tx, user.email); });
}

Result<InvitationRecord> InvitationService::accept(const catalog::UserRecord& user,
                                                   const std::string& id) {
  return ctx_.db.write<InvitationRecord>([&](Tx& tx) -> Result<InvitationRecord> {
    CR_ASSIGN(auto inv, repo::find_invitation(tx, id));
    // Someone else's invitation does not exist for this user.
    if (!inv || strcasecmp(inv->email.c_str(), user.email.c_str()) != 0)
      return Error::not_found(Resource::Invitation, id);
    if (inv->status != InvitationStatus::Pending)
      return Error::conflict("invitation " + id + " is " + wire_string(inv->status),
                             Cause::InvalidState);
    int64_t now = now_epoch_seconds();
    CR_TRY(repo::set_invitation_status(tx, id, InvitationStatus::Accepted, now));
    CR_TRY(repo::grant_amc_role(tx, user.user_id, inv->advertiser_id, inv->role));
    inv->status = InvitationStatus::Accepted;
    inv->updated_at = now;
    return *inv;
  });
}

Result<std::vector<AccountUser>> InvitationService::users(const AmcCaller& caller) {
  return ctx_.db.read<std::vector<AccountUser>>([&](Tx& tx) -> Result<std::vector<AccountUser>> {
    CR_ASSIGN(auto rows, repo::users_of_amc_account(tx, caller.amc_account.advertiser_id));
    std::vector<AccountUser> out;
    for (auto& [u, r] : rows) out.push_back({u, r});
    return out;
  });
}

}  // namespace cleanroom::core
