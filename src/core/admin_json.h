#pragma once
// The JSON that `cleanroom admin ... --json` prints and the admin HTTP API returns: one shape
// for both, so scripts can switch between them.
#include <nlohmann/json.hpp>

#include "core/accounts.h"

namespace cleanroom::core {

inline nlohmann::json account_credentials_json(const AccountCredentials& c) {
  return {{"accountId", c.account_id},
          {"name", c.name},
          {"accessKeyId", c.access_key_id},
          {"secretAccessKey", c.secret_access_key}};
}
inline nlohmann::json amc_account_json(const catalog::AmcAccountRecord& a) {
  return {{"advertiserId", a.advertiser_id}, {"name", a.name}, {"marketplaceId", a.marketplace_id}};
}
inline nlohmann::json platform_advertisers_json(const std::string& amc_account_id,
                                                const std::vector<int64_t>& advertiser_ids) {
  return {{"advertiserId", amc_account_id}, {"platformAdvertiserIds", advertiser_ids}};
}
inline nlohmann::json new_user_json(const NewUser& u) {
  return {{"userId", u.user_id},
          {"email", u.email},
          {"clientId", u.client_id},
          {"bearerToken", u.bearer_token}};
}

}  // namespace cleanroom::core
