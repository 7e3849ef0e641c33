#include "catalog/instance_removal_repo.h"

#include "catalog/collaborations_repo.h"

namespace cleanroom::catalog::instance_removal_repo {

Result<std::vector<Row>> unfinished_queries(Tx& tx, const std::string& collaboration_id) {
  return tx.query(
      "SELECT protected_query_id, membership_id, account_id FROM protected_queries "
      "WHERE collaboration_id = ? AND status IN ('SUBMITTED', 'STARTED', 'CANCELLING') "
      "ORDER BY created_at_ms, protected_query_id",
      {collaboration_id});
}

Result<int64_t> unfinished_uploads(Tx& tx, const std::string& instance_id) {
  CR_ASSIGN(auto rows,
            tx.query("SELECT (SELECT count(*) FROM amc_uploads WHERE instance_id = ?1 AND status "
                     "IN ('PENDING', 'RUNNING')) + (SELECT count(*) FROM "
                     "amc_user_deletion_requests WHERE instance_id = ?1 AND status IN "
                     "('PENDING', 'RUNNING')) + (SELECT count(*) FROM amc_audiences WHERE "
                     "instance_id = ?1 AND status IN ('PENDING', 'RUNNING')) AS n",
                     {instance_id}));
  return rows.empty() ? 0 : rows[0].integer("n");
}

Result<std::vector<Row>> configured_tables_over(Tx& tx, const std::string& account_id,
                                                const std::string& database_name) {
  return tx.query(
      "SELECT configured_table_id, table_name FROM configured_tables "
      "WHERE account_id = ? AND database_name = ? ORDER BY configured_table_id",
      {account_id, database_name});
}

Status remove_instance(Tx& tx, const std::string& instance_id, const std::string& collaboration_id,
                       const std::string& aws_account_id, int64_t now) {
  // The instance first: its executions point at the protected queries removed after it.
  CR_TRY(tx.exec("DELETE FROM instances WHERE instance_id = ?", {instance_id}));
  CR_TRY(tx.exec("DELETE FROM protected_queries WHERE collaboration_id = ?", {collaboration_id}));
  CR_TRY(
      tx.exec("DELETE FROM configured_table_associations WHERE membership_id IN "
              "(SELECT membership_id FROM memberships WHERE collaboration_id = ?)",
              {collaboration_id}));
  CR_TRY(tx.exec("DELETE FROM privacy_budget_templates WHERE collaboration_id = ?",
                 {collaboration_id}));
  CR_TRY(tx.exec("DELETE FROM member_data_buckets WHERE collaboration_id = ?", {collaboration_id}));
  CR_TRY(tx.exec("DELETE FROM datasets WHERE account_id = ? AND database_name = ?",
                 {aws_account_id, instance_id}));
  CR_TRY(collaborations_repo::set_memberships_status(tx, collaboration_id,
                                                     MembershipStatus::CollaborationDeleted, now));
  return collaborations_repo::mark_deleted(tx, collaboration_id, now);
}

}  // namespace cleanroom::catalog::instance_removal_repo
