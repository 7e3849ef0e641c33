#pragma once
// Rows of AMC instances, their advertisers and advertiser updates.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct InstanceRecord {
  std::string instance_id;
  std::string advertiser_id;  // the AMC account that owns it
  std::string marketplace_id;
  std::string instance_name;
  std::string advertiser_name;  // "" when not given
  std::string aws_account_id;
  InstanceStatus creation_status = InstanceStatus::Requested;
  std::string collaboration_id;
  std::string idempotency_token;  // "" when not given
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct InstanceAdvertiser {
  std::string advertiser_id;
  std::string marketplace_id;
  std::string type;
};

struct AdvertiserUpdateRecord {
  std::string update_id;
  std::string instance_id;
  AdvertiserUpdateStatus status = AdvertiserUpdateStatus::Completed;
  nlohmann::json request;
  std::string reason;
  int64_t created_at = 0;
};

namespace instances_repo {

Status insert(Tx& tx, const InstanceRecord& i);
Result<std::optional<InstanceRecord>> find(Tx& tx, const std::string& instance_id);
Result<std::optional<InstanceRecord>> find_by_collaboration(Tx& tx,
                                                            const std::string& collaboration_id);
Result<std::optional<InstanceRecord>> find_by_idempotency_token(Tx& tx,
                                                                const std::string& advertiser_id,
                                                                const std::string& token);
// The AMC account's instances ordered by id, after `after` (paging).
Result<std::vector<InstanceRecord>> list(Tx& tx, const std::string& advertiser_id,
                                         const std::string& after, int limit);
Status set_name(Tx& tx, const std::string& instance_id, const std::string& name, int64_t now);
Status set_creation_status(Tx& tx, const std::string& instance_id, InstanceStatus status,
                           int64_t now);

Result<std::vector<InstanceAdvertiser>> advertisers(Tx& tx, const std::string& instance_id);
Status add_advertiser(Tx& tx, const std::string& instance_id, const InstanceAdvertiser& a);
Status remove_advertiser(Tx& tx, const std::string& instance_id, const std::string& advertiser_id);
// From every instance of the AMC account.
Status remove_advertiser_from_account(Tx& tx, const std::string& amc_account_id,
                                      const std::string& advertiser_id);
Status insert_update(Tx& tx, const AdvertiserUpdateRecord& u);
Result<std::optional<AdvertiserUpdateRecord>> find_update(Tx& tx, const std::string& instance_id,
                                                          const std::string& update_id);
Result<std::vector<AdvertiserUpdateRecord>> updates(Tx& tx, const std::string& instance_id);

}  // namespace instances_repo
}  // namespace cleanroom::catalog
