#include "core/accounts.h"

#include <algorithm>
#include <regex>

#include "auth/secrets.h"
#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::core {
namespace repo = catalog::accounts_repo;
using catalog::Tx;

namespace {
constexpr const char* kOperatorEmail = "operator@cleanroom.local";

// Amazon Advertising marketplaces (public list of marketplace ids).
const std::vector<std::string>& marketplaces() {
  static const std::vector<std::string> ids = {
      "ATVPDKIKX0DER",  "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC", "A1F83G8C2ARO7P",
      "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4",  "A1RKKUPIHCS9HS", "A1805IZSGTT6HS",
      "A1VC38T7YXB528", "A39IBJ37TRP1C6", "A21TJRUUN4KGV",  "A17E79C6D8DWNP", "A2VIGQ35RCS4UG",
      "A33AVAJ2PDY3EV", "A2NODRKZP88ZB9", "A1C3SOZRARQ6R3", "ARBP9OOSHTCHU",  "A19VAU5U5O7RUS",
      "AMEN7PMS3EDWL"};
  return ids;
}

Status check_role(const std::string& role, const std::string& field) {
  if (role == "ADMIN" || role == "USER") return {};
  return Error::validation(field + " must be ADMIN or USER, not '" + role + "'", field);
}

// Platform accounts get random 12-digit ids that cannot collide with an existing account.
Result<std::string> unused_account_id(Tx& tx) {
  for (;;) {
    std::string id =
        crypto::random_string(1, "123456789") + crypto::random_string(11, "0123456789");
    CR_ASSIGN(auto existing, repo::find_account(tx, id));
    if (!existing) return id;
  }
}

}  // namespace

bool is_known_marketplace(const std::string& id) {
  return std::find(marketplaces().begin(), marketplaces().end(), id) != marketplaces().end();
}

