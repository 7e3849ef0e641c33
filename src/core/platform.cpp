#include "core/platform.h"

namespace cleanroom::core {

const std::vector<PlatformRole>& platform_roles() {
  static const std::vector<PlatformRole> roles = {
      {"ADVERTISING_DATA_PROVIDER", "Amazon Advertising Data Provider", {}},
      {"LOOKALIKE_AUDIENCE_GENERATOR", "Lookalike Audience Generator", {}},
      {"ADVERTISER_UPLOADED_DATA_PROVIDER", "Advertiser Uploaded Data Provider", {}},
      {"THIRD_PARTY_PAID_DATA_PROVIDER", "Third-party Paid Data Provider", {}},
      {"RESULTS_RECEIVER", "AMC Results Receiver", {MemberAbility::CanReceiveResults}},
      {"QUERY_SUBMITTER", "Query Submitter", {MemberAbility::CanQuery}},
      {"SERVICE", "AMC service", {}},
  };
  return roles;
}

Result<std::vector<PlatformAccount>> platform_accounts(catalog::Database& db) {
  return db.read<std::vector<PlatformAccount>>([&](catalog::Tx& tx)
                                                   -> Result<std::vector<PlatformAccount>> {
    CR_ASSIGN(
        auto rows,
        tx.query("SELECT account_id, platform_role FROM accounts WHERE platform_role IS NOT NULL"));
    std::vector<PlatformAccount> out;
    for (const auto& role : platform_roles())
      for (const auto& row : rows)
        if (row.str("platform_role") == role.role) out.push_back({role, row.str("account_id")});
    return out;
  });
}

Result<PlatformAccount> platform_account(catalog::Database& db, const std::string& role) {
  CR_ASSIGN(auto all, platform_accounts(db));
  for (auto& a : all)
    if (a.role.role == role) return a;
  return Error::internal("platform account " + role +
                         " is missing; start the server once to create it");
}

Result<std::optional<std::string>> find_platform_account_id(catalog::Tx& tx,
                                                            const std::string& role) {
  CR_ASSIGN(auto row,
            tx.query_one("SELECT account_id FROM accounts WHERE platform_role = ?", {role}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->str("account_id"));
}

Result<std::string> platform_account_id(catalog::Tx& tx, const std::string& role) {
  CR_ASSIGN(auto id, find_platform_account_id(tx, role));
  if (!id)
    return Error::internal("platform account " + role +
                           " is missing; start the server once to create it");
  return *id;
}

}  // namespace cleanroom::core
