#include "catalog/platform_advertisers_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::platform_advertisers_repo {

Status insert(Tx& tx, int64_t platform_advertiser_id, const std::string& amc_account_id,
              int64_t now) {
  return tx.exec(
      "INSERT INTO amc_account_advertisers (platform_advertiser_id, amc_account_id, created_at) "
      "VALUES (?,?,?)",
      {platform_advertiser_id, amc_account_id, now});
}

Status remove(Tx& tx, int64_t platform_advertiser_id) {
  return tx.exec("DELETE FROM amc_account_advertisers WHERE platform_advertiser_id = ?",
                 {platform_advertiser_id});
}

Result<std::optional<std::string>> owner_of(Tx& tx, int64_t platform_advertiser_id) {
  return fetch_one<std::string>(
      tx, "SELECT amc_account_id FROM amc_account_advertisers WHERE platform_advertiser_id = ?",
      {platform_advertiser_id}, [](const Row& r) { return r.str("amc_account_id"); });
}

Result<std::vector<int64_t>> of_account(Tx& tx, const std::string& amc_account_id) {
  return fetch_all<int64_t>(
      tx,
      "SELECT platform_advertiser_id FROM amc_account_advertisers WHERE amc_account_id = ? "
      "ORDER BY platform_advertiser_id",
      {amc_account_id}, [](const Row& r) { return r.integer("platform_advertiser_id"); });
}

}  // namespace cleanroom::catalog::platform_advertisers_repo
