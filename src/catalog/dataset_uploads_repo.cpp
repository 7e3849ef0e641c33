#include "catalog/dataset_uploads_repo.h"

#include "catalog/nodes_repo.h"
#include "catalog/row_mapping.h"

namespace cleanroom::catalog::dataset_uploads_repo {
namespace {

Result<DatasetUploadRecord> upload_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<UploadStatus>(r, "status"));
  DatasetUploadRecord u;
  u.upload_id = r.str("upload_id");
  u.account_id = r.str("account_id");
  u.database_name = r.str("database_name");
  u.table_name = r.str("table_name");
  u.status = status;
  u.bytes_total = r.integer("bytes_total");
  u.bytes_done = r.integer("bytes_done");
  u.fraction = r.real("fraction");
  u.dataset = r.str("dataset");
  u.message = r.str("message");
  u.node_id = r.str("node_id");
  u.cancel_requested = r.integer("cancel_requested") != 0;
  u.created_at = r.integer("created_at");
  u.updated_at = r.integer("updated_at");
  return u;
}

}  // namespace

Status insert(Tx& tx, const DatasetUploadRecord& u) {
  return tx.exec(
      "INSERT INTO dataset_uploads (upload_id, account_id, database_name, table_name, status, "
      "bytes_total, bytes_done, fraction, dataset, message, node_id, cancel_requested, "
      "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {u.upload_id, u.account_id, u.database_name, u.table_name, wire_string(u.status),
       u.bytes_total, u.bytes_done, u.fraction, text_or_null(u.dataset), text_or_null(u.message),
       u.node_id, static_cast<int64_t>(u.cancel_requested), u.created_at, u.updated_at});
}

Status remove(Tx& tx, const std::string& upload_id) {
  return tx.exec("DELETE FROM dataset_uploads WHERE upload_id = ?", {upload_id});
}

Result<std::optional<DatasetUploadRecord>> find(Tx& tx, const std::string& upload_id) {
  return fetch_one<DatasetUploadRecord>(tx, "SELECT * FROM dataset_uploads WHERE upload_id = ?",
                                        {upload_id}, upload_from);
}

Result<bool> start(Tx& tx, const std::string& upload_id, int64_t now) {
  CR_TRY(tx.exec(
      "UPDATE dataset_uploads SET status = ?, updated_at = ? "
      "WHERE upload_id = ? AND status = ? AND cancel_requested = 0",
      {wire_string(UploadStatus::Running), now, upload_id, wire_string(UploadStatus::Pending)}));
  return tx.changes() == 1;
}

Result<bool> progress(Tx& tx, const std::string& upload_id, int64_t bytes_done, int64_t bytes_total,
                      double fraction, int64_t now) {
  CR_TRY(tx.exec(
      "UPDATE dataset_uploads SET bytes_done = ?, bytes_total = ?, fraction = ?, updated_at = ? "
      "WHERE upload_id = ? AND status = ?",
      {bytes_done, bytes_total, fraction, now, upload_id, wire_string(UploadStatus::Running)}));
  CR_ASSIGN(auto row, tx.query_one("SELECT cancel_requested FROM dataset_uploads "
                                   "WHERE upload_id = ?",
                                   {upload_id}));
  return row && row->integer("cancel_requested") != 0;
}

Status end(Tx& tx, const DatasetUploadRecord& u) {
  return tx.exec(
      "UPDATE dataset_uploads SET status = ?, bytes_done = ?, bytes_total = ?, fraction = ?, "
      "dataset = ?, message = ?, node_id = ?, updated_at = ? WHERE upload_id = ?",
      {wire_string(u.status), u.bytes_done, u.bytes_total, u.fraction, text_or_null(u.dataset),
       text_or_null(u.message), u.node_id, u.updated_at, u.upload_id});
}

Status request_cancel(Tx& tx, const std::string& upload_id, int64_t now) {
  return tx.exec(
      "UPDATE dataset_uploads SET cancel_requested = 1, updated_at = ? WHERE upload_id = ?",
      {now, upload_id});
}

Result<int64_t> fail_lost(Tx& tx, const std::string& message, int64_t now, int64_t alive_since_ms) {
  return nodes_repo::fail_held_by_silent(tx, "dataset_uploads", "message", message, now,
                                         alive_since_ms);
}

Result<int64_t> forget_ended(Tx& tx, int64_t before) {
  CR_TRY(tx.exec("DELETE FROM dataset_uploads WHERE status NOT IN (?, ?) AND updated_at < ?",
                 {wire_string(UploadStatus::Pending), wire_string(UploadStatus::Running), before}));
  return tx.changes();
}

}  // namespace cleanroom::catalog::dataset_uploads_repo