bool is_aws_account_id(const std::string& s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<PlatformCredentials> AccountService::ensure_platform(bool issue_operator_token) {
  return ctx_.db.write<PlatformCredentials>([&](Tx& tx) -> Result<PlatformCredentials> {
    PlatformCredentials out;
    int64_t now = now_epoch_seconds();
    for (const auto& role : platform_roles()) {
      CR_ASSIGN(auto row, tx.query_one("SELECT account_id FROM accounts WHERE platform_role = ?",
                                       {role.role}));
      std::string account_id;
      if (row) {
        account_id = row->str("account_id");
      } else {
        CR_ASSIGN(account_id, unused_account_id(tx));
        CR_TRY(repo::insert_account(tx, {account_id, role.display_name, role.role, now}));
        CR_TRY(auth::create_access_key(tx, ctx_.master_key, account_id));
      }
      CR_ASSIGN(
          auto key,
          tx.query_one("SELECT access_key_id, secret_sealed FROM access_keys WHERE account_id = ? "
                       "ORDER BY created_at LIMIT 1",
                       {account_id}));
      AccountCredentials creds{account_id, role.display_name, "", ""};
      if (key) {
        creds.access_key_id = key->str("access_key_id");
        CR_ASSIGN(creds.secret_access_key,
                  crypto::open(ctx_.master_key, key->str("secret_sealed")));
      }
      out.accounts.push_back({{role, account_id}, creds});
    }
    CR_ASSIGN(auto op, repo::find_operator(tx));
    out.operator_email = kOperatorEmail;
    if (!op) {
      out.operator_token = auth::new_bearer_token();
      CR_TRY(repo::insert_user(
          tx, {crypto::uuid4(), kOperatorEmail, auth::new_client_id(), "", true, now},
          auth::token_hash(out.operator_token)));
    } else if (issue_operator_token) {
      out.operator_token = auth::new_bearer_token();
      CR_TRY(repo::set_token_hash(tx, op->user_id, auth::token_hash(out.operator_token)));
    }
    return out;
  });
}

Result<AccountCredentials> AccountService::create_account(const std::string& account_id,
                                                          const std::string& name) {
  if (!is_aws_account_id(account_id))
    return Error::validation("accountId must be 12 digits, not '" + account_id + "'", "accountId");
  if (name.empty() || name.size() > 100)
    return Error::validation("name must be 1 to 100 characters", "name");
  return ctx_.db.write<AccountCredentials>([&](Tx& tx) -> Result<AccountCredentials> {
    CR_ASSIGN(auto existing, repo::find_account(tx, account_id));
    if (existing)
      return Error::conflict("account " + account_id + " already exists", Cause::AlreadyExists,
                             Resource::Account, account_id);
    CR_TRY(repo::insert_account(tx, {account_id, name, "", now_epoch_seconds()}));
    CR_ASSIGN(auto key, auth::create_access_key(tx, ctx_.master_key, account_id));
    return AccountCredentials{account_id, name, key.access_key_id, key.secret_access_key};
  });
}

Result<catalog::AmcAccountRecord> AccountService::create_amc_account(
    const std::string& name, const std::string& marketplace_id) {
  if (name.empty() || name.size() > 100)
    return Error::validation("name must be 1 to 100 characters", "name");
  if (!is_known_marketplace(marketplace_id))
    return Error::validation("unknown marketplace id '" + marketplace_id + "'", "marketplaceId");
  // AMC account ids look like ENTITY1AA1AA11AAA1: "ENTITY" and 12 uppercase alphanumerics.
  catalog::AmcAccountRecord rec{
      "ENTITY" + crypto::random_string(12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), name,
      marketplace_id, now_epoch_seconds()};
  return ctx_.db.write<catalog::AmcAccountRecord>([&](Tx& tx) -> Result<catalog::AmcAccountRecord> {
    CR_TRY(repo::insert_amc_account(tx, rec));
    return rec;
  });
}

Result<NewUser> AccountService::create_user(const CreateUserRequest& req) {
  static const std::regex email_re(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
  if (!std::regex_match(req.email, email_re))
    return Error::validation("email '" + req.email + "' is not an email address", "email");
  CR_TRY(check_role(req.amc_role, "amcRole"));
  CR_TRY(check_role(req.aws_role, "awsRole"));
  if (!req.password.empty() && req.password.size() < 8)
    return Error::validation("password must have at least 8 characters", "password");
  // Hashed before the transaction: the key stretching takes a while, and holding the writer for
  // it would hold every other write.
  const std::string pw = req.password.empty() ? "" : auth::hash_password(req.password);
  return ctx_.db.write<NewUser>([&](Tx& tx) -> Result<NewUser> {
    CR_ASSIGN(auto existing, repo::find_user_by_email(tx, req.email));
    if (existing)
      return Error::conflict("user " + req.email + " already exists", Cause::AlreadyExists,
                             Resource::User, req.email);
    if (!req.amc_account.empty()) {
      CR_ASSIGN(auto amc, repo::find_amc_account(tx, req.amc_account));
      if (!amc)
        return Error::validation("AMC account " + req.amc_account + " does not exist",
                                 "amcAccount");
    }
    if (!req.aws_account.empty()) {
      CR_ASSIGN(auto acct, repo::find_account(tx, req.aws_account));
      if (!acct)
        return Error::validation(
            "AWS account " + req.aws_account +
                " does not exist; create it with `cleanroom admin account create`",
            "awsAccount");
    }
    NewUser u{crypto::uuid4(), req.email, auth::new_client_id(), auth::new_bearer_token()};
    CR_TRY(repo::insert_user(tx, {u.user_id, u.email, u.client_id, pw, false, now_epoch_seconds()},
                             auth::token_hash(u.bearer_token)));
    if (!req.amc_account.empty())
      CR_TRY(repo::grant_amc_role(tx, u.user_id, req.amc_account, req.amc_role));
    if (!req.aws_account.empty())
      CR_TRY(repo::grant_aws_role(tx, u.user_id, req.aws_account, req.aws_role));
    return u;
  });
}

Result<catalog::UserRecord> AccountService::authenticate_bearer(const std::string& token) {
  return ctx_.db.read<catalog::UserRecord>([&](Tx& tx) -> Result<catalog::UserRecord> {
    CR_ASSIGN(auto user, repo::find_user_by_token_hash(tx, auth::token_hash(token)));
    if (!user) {
      // Name the header at fault, as for every other header error (docs/amc-api.md).
      return Error::unauthenticated("the bearer token in the Authorization header is not valid")
          .at("Authorization");
    }
    return *user;
  });
}

Result<catalog::UserRecord> AccountService::authenticate_password(const std::string& email,
                                                                  const std::string& password) {
  const int64_t now = now_epoch_seconds();
  CR_ASSIGN(int64_t wait, sign_in_throttle_.wait_seconds(email, now));
  if (wait > 0)
    return Error::throttled("too many failed sign-ins for this email; try again in " +
                            std::to_string(wait) + " s");
  CR_ASSIGN(auto user, ctx_.db.read<std::optional<catalog::UserRecord>>(
                           [&](Tx& tx) { return repo::find_user_by_email(tx, email); }));
  // The hash is checked outside the transaction (it is slow on purpose), and against a stand-in
  // when there is no user, so the answer's timing does not tell whether the email exists.
  static const std::string stand_in = auth::hash_password(crypto::random_string(16));
  bool has_password = user && !user->password_hash.empty();
  bool matches = auth::verify_password(password, has_password ? user->password_hash : stand_in);
  if (!has_password || !matches) {
    CR_TRY(sign_in_throttle_.failed(email, now));
    return Error::unauthenticated("wrong email or password");
  }
  CR_TRY(sign_in_throttle_.succeeded(email));
  return *user;
}

Result<AmcCaller> AccountService::resolve_amc_caller(const std::string& bearer_token,
                                                     const std::string& client_id,
                                                     const std::string& marketplace_id,
                                                     const std::string& advertiser_id) {
  CR_ASSIGN(auto user, authenticate_bearer(bearer_token));
  if (!crypto::equal_ct(user.client_id, client_id))
    return Error::unauthenticated(
               "Amazon-Advertising-API-ClientId does not belong to this bearer token")
        .at("Amazon-Advertising-API-ClientId");
  auto caller = amc_caller_of(user, advertiser_id);
  if (!caller.ok()) {
    Error e = caller.error();
    e.message += " (Amazon-Advertising-API-AdvertiserId)";
    e.field = "Amazon-Advertising-API-AdvertiserId";
    return e;
  }
  if (caller->amc_account.marketplace_id != marketplace_id)
    return Error::validation("Amazon-Advertising-API-MarketplaceId '" + marketplace_id +
                                 "' is not the marketplace of AMC account " + advertiser_id,
                             "Amazon-Advertising-API-MarketplaceId");
  return caller;
}

Result<AmcCaller> AccountService::amc_caller_of(const catalog::UserRecord& user,
                                                const std::string& advertiser_id) {
  return ctx_.db.read<AmcCaller>([&](Tx& tx) -> Result<AmcCaller> {
    CR_ASSIGN(auto amc, repo::find_amc_account(tx, advertiser_id));
    CR_ASSIGN(auto roles, repo::amc_roles(tx, user.user_id));
    auto grant = std::find_if(roles.begin(), roles.end(),
                              [&](auto& g) { return g.scope_id == advertiser_id; });
    if (!amc || grant == roles.end())
      return Error::access_denied("the user has no access to AMC account '" + advertiser_id + "'");
    return AmcCaller{user, *amc, grant->role};
  });
}

Result<std::vector<catalog::AmcAccountRecord>> AccountService::amc_accounts_of(
    const catalog::UserRecord& user) {
  return ctx_.db.read<std::vector<catalog::AmcAccountRecord>>(
      [&](Tx& tx) -> Result<std::vector<catalog::AmcAccountRecord>> {
        CR_ASSIGN(auto roles, repo::amc_roles(tx, user.user_id));
        std::vector<catalog::AmcAccountRecord> out;
        for (const auto& g : roles) {
          CR_ASSIGN(auto amc, repo::find_amc_account(tx, g.scope_id));
          if (amc) out.push_back(*amc);
        }
        return out;
      });
}

Result<std::string> AccountService::aws_role(const std::string& user_id,
                                             const std::string& account_id) {
  return ctx_.db.read<std::string>([&](Tx& tx) -> Result<std::string> {
    CR_ASSIGN(auto roles, repo::aws_roles(tx, user_id));
    for (const auto& g : roles)
      if (g.scope_id == account_id) return g.role;
    return std::string();
  });
}

Result<std::optional<catalog::AccountRecord>> AccountService::find_account(
    const std::string& account_id) {
  return ctx_.db.read<std::optional<catalog::AccountRecord>>(
      [&](Tx& tx) { return repo::find_account(tx, account_id); });
}

}  // namespace cleanroom::core
