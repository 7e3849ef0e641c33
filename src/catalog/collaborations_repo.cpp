#include "catalog/collaborations_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::collaborations_repo {
namespace {

using nlohmann::json;

std::optional<bool> optional_bool(const Row& r, std::string_view col) {
  if (r.is_null(col)) return std::nullopt;
  return r.integer(col) != 0;
}
Value optional_bool(const std::optional<bool>& b) {
  return b ? Value(int64_t{*b}) : Value(nullptr);
}

Value json_or_null(const json& j) { return j.is_null() ? Value(nullptr) : Value(j.dump()); }
json parse_or_null(const Row& r, std::string_view col) {
  return r.is_null(col) ? json() : json::parse(r.str(col));
}

CollaborationRecord collaboration_from(const Row& r) {
  return {r.str("collaboration_id"),
          r.str("name"),
          r.str("description"),
          r.str("creator_account_id"),
          r.str("creator_display_name"),
          r.str("query_log_status"),
          parse_or_null(r, "data_encryption_metadata"),
          r.str("analytics_engine"),
          r.integer("created_at"),
          r.integer("updated_at"),
          r.integer("amc_threshold"),
          r.integer("difference_checks") != 0,
          json::parse(r.str("auto_approved_change_types")).get<std::vector<std::string>>()};
}

Result<std::vector<MemberAbility>> abilities_from(const Row& r) {
  std::vector<MemberAbility> out;
  for (const auto& name : json::parse(r.str("abilities")).get<std::vector<std::string>>()) {
    auto ability = parse_wire<MemberAbility>(name);
    if (!ability) return Error::internal("metadata store: members.abilities holds '" + name + "'");
    out.push_back(*ability);
  }
  return out;
}

Result<std::optional<S3Destination>> destination_from(const Row& r) {
  if (r.is_null("result_bucket")) return std::optional<S3Destination>();
  CR_ASSIGN(auto format, state_column<ResultFormat>(r, "result_format"));
  return std::optional<S3Destination>(
      S3Destination{r.str("result_bucket"), r.str("result_key_prefix"), format,
                    optional_bool(r, "result_single_file_output"), r.str("result_role_arn")});
}

// The destination's five columns, in the order result_bucket, result_key_prefix, result_format,
// result_single_file_output, result_role_arn.
std::vector<Value> destination_columns(const std::optional<S3Destination>& d) {
  if (!d) return {nullptr, std::string(), wire_string(ResultFormat::Csv), nullptr, std::string()};
  return {d->bucket, d->key_prefix, wire_string(d->format), optional_bool(d->single_file_output),
          d->role_arn};
}

Result<MemberRecord> member_from(const Row& r) {
  CR_ASSIGN(auto abilities, abilities_from(r));
  CR_ASSIGN(auto status, state_column<MemberStatus>(r, "status"));
  return MemberRecord{r.str("collaboration_id"),
                      r.str("account_id"),
                      r.str("display_name"),
                      std::move(abilities),
                      status,
                      optional_bool(r, "pays_for_queries"),
                      r.integer("created_at"),
                      r.integer("updated_at")};
}

Result<MembershipRecord> membership_from(const Row& r) {
  CR_ASSIGN(auto status, state_column<MembershipStatus>(r, "status"));
  CR_ASSIGN(auto destination, destination_from(r));
  return MembershipRecord{r.str("membership_id"),
                          r.str("collaboration_id"),
                          r.str("account_id"),
                          status,
                          r.str("query_log_status"),
                          std::move(destination),
                          optional_bool(r, "pays_for_queries"),
                          r.integer("created_at"),
                          r.integer("updated_at")};
}

}  // namespace

Status insert(Tx& tx, const CollaborationRecord& c) {
  return tx.exec(
      "INSERT INTO collaborations (collaboration_id, name, description, creator_account_id, "
      "creator_display_name, query_log_status, data_encryption_metadata, analytics_engine, "
      "created_at, updated_at, auto_approved_change_types) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {c.id, c.name, c.description, c.creator_account_id, c.creator_display_name,
       c.query_log_status, json_or_null(c.data_encryption_metadata),
       c.analytics_engine.empty() ? Value(nullptr) : Value(c.analytics_engine), c.created_at,
       c.updated_at, json(c.auto_approved_change_types).dump()});
}

