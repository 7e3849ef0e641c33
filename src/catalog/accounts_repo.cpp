#include "catalog/accounts_repo.h"

#include <limits>

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::accounts_repo {
namespace {

AccountRecord account_from(const Row& r) {
  return {r.str("account_id"), r.str("name"), r.str("platform_role"), r.integer("created_at")};
}
AmcAccountRecord amc_account_from(const Row& r) {
  return {r.str("advertiser_id"), r.str("name"), r.str("marketplace_id"), r.integer("created_at")};
}
UserRecord user_from(const Row& r) {
  return {r.str("user_id"),
          r.str("email"),
          r.str("client_id"),
          r.str("password_hash"),
          r.integer("is_operator") != 0,
          r.integer("created_at")};
}
Result<InvitationRecord> invitation_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<InvitationStatus>(r, "status"));
  return InvitationRecord{r.str("invitation_id"),
                          r.str("advertiser_id"),
                          r.str("email"),
                          r.str("role"),
                          status,
                          r.str("invited_by"),
                          r.integer("created_at"),
                          r.integer("updated_at")};
}
RoleGrant grant_from(const Row& r) { return {r.str("scope_id"), r.str("role")}; }

}  // namespace

Status insert_account(Tx& tx, const AccountRecord& a) {
  return tx.exec(
      "INSERT INTO accounts (account_id, name, platform_role, created_at) VALUES (?,?,?,?)",
      {a.account_id, a.name, a.platform_role.empty() ? Value(nullptr) : Value(a.platform_role),
       a.created_at});
}
Result<std::optional<AccountRecord>> find_account(Tx& tx, const std::string& account_id) {
  return fetch_one<AccountRecord>(tx, "SELECT * FROM accounts WHERE account_id = ?", {account_id},
                                  account_from);
}

Status insert_amc_account(Tx& tx, const AmcAccountRecord& a) {
  return tx.exec(
      "INSERT INTO amc_accounts (advertiser_id, name, marketplace_id, created_at) VALUES (?,?,?,?)",
      {a.advertiser_id, a.name, a.marketplace_id, a.created_at});
}
Result<std::optional<AmcAccountRecord>> find_amc_account(Tx& tx, const std::string& advertiser_id) {
  return fetch_one<AmcAccountRecord>(tx, "SELECT * FROM amc_accounts WHERE advertiser_id = ?",
                                     {advertiser_id}, amc_account_from);
}

Status insert_user(Tx& tx, const UserRecord& u, const std::string& token_hash) {
  return tx.exec(
      "INSERT INTO users (user_id, email, client_id, token_hash, password_hash, is_operator, "
      "created_at) "
      "VALUES (?,?,?,?,?,?,?)",
      {u.user_id, u.email, u.client_id, token_hash,
       u.password_hash.empty() ? Value(nullptr) : Value(u.password_hash), int64_t{u.is_operator},
       u.created_at});
}
Status set_token_hash(Tx& tx, const std::string& user_id, const std::string& token_hash) {
  return tx.exec("UPDATE users SET token_hash = ? WHERE user_id = ?", {token_hash, user_id});
}
Result<std::optional<UserRecord>> find_user_by_token_hash(Tx& tx, const std::string& token_hash) {
  return fetch_one<UserRecord>(tx, "SELECT * FROM users WHERE token_hash = ?", {token_hash},
                               user_from);
}
Result<std::optional<UserRecord>> find_user_by_email(Tx& tx, const std::string& email) {
  // Emails compare with ASCII case folded (lower() folds ASCII only, in both stores).
  return fetch_one<UserRecord>(tx, "SELECT * FROM users WHERE lower(email) = lower(?)", {email},
                               user_from);
}
Result<std::optional<UserRecord>> find_operator(Tx& tx) {
  return fetch_one<UserRecord>(tx, "SELECT * FROM users WHERE is_operator = 1", {}, user_from);
}

