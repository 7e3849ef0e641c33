#pragma once
// What deleting an AMC instance removes from the catalog (docs/amc-api.md, "Deleting an
// instance"), in one place so that nothing of an instance is forgotten: its own rows, the rows of
// its collaboration that hold what was asked or answered there, and the datasets of its data sets.
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog::instance_removal_repo {

// Protected queries of the collaboration that have not ended (SUBMITTED, STARTED, CANCELLING):
// {protected_query_id, membership_id, account_id} rows.
Result<std::vector<Row>> unfinished_queries(Tx& tx, const std::string& collaboration_id);
// Uploads, user deletion requests and audience runs of the instance that are queued or running.
Result<int64_t> unfinished_uploads(Tx& tx, const std::string& instance_id);
// Configured tables of `account_id` over a dataset of database `database_name` (the instance's
// data sets are datasets of the instance's AWS account in a database named after the instance).
Result<std::vector<Row>> configured_tables_over(Tx& tx, const std::string& account_id,
                                                const std::string& database_name);

// Removes the instance's rows (its advertisers, updates, data sets, uploads, workflows,
// executions and schedules go with it), every protected query of its collaboration with its time
// window, the collaboration's table associations and privacy budgets, and the datasets of the
// instance's database; the collaboration is marked deleted and its memberships
// COLLABORATION_DELETED.
Status remove_instance(Tx& tx, const std::string& instance_id, const std::string& collaboration_id,
                       const std::string& aws_account_id, int64_t now);

}  // namespace cleanroom::catalog::instance_removal_repo
