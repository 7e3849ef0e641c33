#include "catalog/protected_queries_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::protected_queries_repo {
namespace {
using nlohmann::json;

Value millis_or_null(int64_t ms) { return ms == 0 ? Value(nullptr) : Value(ms); }

Result<ProtectedQueryRecord> query_from(const Row& r) {
  ProtectedQueryRecord q;
  q.id = r.str("protected_query_id");
  q.collaboration_id = r.str("collaboration_id");
  q.membership_id = r.str("membership_id");
  q.account_id = r.str("account_id");
  q.query_text = r.str("query_text");
  q.analysis_template_arn = r.str("analysis_template_arn");
  q.parameters = r.is_null("parameters") ? json::object() : json::parse(r.str("parameters"));
  q.receiver_account_id = r.str("receiver_account_id");
  q.result_bucket = r.str("result_bucket");
  q.result_key_prefix = r.str("result_key_prefix");
  CR_ASSIGN(q.result_format, state_column<ResultFormat>(r, "result_format"));
  q.filtered_rows_column = r.str("filtered_rows_column");
  if (!r.is_null("output_options")) q.output_options = json::parse(r.str("output_options"));
  if (!r.is_null("differential_privacy"))
    q.differential_privacy = json::parse(r.str("differential_privacy"));
  CR_ASSIGN(q.status, state_column<QueryStatus>(r, "status"));
  q.error_code = r.str("error_code");
  q.error_message = r.str("error_message");
  q.result_location = r.str("result_location");
  q.rows_written = r.integer("rows_written");
  q.created_at_ms = r.integer("created_at_ms");
  q.started_at_ms = r.integer("started_at_ms");
  q.finished_at_ms = r.integer("finished_at_ms");
  q.node_id = r.str("node_id");
  q.attempts = r.integer("attempts");
  return q;
}

}  // namespace

Status insert(Tx& tx, const ProtectedQueryRecord& q) {
  return tx.exec(
      "INSERT INTO protected_queries (protected_query_id, collaboration_id, membership_id, "
      "account_id, "
      "query_text, analysis_template_arn, parameters, receiver_account_id, result_bucket, "
      "result_key_prefix, result_format, status, created_at_ms, filtered_rows_column, "
      "output_options, differential_privacy, node_id, attempts) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {q.id, q.collaboration_id, q.membership_id, q.account_id, q.query_text,
       text_or_null(q.analysis_template_arn),
       q.parameters.empty() ? Value(nullptr) : Value(q.parameters.dump()), q.receiver_account_id,
       q.result_bucket, q.result_key_prefix, wire_string(q.result_format), wire_string(q.status),
       q.created_at_ms, text_or_null(q.filtered_rows_column),
       q.output_options.is_null() ? Value(nullptr) : Value(q.output_options.dump()),
       q.differential_privacy.is_null() ? Value(nullptr) : Value(q.differential_privacy.dump()),
       q.node_id, q.attempts});
}

Result<std::optional<ProtectedQueryRecord>> find(Tx& tx, const std::string& id) {
  return fetch_one<ProtectedQueryRecord>(
      tx, "SELECT * FROM protected_queries WHERE protected_query_id = ?", {id}, query_from);
}

Result<std::vector<ProtectedQueryRecord>> list(Tx& tx, const std::string& collaboration_id,
                                               const std::string& membership_id,
                                               std::optional<QueryStatus> status,
                                               const std::string& after, int limit) {
  // Paging by (created_at_ms, id) of the last row shown, so equal timestamps never skip a row.
  return fetch_all<ProtectedQueryRecord>(
      tx,
      "SELECT * FROM protected_queries WHERE collaboration_id = ?1 "
      "AND (?2 = '' OR membership_id = ?2) AND (?3 = '' OR status = ?3) "
      "AND (?4 = '' OR (created_at_ms, protected_query_id) < "
      "  (SELECT created_at_ms, protected_query_id FROM protected_queries WHERE protected_query_id "
      "= ?4)) "
      "ORDER BY created_at_ms DESC, protected_query_id DESC LIMIT ?5",
      {collaboration_id, membership_id, state_filter(status), after, static_cast<int64_t>(limit)},
      query_from);
}