Result<std::optional<CollaborationRecord>> find(Tx& tx, const std::string& id) {
  return fetch_one<CollaborationRecord>(
      tx, "SELECT * FROM collaborations WHERE collaboration_id = ? AND deleted_at IS NULL", {id},
      collaboration_from);
}

Result<std::optional<CollaborationRecord>> find_including_deleted(Tx& tx, const std::string& id) {
  return fetch_one<CollaborationRecord>(
      tx, "SELECT * FROM collaborations WHERE collaboration_id = ?", {id}, collaboration_from);
}

Status update_text(Tx& tx, const std::string& id, const std::string& name,
                   const std::string& description, int64_t now) {
  return tx.exec(
      "UPDATE collaborations SET name = ?, description = ?, updated_at = ? WHERE collaboration_id "
      "= ?",
      {name, description, now, id});
}

Status mark_deleted(Tx& tx, const std::string& id, int64_t now) {
  return tx.exec(
      "UPDATE collaborations SET deleted_at = ?, updated_at = ? WHERE collaboration_id = ?",
      {now, now, id});
}

Status set_difference_checks(Tx& tx, const std::string& id, bool on) {
  return tx.exec("UPDATE collaborations SET difference_checks = ? WHERE collaboration_id = ?",
                 {static_cast<int64_t>(on ? 1 : 0), id});
}

Result<std::vector<CollaborationRecord>> list_for_account(Tx& tx, const std::string& account_id,
                                                          std::optional<MemberStatus> member_status,
                                                          const std::string& after, int limit) {
  // Paging by (created_at, id) keeps pages stable while collaborations are added.
  return fetch_all<CollaborationRecord>(
      tx,
      "SELECT c.* FROM collaborations c JOIN members m ON m.collaboration_id = c.collaboration_id "
      "WHERE m.account_id = ?1 AND c.deleted_at IS NULL AND (?2 = '' OR m.status = ?2) "
      "AND (?3 = '' OR c.collaboration_id > ?3) "
      "ORDER BY c.collaboration_id LIMIT ?4",
      {account_id, state_filter(member_status), after, static_cast<int64_t>(limit)},
      collaboration_from);
}

Status insert_member(Tx& tx, const MemberRecord& m) {
  return tx.exec(
      "INSERT INTO members (collaboration_id, account_id, display_name, abilities, status, "
      "pays_for_queries, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
      {m.collaboration_id, m.account_id, m.display_name, json(wire_names(m.abilities)).dump(),
       wire_string(m.status), optional_bool(m.pays_for_queries), m.created_at, m.updated_at});
}

Result<std::optional<MemberRecord>> find_member(Tx& tx, const std::string& collaboration_id,
                                                const std::string& account_id) {
  return fetch_one<MemberRecord>(
      tx, "SELECT * FROM members WHERE collaboration_id = ? AND account_id = ?",
      {collaboration_id, account_id}, member_from);
}

Result<std::vector<MemberRecord>> members(Tx& tx, const std::string& collaboration_id) {
  return fetch_all<MemberRecord>(tx,
                                 "SELECT * FROM members WHERE collaboration_id = ? ORDER BY rowid",
                                 {collaboration_id}, member_from);
}

Status set_member_status(Tx& tx, const std::string& collaboration_id, const std::string& account_id,
                         MemberStatus status, int64_t now) {
  return tx.exec(
      "UPDATE members SET status = ?, updated_at = ? WHERE collaboration_id = ? AND account_id = ?",
      {wire_string(status), now, collaboration_id, account_id});
}

Status set_member_abilities(Tx& tx, const std::string& collaboration_id,
                            const std::string& account_id,
                            const std::vector<MemberAbility>& abilities, int64_t now) {
  return tx.exec(
      "UPDATE members SET abilities = ?, updated_at = ? WHERE collaboration_id = ? AND "
      "account_id = ?",
      {json(wire_names(abilities)).dump(), now, collaboration_id, account_id});
}

Status set_auto_approved_change_types(Tx& tx, const std::string& id,
                                      const std::vector<std::string>& types, int64_t now) {
  return tx.exec(
      "UPDATE collaborations SET auto_approved_change_types = ?, updated_at = ? WHERE "
      "collaboration_id = ?",
      {json(types).dump(), now, id});
}

