#include "catalog/amc_datasets_repo.h"

#include "catalog/nodes_repo.h"
#include "catalog/row_mapping.h"

namespace cleanroom::catalog::amc_datasets_repo {
namespace {
using nlohmann::json;

json columns_json(const std::vector<AmcColumnDef>& columns) {
  json out = json::array();
  for (const auto& c : columns) {
    json col = {{"name", c.name},          {"description", c.description},
                {"dataType", c.data_type}, {"columnType", c.column_type},
                {"nullable", c.nullable},  {"isMainEventTime", c.main_event_time}};
    if (!c.identifier_type.empty()) col["identifierType"] = c.identifier_type;
    out.push_back(col);
  }
  return out;
}

Result<AmcDataSetRecord> dataset_from(const Row& r) {
  CR_ASSIGN(auto format, state_column<DataFormat>(r, "file_format"));
  AmcDataSetRecord d{r.str("instance_id"),
                     r.str("data_set_id"),
                     r.str("account_id"),
                     r.str("description"),
                     r.str("data_set_type"),
                     r.str("period"),
                     format,
                     r.str("country_code"),
                     {},
                     r.integer("created_at"),
                     r.integer("updated_at")};
  for (const auto& c : json::parse(r.str("columns")))
    d.columns.push_back({c["name"], c["description"], c["dataType"], c["columnType"], c["nullable"],
                         c["isMainEventTime"], c.value("identifierType", "")});
  return d;
}

Result<AmcUploadRecord> upload_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<UploadStatus>(r, "status"));
  return AmcUploadRecord{r.str("upload_id"),      r.str("instance_id"),
                         r.str("data_set_id"),    status,
                         r.str("message"),        json::parse(r.str("source")),
                         r.integer("version"),    r.integer("row_count"),
                         r.integer("created_at"), r.integer("updated_at"),
                         r.str("node_id")};
}

Result<AmcDeletionRequestRecord> deletion_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<UploadStatus>(r, "status"));
  return AmcDeletionRequestRecord{
      r.str("request_id"),         r.str("instance_id"),    status,
      r.integer("identity_count"), r.str("message"),        r.str("created_by"),
      r.integer("created_at"),     r.integer("updated_at"), r.str("node_id")};
}

Result<int64_t> count_unfinished(Tx& tx, const char* table, const std::string& instance_id) {
  CR_ASSIGN(auto row, tx.query_one(std::string("SELECT count(*) AS n FROM ") + table +
                                       " WHERE instance_id = ? AND status IN (?, ?)",
                                   {instance_id, wire_string(UploadStatus::Pending),
                                    wire_string(UploadStatus::Running)}));
  return row ? row->integer("n") : 0;
}

}  // namespace

Status insert(Tx& tx, const AmcDataSetRecord& d) {
  return tx.exec(
      "INSERT INTO amc_datasets (instance_id, data_set_id, account_id, description, data_set_type, "
      "period, file_format, country_code, columns, created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {d.instance_id, d.data_set_id, d.account_id, text_or_null(d.description), d.data_set_type,
       d.period, wire_string(d.file_format), text_or_null(d.country_code),
       columns_json(d.columns).dump(), d.created_at, d.updated_at});
}

Result<std::optional<AmcDataSetRecord>> find(Tx& tx, const std::string& instance_id,
                                             const std::string& data_set_id) {
  return fetch_one<AmcDataSetRecord>(
      tx, "SELECT * FROM amc_datasets WHERE instance_id = ? AND data_set_id = ?",
      {instance_id, data_set_id}, dataset_from);
}

Result<std::vector<AmcDataSetRecord>> list(Tx& tx, const std::string& instance_id,
                                           const std::string& after, int limit) {
  return fetch_all<AmcDataSetRecord>(
      tx,
      "SELECT * FROM amc_datasets WHERE instance_id = ?1 AND (?2 = '' OR data_set_id > ?2) "
      "ORDER BY data_set_id LIMIT ?3",
      {instance_id, after, static_cast<int64_t>(limit)}, dataset_from);
}

Status remove(Tx& tx, const std::string& instance_id, const std::string& data_set_id) {
  CR_TRY(tx.exec("DELETE FROM amc_uploads WHERE instance_id = ? AND data_set_id = ?",
                 {instance_id, data_set_id}));
  return tx.exec("DELETE FROM amc_datasets WHERE instance_id = ? AND data_set_id = ?",
                 {instance_id, data_set_id});
}

