#pragma once
// Inviting users into an AMC account. The public AMC API has no invitation endpoint; the shape we
// serve is documented in docs/amc-api.md.
#include <string>
#include <vector>

#include "catalog/accounts_repo.h"
#include "core/accounts.h"
#include "core/context.h"

namespace cleanroom::core {

struct AccountUser {
  catalog::UserRecord user;
  std::string role;
};

class InvitationService {
 public:
  explicit InvitationService(Context& ctx) : ctx_(ctx) {}

  Result<catalog::InvitationRecord> invite(const AmcCaller& caller, const std::string& email,
                                           const std::string& role);
  Result<std::vector<catalog::InvitationRecord>> list(const AmcCaller& caller);
  // Invitations waiting for the signed-in user (matched by email).
  Result<std::vector<catalog::InvitationRecord>> pending_for(const catalog::UserRecord& user);
  // The invited user accepts: it gets the role in the AMC account.
  Result<catalog::InvitationRecord> accept(const catalog::UserRecord& user,
                                           const std::string& invitation_id);
  Result<std::vector<AccountUser>> users(const AmcCaller& caller);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