Status grant_amc_role(Tx& tx, const std::string& user_id, const std::string& advertiser_id,
                      const std::string& role) {
  return tx.exec(
      "INSERT INTO user_amc_roles (user_id, advertiser_id, role) VALUES (?,?,?) "
      "ON CONFLICT (user_id, advertiser_id) DO UPDATE SET role = excluded.role",
      {user_id, advertiser_id, role});
}
Status grant_aws_role(Tx& tx, const std::string& user_id, const std::string& account_id,
                      const std::string& role) {
  return tx.exec(
      "INSERT INTO user_aws_roles (user_id, account_id, role) VALUES (?,?,?) "
      "ON CONFLICT (user_id, account_id) DO UPDATE SET role = excluded.role",
      {user_id, account_id, role});
}
Result<std::vector<RoleGrant>> amc_roles(Tx& tx, const std::string& user_id) {
  return fetch_all<RoleGrant>(
      tx,
      "SELECT advertiser_id AS scope_id, role FROM user_amc_roles WHERE user_id = ? "
      "ORDER BY advertiser_id",
      {user_id}, grant_from);
}
Result<std::vector<RoleGrant>> aws_roles(Tx& tx, const std::string& user_id) {
  return fetch_all<RoleGrant>(
      tx,
      "SELECT account_id AS scope_id, role FROM user_aws_roles WHERE user_id = ? "
      "ORDER BY account_id",
      {user_id}, grant_from);
}
Result<std::vector<std::pair<UserRecord, std::string>>> users_of_amc_account(
    Tx& tx, const std::string& advertiser_id) {
  return fetch_all<std::pair<UserRecord, std::string>>(
      tx,
      "SELECT u.*, r.role FROM users u JOIN user_amc_roles r ON r.user_id = u.user_id "
      "WHERE r.advertiser_id = ? ORDER BY lower(u.email)",
      {advertiser_id}, [](const Row& r) { return std::make_pair(user_from(r), r.str("role")); });
}

Status insert_invitation(Tx& tx, const InvitationRecord& i) {
  return tx.exec(
      "INSERT INTO invitations (invitation_id, advertiser_id, email, role, status, invited_by, "
      "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
      {i.invitation_id, i.advertiser_id, i.email, i.role, wire_string(i.status), i.invited_by,
       i.created_at, i.updated_at});
}
Result<std::optional<InvitationRecord>> find_invitation(Tx& tx, const std::string& invitation_id) {
  return fetch_one<InvitationRecord>(tx, "SELECT * FROM invitations WHERE invitation_id = ?",
                                     {invitation_id}, invitation_from);
}
Result<std::vector<InvitationRecord>> invitations_of_amc_account(Tx& tx,
                                                                 const std::string& advertiser_id) {
  return fetch_all<InvitationRecord>(
      tx, "SELECT * FROM invitations WHERE advertiser_id = ? ORDER BY created_at, invitation_id",
      {advertiser_id}, invitation_from);
}
Result<std::vector<InvitationRecord>> pending_invitations_for(Tx& tx, const std::string& email) {
  return fetch_all<InvitationRecord>(
      tx,
      "SELECT * FROM invitations WHERE lower(email) = lower(?) AND status = ? "
      "ORDER BY created_at, invitation_id",
      {email, wire_string(InvitationStatus::Pending)}, invitation_from);
}
Status set_invitation_status(Tx& tx, const std::string& invitation_id, InvitationStatus status,
                             int64_t now) {
  return tx.exec("UPDATE invitations SET status = ?, updated_at = ? WHERE invitation_id = ?",
                 {wire_string(status), now, invitation_id});
}

Status insert_session(Tx& tx, const std::string& token_hash, const SessionRecord& s) {
  return tx.exec(
      "INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, last_seen) "
      "VALUES (?, ?, ?, ?, ?)",
      {token_hash, s.user.user_id, s.csrf_token, s.created_at, s.last_seen});
}

Result<std::optional<SessionRecord>> find_session(Tx& tx, const std::string& token_hash) {
  CR_ASSIGN(auto row, tx.query_one("SELECT u.*, s.csrf_token, s.created_at AS session_created, "
                                   "s.last_seen FROM console_sessions s JOIN users u "
                                   "ON u.user_id = s.user_id WHERE s.token_hash = ?",
                                   {token_hash}));
  if (!row) return std::optional<SessionRecord>{};
  SessionRecord s{user_from(*row), row->str("csrf_token"), row->integer("session_created"),
                  row->integer("last_seen")};
  s.user.password_hash.clear();  // never needed by a session, never handed out
  return std::optional<SessionRecord>(std::move(s));
}

Status touch_session(Tx& tx, const std::string& token_hash, int64_t now) {
  return tx.exec("UPDATE console_sessions SET last_seen = ? WHERE token_hash = ?",
                 {now, token_hash});
}

Status remove_session(Tx& tx, const std::string& token_hash) {
  return tx.exec("DELETE FROM console_sessions WHERE token_hash = ?", {token_hash});
}

Status prune_sessions(Tx& tx, int64_t idle_before, int64_t created_before, int64_t keep_at_most) {
  CR_TRY(tx.exec("DELETE FROM console_sessions WHERE last_seen < ? OR created_at < ?",
                 {idle_before, created_before}));
  return tx.exec(
      "DELETE FROM console_sessions WHERE token_hash IN (SELECT token_hash FROM console_sessions "
      "ORDER BY created_at DESC, token_hash LIMIT ? OFFSET ?)",
      {std::numeric_limits<int64_t>::max(), keep_at_most});
}

}  // namespace cleanroom::catalog::accounts_repo