Status insert_membership(Tx& tx, const MembershipRecord& m) {
  std::vector<Value> values{m.id,
                            m.collaboration_id,
                            m.account_id,
                            wire_string(m.status),
                            m.query_log_status,
                            optional_bool(m.pays_for_queries),
                            m.created_at,
                            m.updated_at};
  for (auto& v : destination_columns(m.default_destination)) values.push_back(std::move(v));
  return tx.exec(
      "INSERT INTO memberships (membership_id, collaboration_id, account_id, status, "
      "query_log_status, "
      "pays_for_queries, created_at, updated_at, result_bucket, result_key_prefix, result_format, "
      "result_single_file_output, result_role_arn) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
      values);
}

Result<std::optional<MembershipRecord>> find_membership(Tx& tx, const std::string& id) {
  return fetch_one<MembershipRecord>(tx, "SELECT * FROM memberships WHERE membership_id = ?", {id},
                                     membership_from);
}

Result<std::optional<MembershipRecord>> find_membership_of(Tx& tx,
                                                           const std::string& collaboration_id,
                                                           const std::string& account_id) {
  return fetch_one<MembershipRecord>(
      tx, "SELECT * FROM memberships WHERE collaboration_id = ? AND account_id = ?",
      {collaboration_id, account_id}, membership_from);
}

Result<std::vector<MembershipRecord>> memberships_of_account(Tx& tx, const std::string& account_id,
                                                             std::optional<MembershipStatus> status,
                                                             const std::string& after, int limit) {
  return fetch_all<MembershipRecord>(
      tx,
      "SELECT * FROM memberships WHERE account_id = ?1 AND (?2 = '' OR status = ?2) "
      "AND (?3 = '' OR membership_id > ?3) ORDER BY membership_id LIMIT ?4",
      {account_id, state_filter(status), after, static_cast<int64_t>(limit)}, membership_from);
}

Status update_membership(Tx& tx, const MembershipRecord& m) {
  std::vector<Value> values{wire_string(m.status), m.query_log_status,
                            optional_bool(m.pays_for_queries), m.updated_at};
  for (auto& v : destination_columns(m.default_destination)) values.push_back(std::move(v));
  values.push_back(m.id);
  return tx.exec(
      "UPDATE memberships SET status = ?, query_log_status = ?, pays_for_queries = ?, updated_at = "
      "?, "
      "result_bucket = ?, result_key_prefix = ?, result_format = ?, result_single_file_output = ?, "
      "result_role_arn = ? WHERE membership_id = ?",
      values);
}

Status set_memberships_status(Tx& tx, const std::string& collaboration_id, MembershipStatus status,
                              int64_t now) {
  return tx.exec("UPDATE memberships SET status = ?, updated_at = ? WHERE collaboration_id = ?",
                 {wire_string(status), now, collaboration_id});
}

Status add_data_bucket(Tx& tx, const std::string& collaboration_id, const std::string& account_id,
                       const std::string& bucket) {
  return tx.exec(
      "INSERT INTO member_data_buckets (collaboration_id, account_id, bucket) VALUES (?,?,?) "
      "ON CONFLICT DO NOTHING",
      {collaboration_id, account_id, bucket});
}

Result<std::vector<std::string>> data_buckets(Tx& tx, const std::string& collaboration_id,
                                              const std::string& account_id) {
  return fetch_all<std::string>(
      tx,
      // Registered buckets, and the source buckets of the datasets behind the member's tables
      // associated into the collaboration.
      "SELECT bucket FROM member_data_buckets WHERE collaboration_id = ?1 AND account_id = ?2 "
      "UNION SELECT d.source_bucket FROM configured_table_associations a "
      "JOIN memberships m ON m.membership_id = a.membership_id "
      "JOIN configured_tables t ON t.configured_table_id = a.configured_table_id "
      "JOIN datasets d ON d.account_id = t.account_id AND d.database_name = t.database_name "
      "AND d.table_name = t.table_name "
      "WHERE m.collaboration_id = ?1 AND m.account_id = ?2 AND d.source_bucket IS NOT NULL "
      "ORDER BY 1",
      {collaboration_id, account_id}, [](const Row& r) { return r.str("bucket"); });
}

}  // namespace cleanroom::catalog::collaborations_repo
