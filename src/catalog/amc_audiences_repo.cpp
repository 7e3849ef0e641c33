#include "catalog/amc_audiences_repo.h"

#include "catalog/nodes_repo.h"
#include "catalog/row_mapping.h"

namespace cleanroom::catalog::amc_audiences_repo {
namespace {

Result<AmcAudienceRecord> audience_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<UploadStatus>(r, "status"));
  AmcAudienceRecord a;
  a.audience_id = r.str("audience_id");
  a.instance_id = r.str("instance_id");
  a.name = r.str("name");
  a.description = r.str("description");
  a.query_text = r.str("query_text");
  a.window_start = r.integer("window_start");
  a.window_end = r.integer("window_end");
  a.refresh_rate_days = r.integer("refresh_rate_days");
  a.status = status;
  a.status_reason = r.str("status_reason");
  a.audience_count = r.integer("audience_count");
  a.output_location = r.str("output_location");
  a.deliveries = r.integer("deliveries");
  a.created_by = r.str("created_by");
  a.created_at = r.integer("created_at");
  a.updated_at = r.integer("updated_at");
  a.last_run_at = r.integer("last_run_at");
  a.node_id = r.str("node_id");
  return a;
}

}  // namespace

Status insert(Tx& tx, const AmcAudienceRecord& a) {
  return tx.exec(
      "INSERT INTO amc_audiences (audience_id, instance_id, name, description, query_text, "
      "window_start, window_end, refresh_rate_days, status, status_reason, audience_count, "
      "output_location, deliveries, created_by, created_at, updated_at, last_run_at, node_id) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {a.audience_id, a.instance_id, a.name, text_or_null(a.description), a.query_text,
       a.window_start, a.window_end, a.refresh_rate_days, wire_string(a.status),
       text_or_null(a.status_reason), a.audience_count, text_or_null(a.output_location),
       a.deliveries, a.created_by, a.created_at, a.updated_at, a.last_run_at, a.node_id});
}

Status update_state(Tx& tx, const AmcAudienceRecord& a) {
  return tx.exec(
      "UPDATE amc_audiences SET status = ?, status_reason = ?, audience_count = ?, "
      "output_location = ?, deliveries = ?, updated_at = ?, last_run_at = ?, window_start = ?, "
      "window_end = ?, node_id = ? WHERE audience_id = ?",
      {wire_string(a.status), text_or_null(a.status_reason), a.audience_count,
       text_or_null(a.output_location), a.deliveries, a.updated_at, a.last_run_at, a.window_start,
       a.window_end, a.node_id, a.audience_id});
}

Result<std::optional<AmcAudienceRecord>> find(Tx& tx, const std::string& instance_id,
                                              const std::string& audience_id) {
  return fetch_one<AmcAudienceRecord>(
      tx, "SELECT * FROM amc_audiences WHERE instance_id = ? AND audience_id = ?",
      {instance_id, audience_id}, audience_from);
}

Result<std::vector<AmcAudienceRecord>> list(Tx& tx, const std::string& instance_id) {
  return fetch_all<AmcAudienceRecord>(
      tx, "SELECT * FROM amc_audiences WHERE instance_id = ? ORDER BY created_at DESC, audience_id",
      {instance_id}, audience_from);
}

Status remove(Tx& tx, const std::string& audience_id) {
  return tx.exec("DELETE FROM amc_audiences WHERE audience_id = ?", {audience_id});
}

Result<std::vector<AmcAudienceRecord>> due_refreshes(Tx& tx, int64_t now) {
  return fetch_all<AmcAudienceRecord>(
      tx,
      "SELECT * FROM amc_audiences WHERE refresh_rate_days > 0 AND status NOT IN (?, ?) AND "
      "last_run_at + refresh_rate_days * 86400 <= ? ORDER BY audience_id",
      {wire_string(UploadStatus::Pending), wire_string(UploadStatus::Running), now}, audience_from);
}

Result<int64_t> fail_lost_runs(Tx& tx, const std::string& message, int64_t now,
                               int64_t alive_since_ms) {
  return nodes_repo::fail_held_by_silent(tx, "amc_audiences", "status_reason", message, now,
                                         alive_since_ms);
}

}  // namespace cleanroom::catalog::amc_audiences_repo
