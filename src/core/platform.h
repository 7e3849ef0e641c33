#pragma once
// The platform's own service accounts, one per service member the reference lists
// (amc-clean-rooms-collaboration-setup.md, "The collaboration in AWS Clean Rooms will also
// house members as listed below").
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/error.h"
#include "common/states.h"

namespace cleanroom::core {

struct PlatformRole {
  std::string role;          // stable key, e.g. QUERY_SUBMITTER
  std::string display_name;  // member display name in every AMC collaboration
  std::vector<MemberAbility> abilities;
};

// In the reference's order. Abilities follow the roles: the Query Submitter runs the queries,
// the Results Receiver receives audience results; data providers only bring data.
const std::vector<PlatformRole>& platform_roles();

struct PlatformAccount {
  PlatformRole role;
  std::string account_id;
};

// The platform accounts as stored; empty until AccountService::ensure_platform ran (the first
// serve).
Result<std::vector<PlatformAccount>> platform_accounts(catalog::Database& db);
Result<PlatformAccount> platform_account(catalog::Database& db, const std::string& role);
// The same inside a transaction: the account id of one role; none before the first serve.
Result<std::optional<std::string>> find_platform_account_id(catalog::Tx& tx,
                                                            const std::string& role);
// As find_platform_account_id, with a missing account an error.
Result<std::string> platform_account_id(catalog::Tx& tx, const std::string& role);

}  // namespace cleanroom::core
