#include "catalog/change_requests_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::change_requests_repo {
namespace {

using nlohmann::json;

ChangeRequestRecord request_from(const Row& r) {
  return {r.str("change_request_id"),
          r.str("collaboration_id"),
          r.str("status"),
          r.integer("is_auto_approved") != 0,
          json::parse(r.str("changes")),
          json::parse(r.str("approvals")).get<std::map<std::string, std::string>>(),
          r.integer("created_at"),
          r.integer("updated_at")};
}

}  // namespace

Status insert(Tx& tx, const ChangeRequestRecord& r) {
  return tx.exec(
      "INSERT INTO change_requests (change_request_id, collaboration_id, status, "
      "is_auto_approved, changes, approvals, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
      {r.id, r.collaboration_id, r.status, int64_t{r.is_auto_approved}, r.changes.dump(),
       json(r.approvals).dump(), r.created_at, r.updated_at});
}

Status update(Tx& tx, const ChangeRequestRecord& r) {
  return tx.exec(
      "UPDATE change_requests SET status = ?, approvals = ?, updated_at = ? WHERE "
      "change_request_id = ?",
      {r.status, json(r.approvals).dump(), r.updated_at, r.id});
}

Result<std::optional<ChangeRequestRecord>> find(Tx& tx, const std::string& collaboration_id,
                                                const std::string& id) {
  return fetch_one<ChangeRequestRecord>(
      tx, "SELECT * FROM change_requests WHERE collaboration_id = ? AND change_request_id = ?",
      {collaboration_id, id}, request_from);
}

Result<std::vector<ChangeRequestRecord>> list(Tx& tx, const std::string& collaboration_id,
                                              const std::string& status, const std::string& after,
                                              int limit) {
  return fetch_all<ChangeRequestRecord>(
      tx,
      "SELECT * FROM change_requests WHERE collaboration_id = ? AND (? = '' OR status = ?) AND "
      "change_request_id > ? ORDER BY change_request_id LIMIT ?",
      {collaboration_id, status, status, after, int64_t{limit}}, request_from);
}

}  // namespace cleanroom::catalog::change_requests_repo
