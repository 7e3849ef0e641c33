#pragma once
// Accounts, AMC accounts, users and their roles: the self-hosted stand-ins for the AWS accounts
// and Login-with-Amazon applications that the reference assumes.
#include <optional>
#include <string>
#include <vector>

#include "catalog/accounts_repo.h"
#include "core/context.h"
#include "core/platform.h"
#include "core/sign_in_throttle.h"

namespace cleanroom::core {

struct AccountCredentials {
  std::string account_id;
  std::string name;
  std::string access_key_id;
  std::string secret_access_key;
};

struct NewUser {
  std::string user_id;
  std::string email;
  std::string client_id;
  std::string bearer_token;  // shown once; only its hash is stored
};

struct CreateUserRequest {
  std::string email;
  std::string amc_account;  // advertiser id; "" for none
  std::string amc_role = "ADMIN";
  std::string aws_account;  // 12 digits; "" for none
  std::string aws_role = "ADMIN";
  std::string password;  // "" for no console sign-in
};

// Who is calling the AMC face: a user, acting in one AMC account (the AdvertiserId header).
struct AmcCaller {
  catalog::UserRecord user;
  catalog::AmcAccountRecord amc_account;
  std::string amc_role;  // the user's role in amc_account
};

struct PlatformCredentials {
  std::vector<std::pair<PlatformAccount, AccountCredentials>> accounts;
  std::string operator_email;
  std::string operator_token;
};

class AccountService {
 public:
  explicit AccountService(Context& ctx) : ctx_(ctx), sign_in_throttle_(ctx.db) {}

  // First start: creates the platform's service accounts (each with an access key) and the
  // operator. Later starts change nothing. Returns the credentials, with a fresh operator token
  // when `issue_operator_token` (the old one stops working).
  Result<PlatformCredentials> ensure_platform(bool issue_operator_token);

  Result<AccountCredentials> create_account(const std::string& account_id, const std::string& name);
  Result<catalog::AmcAccountRecord> create_amc_account(const std::string& name,
                                                       const std::string& marketplace_id);
  Result<NewUser> create_user(const CreateUserRequest& req);

  Result<catalog::UserRecord> authenticate_bearer(const std::string& token);
  // Throttled (SignInThrottle) after repeated failures for the email, whether it exists or not.
  Result<catalog::UserRecord> authenticate_password(const std::string& email,
                                                    const std::string& password);
  // Checks the four AMC headers' values against each other (the face checks they are present).
  Result<AmcCaller> resolve_amc_caller(const std::string& bearer_token,
                                       const std::string& client_id,
                                       const std::string& marketplace_id,
                                       const std::string& advertiser_id);
  // The caller a signed-in user is in an AMC account; AccessDenied without a role in it.
  Result<AmcCaller> amc_caller_of(const catalog::UserRecord& user,
                                  const std::string& advertiser_id);
  Result<std::vector<catalog::AmcAccountRecord>> amc_accounts_of(const catalog::UserRecord& user);
  // The user's role in an AWS account, "" when none.
  Result<std::string> aws_role(const std::string& user_id, const std::string& account_id);
  Result<std::optional<catalog::AccountRecord>> find_account(const std::string& account_id);

 private:
  Context& ctx_;
  SignInThrottle sign_in_throttle_;
};

bool is_known_marketplace(const std::string& marketplace_id);
bool is_aws_account_id(const std::string& s);

}  // namespace cleanroom::core
