#include "catalog/nodes_repo.h"

#include "common/states.h"

namespace cleanroom::catalog::nodes_repo {

Status beat(Tx& tx, const std::string& node_id, int64_t now_ms) {
  return tx.exec(
      "INSERT INTO nodes (node_id, started_ms, heartbeat_ms) VALUES (?1, ?2, ?2) "
      "ON CONFLICT (node_id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms",
      {node_id, now_ms});
}

Status remove(Tx& tx, const std::string& node_id) {
  return tx.exec("DELETE FROM nodes WHERE node_id = ?", {node_id});
}

Result<int64_t> forget_silent(Tx& tx, int64_t before_ms) {
  CR_TRY(tx.exec("DELETE FROM nodes WHERE heartbeat_ms < ?", {before_ms}));
  return tx.changes();
}

Result<int64_t> fail_held_by_silent(Tx& tx, const char* table, const char* message_column,
                                    const std::string& message, int64_t now_s,
                                    int64_t alive_since_ms) {
  CR_TRY(tx.exec(
      std::string("UPDATE ") + table + " SET status = ?, " + message_column +
          " = ?, updated_at = ?, node_id = '' WHERE status IN (?, ?) AND node_id NOT "
          "IN (SELECT node_id FROM nodes WHERE heartbeat_ms >= ?)",
      {wire_string(UploadStatus::Failed), message, now_s, wire_string(UploadStatus::Pending),
       wire_string(UploadStatus::Running), alive_since_ms}));
  return tx.changes();
}

Result<Home> home_of(Tx& tx, const std::string& collaboration_id, const std::string& node_id,
                     int64_t alive_since_ms, int64_t now_ms) {
  // The asking node counts as alive: it is running.
  CR_ASSIGN(auto row,
            tx.query_one("SELECT h.node_id, h.since_ms FROM collaboration_homes h LEFT JOIN nodes "
                         "n ON n.node_id = h.node_id WHERE h.collaboration_id = ?1 "
                         "AND (h.node_id = ?2 OR n.heartbeat_ms >= ?3)",
                         {collaboration_id, node_id, alive_since_ms}));
  if (row) return Home{row->str("node_id"), row->integer("since_ms")};
  CR_TRY(tx.exec(
      "INSERT INTO collaboration_homes (collaboration_id, node_id, since_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (collaboration_id) DO UPDATE SET node_id = excluded.node_id, "
      "since_ms = excluded.since_ms",
      {collaboration_id, node_id, now_ms}));
  return Home{node_id, now_ms};
}

Result<int64_t> home_since(Tx& tx, const std::string& collaboration_id,
                           const std::string& node_id) {
  CR_ASSIGN(auto row, tx.query_one("SELECT since_ms FROM collaboration_homes "
                                   "WHERE collaboration_id = ? AND node_id = ?",
                                   {collaboration_id, node_id}));
  return row ? row->integer("since_ms") : int64_t{0};
}

}  // namespace cleanroom::catalog::nodes_repo