Result<int64_t> count_in_status(Tx& tx, QueryStatus status) {
  CR_ASSIGN(auto row, tx.query_one("SELECT COUNT(*) AS n FROM protected_queries WHERE status = ?",
                                   {wire_string(status)}));
  return row ? row->integer("n") : 0;
}

Status update_state(Tx& tx, const ProtectedQueryRecord& q) {
  return tx.exec(
      "UPDATE protected_queries SET status = ?, error_code = ?, error_message = ?, result_location "
      "= ?, "
      "rows_written = ?, started_at_ms = ?, finished_at_ms = ? "
      "WHERE protected_query_id = ?",
      {wire_string(q.status), text_or_null(q.error_code), text_or_null(q.error_message),
       text_or_null(q.result_location), q.rows_written, millis_or_null(q.started_at_ms),
       millis_or_null(q.finished_at_ms), q.id});
}

Result<std::vector<Orphan>> orphans(Tx& tx, int64_t alive_since_ms) {
  return fetch_all<Orphan>(
      tx,
      "SELECT protected_query_id, collaboration_id, status, attempts FROM protected_queries "
      "WHERE status IN (?1, ?2, ?3) AND node_id NOT IN "
      "(SELECT node_id FROM nodes WHERE heartbeat_ms >= ?4) ORDER BY created_at_ms",
      {wire_string(QueryStatus::Submitted), wire_string(QueryStatus::Started),
       wire_string(QueryStatus::Cancelling), alive_since_ms},
      [](const Row& r) -> Result<Orphan> {
        Orphan o{r.str("protected_query_id"), r.str("collaboration_id")};
        CR_ASSIGN(o.status, state_column<QueryStatus>(r, "status"));
        o.attempts = r.integer("attempts");
        return o;
      });
}

Status take(Tx& tx, const std::string& id, const std::string& node_id) {
  return tx.exec(
      "UPDATE protected_queries SET status = ?, started_at_ms = NULL, node_id = ?, "
      "attempts = attempts + 1 WHERE protected_query_id = ?",
      {wire_string(QueryStatus::Submitted), node_id, id});
}

Status end_orphan(Tx& tx, const std::string& id, QueryStatus status, const std::string& code,
                  const std::string& message, int64_t now_ms) {
  return tx.exec(
      "UPDATE protected_queries SET status = ?, error_code = ?, error_message = ?, "
      "finished_at_ms = ?, node_id = '' WHERE protected_query_id = ?",
      {wire_string(status), code, message, now_ms, id});
}

Result<std::vector<std::string>> held_by(Tx& tx, const std::string& node_id, QueryStatus status) {
  return fetch_all<std::string>(
      tx, "SELECT protected_query_id FROM protected_queries WHERE node_id = ? AND status = ?",
      {node_id, wire_string(status)}, [](const Row& r) { return r.str("protected_query_id"); });
}

Result<int64_t> release(Tx& tx, const std::string& node_id, int64_t now_ms) {
  CR_TRY(
      tx.exec("UPDATE protected_queries SET status = ?, error_code = ?, error_message = ?, "
              "finished_at_ms = ?, node_id = '' WHERE node_id = ? AND status = ?",
              {wire_string(QueryStatus::Cancelled), wire_string(QueryStatus::Cancelled),
               kQueryCancelled, now_ms, node_id, wire_string(QueryStatus::Cancelling)}));
  int64_t cancelled = tx.changes();
  CR_TRY(
      tx.exec("UPDATE protected_queries SET status = ?, started_at_ms = NULL, node_id = '' "
              "WHERE node_id = ? AND status IN (?, ?)",
              {wire_string(QueryStatus::Submitted), node_id, wire_string(QueryStatus::Submitted),
               wire_string(QueryStatus::Started)}));
  return cancelled + tx.changes();
}

}  // namespace cleanroom::catalog::protected_queries_repo