Status insert_upload(Tx& tx, const AmcUploadRecord& u) {
  return tx.exec(
      "INSERT INTO amc_uploads (upload_id, instance_id, data_set_id, status, message, source, "
      "version, row_count, created_at, updated_at, node_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {u.upload_id, u.instance_id, u.data_set_id, wire_string(u.status), text_or_null(u.message),
       u.source.dump(), u.version ? Value(u.version) : Value(nullptr),
       u.version ? Value(u.row_count) : Value(nullptr), u.created_at, u.updated_at, u.node_id});
}

Status update_upload(Tx& tx, const AmcUploadRecord& u) {
  return tx.exec(
      "UPDATE amc_uploads SET status = ?, message = ?, version = ?, row_count = ?, updated_at = ?, "
      "node_id = ? WHERE upload_id = ?",
      {wire_string(u.status), text_or_null(u.message),
       u.version ? Value(u.version) : Value(nullptr),
       u.version ? Value(u.row_count) : Value(nullptr), u.updated_at, u.node_id, u.upload_id});
}

Status delete_upload(Tx& tx, const std::string& upload_id) {
  return tx.exec("DELETE FROM amc_uploads WHERE upload_id = ?", {upload_id});
}

Result<int64_t> fail_lost_uploads(Tx& tx, const std::string& message, int64_t now,
                                  int64_t alive_since_ms) {
  return nodes_repo::fail_held_by_silent(tx, "amc_uploads", "message", message, now,
                                         alive_since_ms);
}

Result<std::optional<AmcUploadRecord>> find_upload(Tx& tx, const std::string& instance_id,
                                                   const std::string& data_set_id,
                                                   const std::string& upload_id) {
  return fetch_one<AmcUploadRecord>(
      tx, "SELECT * FROM amc_uploads WHERE instance_id = ? AND data_set_id = ? AND upload_id = ?",
      {instance_id, data_set_id, upload_id}, upload_from);
}

Result<std::vector<AmcUploadRecord>> list_uploads(Tx& tx, const std::string& instance_id,
                                                  const std::string& data_set_id) {
  return fetch_all<AmcUploadRecord>(
      tx,
      "SELECT * FROM amc_uploads WHERE instance_id = ?1 AND (?2 = '' OR data_set_id = ?2) "
      "ORDER BY created_at DESC, upload_id",
      {instance_id, data_set_id}, upload_from);
}

Status insert_deletion_request(Tx& tx, const AmcDeletionRequestRecord& r) {
  return tx.exec(
      "INSERT INTO amc_user_deletion_requests (request_id, instance_id, status, identity_count, "
      "message, created_by, created_at, updated_at, node_id) VALUES (?,?,?,?,?,?,?,?,?)",
      {r.request_id, r.instance_id, wire_string(r.status), r.identity_count,
       text_or_null(r.message), r.created_by, r.created_at, r.updated_at, r.node_id});
}

Status update_deletion_request(Tx& tx, const AmcDeletionRequestRecord& r) {
  return tx.exec(
      "UPDATE amc_user_deletion_requests SET status = ?, message = ?, updated_at = ?, "
      "node_id = ? WHERE request_id = ?",
      {wire_string(r.status), text_or_null(r.message), r.updated_at, r.node_id, r.request_id});
}

Result<std::optional<AmcDeletionRequestRecord>> find_deletion_request(
    Tx& tx, const std::string& instance_id, const std::string& request_id) {
  return fetch_one<AmcDeletionRequestRecord>(
      tx, "SELECT * FROM amc_user_deletion_requests WHERE instance_id = ? AND request_id = ?",
      {instance_id, request_id}, deletion_from);
}

Result<std::vector<AmcDeletionRequestRecord>> list_deletion_requests(
    Tx& tx, const std::string& instance_id) {
  return fetch_all<AmcDeletionRequestRecord>(
      tx,
      "SELECT * FROM amc_user_deletion_requests WHERE instance_id = ? "
      "ORDER BY created_at DESC, request_id",
      {instance_id}, deletion_from);
}

Result<int64_t> unfinished_deletion_requests(Tx& tx, const std::string& instance_id) {
  return count_unfinished(tx, "amc_user_deletion_requests", instance_id);
}

Result<int64_t> unfinished_uploads(Tx& tx, const std::string& instance_id) {
  return count_unfinished(tx, "amc_uploads", instance_id);
}

Result<int64_t> fail_lost_deletion_requests(Tx& tx, const std::string& message, int64_t now,
                                            int64_t alive_since_ms) {
  return nodes_repo::fail_held_by_silent(tx, "amc_user_deletion_requests", "message", message, now,
                                         alive_since_ms);
}

}  // namespace cleanroom::catalog::amc_datasets_repo
