#include "api/console/console_identity.h"

namespace cleanroom::api::console {
namespace repo = catalog::accounts_repo;
using catalog::Tx;

Result<Identity> identity_of(core::Services& s, const catalog::UserRecord& user) {
  return s.ctx.db.read<Identity>([&](Tx& tx) -> Result<Identity> {
    Identity out;
    CR_ASSIGN(auto amc_roles, repo::amc_roles(tx, user.user_id));
    for (const auto& g : amc_roles) {
      CR_ASSIGN(auto amc, repo::find_amc_account(tx, g.scope_id));
      if (amc) out.amc_accounts.push_back({*amc, g.role});
    }
    CR_ASSIGN(auto aws_roles, repo::aws_roles(tx, user.user_id));
    for (const auto& g : aws_roles) {
      CR_ASSIGN(auto account, repo::find_account(tx, g.scope_id));
      if (account) out.aws_accounts.push_back({account->account_id, account->name, g.role});
    }
    return out;
  });
}

Result<core::AmcCaller> amc_caller(core::Services& s, const catalog::UserRecord& user,
                                   const std::string& advertiser_id) {
  if (advertiser_id.empty())
    return Error::validation(std::string("the ") + kAmcAccountHeader + " header is missing",
                             kAmcAccountHeader);
  return s.accounts.amc_caller_of(user, advertiser_id);
}

Result<std::string> aws_account(core::Services& s, const catalog::UserRecord& user,
                                const std::string& account_id) {
  if (account_id.empty())
    return Error::validation(std::string("the ") + kAwsAccountHeader + " header is missing",
                             kAwsAccountHeader);
  CR_ASSIGN(std::string role, s.accounts.aws_role(user.user_id, account_id));
  if (role.empty())
    return Error::access_denied("the user has no role in AWS account '" + account_id + "'");
  return account_id;
}

}  // namespace cleanroom::api::console
