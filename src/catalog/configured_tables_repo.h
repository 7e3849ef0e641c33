#pragma once
// Rows of configured tables, their analysis rules and their associations into memberships.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct ConfiguredTableRecord {
  std::string id;
  std::string account_id;  // the owner
  std::string name;
  std::optional<std::string> description;
  std::string database_name;  // the owner's dataset it exposes
  std::string table_name;
  std::vector<std::string> allowed_columns;
  std::string analysis_method;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct AnalysisRuleRecord {
  std::string configured_table_id;
  std::string type;       // AGGREGATION | LIST | CUSTOM
  nlohmann::json policy;  // ConfiguredTableAnalysisRulePolicy, as validated
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct AssociationRecord {
  std::string id;
  std::string membership_id;
  std::string configured_table_id;
  std::string name;  // the table's name in SQL and its schema name in the collaboration
  std::optional<std::string> description;
  std::string role_arn;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace configured_tables_repo {

Status insert(Tx& tx, const ConfiguredTableRecord& t);
Result<std::optional<ConfiguredTableRecord>> find(Tx& tx, const std::string& id);
// The account's tables ordered by id, with ids after `after` (paging).
Result<std::vector<ConfiguredTableRecord>> list_for_account(Tx& tx, const std::string& account_id,
                                                            const std::string& after, int limit);
Status update(Tx& tx, const ConfiguredTableRecord& t);
Status remove(Tx& tx, const std::string& id);  // its analysis rule goes with it

Status insert_rule(Tx& tx, const AnalysisRuleRecord& r);
Result<std::optional<AnalysisRuleRecord>> find_rule(Tx& tx, const std::string& configured_table_id);
Status update_rule(Tx& tx, const AnalysisRuleRecord& r);
Status remove_rule(Tx& tx, const std::string& configured_table_id);

Status insert_association(Tx& tx, const AssociationRecord& a);
Result<std::optional<AssociationRecord>> find_association(Tx& tx, const std::string& id);
Result<std::vector<AssociationRecord>> associations_of_membership(Tx& tx,
                                                                  const std::string& membership_id,
                                                                  const std::string& after,
                                                                  int limit);
Result<std::vector<AssociationRecord>> associations_of_table(
    Tx& tx, const std::string& configured_table_id);
// Associations of the collaboration's ACTIVE memberships, by name (compared without case, as SQL
// compares identifiers), with names after `after` (paging).
Result<std::vector<AssociationRecord>> active_associations_in_collaboration(
    Tx& tx, const std::string& collaboration_id, const std::string& after, int limit);
Result<std::optional<AssociationRecord>> find_active_association_by_name(
    Tx& tx, const std::string& collaboration_id, const std::string& name);
// Every association of every table the account owns, in one query (publication reads them once,
// not once per membership).
Result<std::vector<AssociationRecord>> associations_of_account_tables(
    Tx& tx, const std::string& account_id);
// An association's name and the collaboration it is in.
struct NameInCollaboration {
  std::string collaboration_id;
  std::string name;
};
// The names of the associations of ACTIVE memberships, in every collaboration where the account
// has an ACTIVE membership.
Result<std::vector<NameInCollaboration>> active_association_names_where_member(
    Tx& tx, const std::string& account_id);
Status update_association(Tx& tx, const AssociationRecord& a);
Status remove_association(Tx& tx, const std::string& id);

}  // namespace configured_tables_repo
}  // namespace cleanroom::catalog
