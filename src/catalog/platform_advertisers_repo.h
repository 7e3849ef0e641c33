#pragma once
// Rows of the platform advertisers each AMC account owns (migration 8).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog::platform_advertisers_repo {

Status insert(Tx& tx, int64_t platform_advertiser_id, const std::string& amc_account_id,
              int64_t now);
Status remove(Tx& tx, int64_t platform_advertiser_id);
// The AMC account that owns the advertiser, if any.
Result<std::optional<std::string>> owner_of(Tx& tx, int64_t platform_advertiser_id);
// The account's advertisers, in id order.
Result<std::vector<int64_t>> of_account(Tx& tx, const std::string& amc_account_id);

}  // namespace cleanroom::catalog::platform_advertisers_repo
