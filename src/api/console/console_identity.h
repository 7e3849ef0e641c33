#pragma once
// What a signed-in console user may act as: the AMC accounts and AWS accounts the user has a
// role in (`cleanroom admin user create --amc-account ... --aws-account ...`). The AMC face
// learns the AMC account from the Amazon-Advertising-API-AdvertiserId header; the console learns
// it from X-Amc-Account, and the AWS account of Clean Rooms calls from X-Aws-Account, in place of
// a SigV4 signature. Grants are read on every request, so a revoked role applies at once.
#include <string>
#include <vector>

#include "catalog/accounts_repo.h"
#include "core/core.h"

namespace cleanroom::api::console {

inline constexpr const char* kAmcAccountHeader = "X-Amc-Account";
inline constexpr const char* kAwsAccountHeader = "X-Aws-Account";

struct AmcGrant {
  catalog::AmcAccountRecord account;
  std::string role;
};

struct AwsGrant {
  std::string account_id;
  std::string name;
  std::string role;
};

struct Identity {
  std::vector<AmcGrant> amc_accounts;
  std::vector<AwsGrant> aws_accounts;
};

Result<Identity> identity_of(core::Services& s, const catalog::UserRecord& user);

// The caller the AMC face would resolve for this user acting in `advertiser_id`.
Result<core::AmcCaller> amc_caller(core::Services& s, const catalog::UserRecord& user,
                                   const std::string& advertiser_id);
// The AWS account the user acts as for Clean Rooms calls; AccessDenied without a role in it.
Result<std::string> aws_account(core::Services& s, const catalog::UserRecord& user,
                                const std::string& account_id);

}  // namespace cleanroom::api::console
