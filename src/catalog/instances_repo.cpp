#include "catalog/instances_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::instances_repo {
namespace {

Result<InstanceRecord> instance_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<InstanceStatus>(r, "creation_status"));
  return InstanceRecord{r.str("instance_id"),
                        r.str("advertiser_id"),
                        r.str("marketplace_id"),
                        r.str("instance_name"),
                        r.str("advertiser_name"),
                        r.str("aws_account_id"),
                        status,
                        r.str("collaboration_id"),
                        r.str("idempotency_token"),
                        r.str("created_by"),
                        r.integer("created_at"),
                        r.integer("updated_at")};
}
Result<AdvertiserUpdateRecord> update_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<AdvertiserUpdateStatus>(r, "status"));
  return AdvertiserUpdateRecord{
      r.str("update_id"), r.str("instance_id"),   status, nlohmann::json::parse(r.str("request")),
      r.str("reason"),    r.integer("created_at")};
}

}  // namespace

Status insert(Tx& tx, const InstanceRecord& i) {
  return tx.exec(
      "INSERT INTO instances (instance_id, advertiser_id, marketplace_id, instance_name, "
      "advertiser_name, "
      "aws_account_id, creation_status, collaboration_id, idempotency_token, created_by, "
      "created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {i.instance_id, i.advertiser_id, i.marketplace_id, i.instance_name,
       text_or_null(i.advertiser_name), i.aws_account_id, wire_string(i.creation_status),
       i.collaboration_id, text_or_null(i.idempotency_token), i.created_by, i.created_at,
       i.updated_at});
}

Status set_name(Tx& tx, const std::string& instance_id, const std::string& name, int64_t now) {
  return tx.exec("UPDATE instances SET instance_name = ?, updated_at = ? WHERE instance_id = ?",
                 {name, now, instance_id});
}

Result<std::optional<InstanceRecord>> find(Tx& tx, const std::string& instance_id) {
  return fetch_one<InstanceRecord>(tx, "SELECT * FROM instances WHERE instance_id = ?",
                                   {instance_id}, instance_from);
}

Result<std::optional<InstanceRecord>> find_by_collaboration(Tx& tx,
                                                            const std::string& collaboration_id) {
  return fetch_one<InstanceRecord>(tx, "SELECT * FROM instances WHERE collaboration_id = ?",
                                   {collaboration_id}, instance_from);
}

Result<std::optional<InstanceRecord>> find_by_idempotency_token(Tx& tx,
                                                                const std::string& advertiser_id,
                                                                const std::string& token) {
  return fetch_one<InstanceRecord>(
      tx, "SELECT * FROM instances WHERE advertiser_id = ? AND idempotency_token = ?",
      {advertiser_id, token}, instance_from);
}

Result<std::vector<InstanceRecord>> list(Tx& tx, const std::string& advertiser_id,
                                         const std::string& after, int limit) {
  return fetch_all<InstanceRecord>(
      tx,
      "SELECT * FROM instances WHERE advertiser_id = ?1 AND (?2 = '' OR instance_id > ?2) "
      "ORDER BY instance_id LIMIT ?3",
      {advertiser_id, after, static_cast<int64_t>(limit)}, instance_from);
}

Status set_creation_status(Tx& tx, const std::string& instance_id, InstanceStatus status,
                           int64_t now) {
  return tx.exec("UPDATE instances SET creation_status = ?, updated_at = ? WHERE instance_id = ?",
                 {wire_string(status), now, instance_id});
}

Result<std::vector<InstanceAdvertiser>> advertisers(Tx& tx, const std::string& instance_id) {
  return fetch_all<InstanceAdvertiser>(
      tx, "SELECT * FROM instance_advertisers WHERE instance_id = ? ORDER BY advertiser_id",
      {instance_id}, [](const Row& r) {
        return InstanceAdvertiser{r.str("advertiser_id"), r.str("marketplace_id"), r.str("type")};
      });
}

Status add_advertiser(Tx& tx, const std::string& instance_id, const InstanceAdvertiser& a) {
  return tx.exec(
      "INSERT INTO instance_advertisers (instance_id, advertiser_id, marketplace_id, type) "
      "VALUES (?,?,?,?) ON CONFLICT (instance_id, advertiser_id) DO UPDATE SET "
      "marketplace_id = excluded.marketplace_id, type = excluded.type",
      {instance_id, a.advertiser_id, a.marketplace_id, a.type});
}

Status remove_advertiser(Tx& tx, const std::string& instance_id, const std::string& advertiser_id) {
  return tx.exec("DELETE FROM instance_advertisers WHERE instance_id = ? AND advertiser_id = ?",
                 {instance_id, advertiser_id});
}

Status remove_advertiser_from_account(Tx& tx, const std::string& amc_account_id,
                                      const std::string& advertiser_id) {
  return tx.exec(
      "DELETE FROM instance_advertisers WHERE advertiser_id = ? AND instance_id IN "
      "(SELECT instance_id FROM instances WHERE advertiser_id = ?)",
      {advertiser_id, amc_account_id});
}

Status insert_update(Tx& tx, const AdvertiserUpdateRecord& u) {
  return tx.exec(
      "INSERT INTO advertiser_updates (update_id, instance_id, status, request, reason, "
      "created_at) "
      "VALUES (?,?,?,?,?,?)",
      {u.update_id, u.instance_id, wire_string(u.status), u.request.dump(), text_or_null(u.reason),
       u.created_at});
}

Result<std::optional<AdvertiserUpdateRecord>> find_update(Tx& tx, const std::string& instance_id,
                                                          const std::string& update_id) {
  return fetch_one<AdvertiserUpdateRecord>(
      tx, "SELECT * FROM advertiser_updates WHERE instance_id = ? AND update_id = ?",
      {instance_id, update_id}, update_from);
}

Result<std::vector<AdvertiserUpdateRecord>> updates(Tx& tx, const std::string& instance_id) {
  return fetch_all<AdvertiserUpdateRecord>(
      tx, "SELECT * FROM advertiser_updates WHERE instance_id = ? ORDER BY created_at, update_id",
      {instance_id}, update_from);
}

}  // namespace cleanroom::catalog::instances_repo
