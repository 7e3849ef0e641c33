#pragma once
// Rows of accounts, AMC accounts, users and their roles, and invitations.
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct AccountRecord {
  std::string account_id;
  std::string name;
  std::string platform_role;  // "" for customer accounts
  int64_t created_at = 0;
};

struct AmcAccountRecord {
  std::string advertiser_id;
  std::string name;
  std::string marketplace_id;
  int64_t created_at = 0;
};

struct UserRecord {
  std::string user_id;
  std::string email;
  std::string client_id;
  std::string password_hash;  // "" when the user has no console password
  bool is_operator = false;
  int64_t created_at = 0;
};

struct RoleGrant {
  std::string scope_id;  // AMC account (advertiser id) or AWS account id
  std::string role;      // ADMIN | USER
};

struct InvitationRecord {
  std::string invitation_id;
  std::string advertiser_id;
  std::string email;
  std::string role;
  InvitationStatus status = InvitationStatus::Pending;
  std::string invited_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace accounts_repo {

Status insert_account(Tx& tx, const AccountRecord& a);
Result<std::optional<AccountRecord>> find_account(Tx& tx, const std::string& account_id);

Status insert_amc_account(Tx& tx, const AmcAccountRecord& a);
Result<std::optional<AmcAccountRecord>> find_amc_account(Tx& tx, const std::string& advertiser_id);

Status insert_user(Tx& tx, const UserRecord& u, const std::string& token_hash);
Status set_token_hash(Tx& tx, const std::string& user_id, const std::string& token_hash);
Result<std::optional<UserRecord>> find_user_by_token_hash(Tx& tx, const std::string& token_hash);
Result<std::optional<UserRecord>> find_user_by_email(Tx& tx, const std::string& email);
Result<std::optional<UserRecord>> find_operator(Tx& tx);

// Console sessions (core/console_sessions.h), by the SHA-256 of their token.
struct SessionRecord {
  UserRecord user;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen = 0;
};
Status insert_session(Tx& tx, const std::string& token_hash, const SessionRecord& s);
Result<std::optional<SessionRecord>> find_session(Tx& tx, const std::string& token_hash);
Status touch_session(Tx& tx, const std::string& token_hash, int64_t now);
Status remove_session(Tx& tx, const std::string& token_hash);
// Removes sessions idle since before `idle_before` or made before `created_before`, then the
// oldest beyond `keep_at_most`.
Status prune_sessions(Tx& tx, int64_t idle_before, int64_t created_before, int64_t keep_at_most);

Status grant_amc_role(Tx& tx, const std::string& user_id, const std::string& advertiser_id,
                      const std::string& role);
Status grant_aws_role(Tx& tx, const std::string& user_id, const std::string& account_id,
                      const std::string& role);
Result<std::vector<RoleGrant>> amc_roles(Tx& tx, const std::string& user_id);
Result<std::vector<RoleGrant>> aws_roles(Tx& tx, const std::string& user_id);
// Users with any role in the AMC account, with that role.
Result<std::vector<std::pair<UserRecord, std::string>>> users_of_amc_account(
    Tx& tx, const std::string& advertiser_id);

Status insert_invitation(Tx& tx, const InvitationRecord& i);
Result<std::optional<InvitationRecord>> find_invitation(Tx& tx, const std::string& invitation_id);
Result<std::vector<InvitationRecord>> invitations_of_amc_account(Tx& tx,
                                                                 const std::string& advertiser_id);
Result<std::vector<InvitationRecord>> pending_invitations_for(Tx& tx, const std::string& email);
Status set_invitation_status(Tx& tx, const std::string& invitation_id, InvitationStatus status,
                             int64_t now);

}  // namespace accounts_repo
}  // namespace cleanroom::catalog
