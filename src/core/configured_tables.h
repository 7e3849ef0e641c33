#pragma once
// Configured tables (a dataset's allowed columns, with one analysis rule), their associations into
// the owner's memberships, and the schemas the collaboration's members see: columns and rule,
// never the data (clean-rooms-semantics.md, "Analysis rules").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/configured_tables_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/tags.h"

namespace cleanroom::core {

// A dataset of the caller's, named as the service names a Glue table.
struct TableReference {
  std::string database_name;
  std::string table_name;
};

struct CreateConfiguredTableRequest {
  std::string name;
  std::optional<std::string> description;
  TableReference table;
  std::vector<std::string> allowed_columns;
  std::string analysis_method;
  std::vector<std::string> selected_analysis_methods;
  Tags tags;
};

struct UpdateConfiguredTableRequest {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<TableReference> table;
  std::optional<std::vector<std::string>> allowed_columns;
  std::optional<std::string> analysis_method;
  std::optional<std::vector<std::string>> selected_analysis_methods;
};

struct ConfiguredTableView {
  catalog::ConfiguredTableRecord table;
  std::optional<catalog::AnalysisRuleRecord> rule;
};

struct CreateAssociationRequest {
  std::string membership_id;
  std::string configured_table_id;
  std::string name;
  std::optional<std::string> description;
  std::string role_arn;
  Tags tags;
};

struct UpdateAssociationRequest {
  std::optional<std::string> description;
  std::optional<std::string> role_arn;
};

// An association of the caller's membership `ms`; any other is not found.
Result<catalog::AssociationRecord> association_in(catalog::Tx& tx,
                                                  const catalog::MembershipRecord& ms,
                                                  const std::string& id);

struct AssociationView {
  catalog::AssociationRecord association;
  std::string account_id;  // owner of the membership and of the configured table
};

struct SchemaColumn {
  std::string name;
  std::string type;  // the dataset's column type
};

// A configured table as the collaboration sees it, under its association's name.
struct SchemaView {
  catalog::AssociationRecord association;
  std::string owner_account_id;
  std::string analysis_method;
  catalog::CollaborationRecord collaboration;
  std::vector<SchemaColumn> columns;  // allowed columns the dataset has, in the dataset's order
  std::optional<catalog::AnalysisRuleRecord> rule;
  // Why the table cannot be queried yet (a SchemaStatusReasonCode and a message); none when ready.
  std::optional<std::pair<std::string, std::string>> not_ready;
};

struct SchemaRuleRequest {
  std::string name;
  std::string type;  // AnalysisRuleType
};

class ConfiguredTableService {
 public:
  explicit ConfiguredTableService(Context& ctx) : ctx_(ctx) {}

  Result<ConfiguredTableView> create(const std::string& caller,
                                     const CreateConfiguredTableRequest& req);
  Result<ConfiguredTableView> get(const std::string& caller, const std::string& id);
  Result<std::pair<std::vector<ConfiguredTableView>, std::string>> list(const std::string& caller,
                                                                        const Page& page);
  Result<ConfiguredTableView> update(const std::string& caller, const std::string& id,
                                     const UpdateConfiguredTableRequest& req);
  // Refused (Conflict SUBRESOURCES_EXIST) while the table is associated with any membership.
  Status remove(const std::string& caller, const std::string& id);

  // The table's one analysis rule; `type` names the rule the caller means and must be its type.
  Result<ConfiguredTableView> create_rule(const std::string& caller, const std::string& id,
                                          const std::string& type, const nlohmann::json& policy);
  Result<ConfiguredTableView> get_rule(const std::string& caller, const std::string& id,
                                       const std::string& type);
  Result<ConfiguredTableView> update_rule(const std::string& caller, const std::string& id,
                                          const std::string& type, const nlohmann::json& policy);
  Status remove_rule(const std::string& caller, const std::string& id, const std::string& type);

  Result<AssociationView> create_association(const std::string& caller,
                                             const CreateAssociationRequest& req);
  Result<AssociationView> get_association(const std::string& caller,
                                          const std::string& membership_id, const std::string& id);
  Result<std::pair<std::vector<AssociationView>, std::string>> list_associations(
      const std::string& caller, const std::string& membership_id, const Page& page);
  Result<AssociationView> update_association(const std::string& caller,
                                             const std::string& membership_id,
                                             const std::string& id,
                                             const UpdateAssociationRequest& req);
  // Allowed in any membership state, so that a member that left can still free its table.
  Status remove_association(const std::string& caller, const std::string& membership_id,
                            const std::string& id);

  // Schemas, for ACTIVE members of the collaboration only.
  Result<std::pair<std::vector<SchemaView>, std::string>> list_schemas(
      const std::string& caller, const std::string& collaboration_id,
      const std::string& schema_type, const Page& page);
  Result<SchemaView> get_schema(const std::string& caller, const std::string& collaboration_id,
                                const std::string& name);
  // One result per name, in order; the outer error is for a caller that cannot read the
  // collaboration.
  Result<std::vector<Result<SchemaView>>> get_schemas(const std::string& caller,
                                                      const std::string& collaboration_id,
                                                      const std::vector<std::string>& names);
  // The schema with its rule, which is of `type`.
  Result<SchemaView> get_schema_rule(const std::string& caller, const std::string& collaboration_id,
                                     const SchemaRuleRequest& req);
  Result<std::vector<Result<SchemaView>>> get_schema_rules(
      const std::string& caller, const std::string& collaboration_id,
      const std::vector<SchemaRuleRequest>& reqs);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
