#pragma once
// ID namespaces and ID mapping tables (docs/id-mapping-tables.md). There is no AWS Entity
// Resolution here: an ID namespace names one of the member's own configured tables (its identity
// table), and an ID mapping table names the SOURCE and TARGET namespace associations it maps.
// PopulateIdMappingTable runs cleanroom's rule-based matching (data/identity_matching.h) from the
// source member's table to the target member's and keeps the mapping where only the engine reads
// it: no member, not even the two owners, can read or export it, and its ids are VERY_HIGH.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/collaborations_repo.h"
#include "catalog/id_mappings_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/tags.h"

namespace cleanroom::core {

struct CreateIdNamespaceAssociationRequest {
  std::string membership_id;
  std::string name;
  std::string description;
  std::string input_reference_arn;
  bool manage_resource_policies = false;
  std::optional<bool> allow_use_as_dimension_column;
  Tags tags;
};

struct UpdateIdNamespaceAssociationRequest {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> allow_use_as_dimension_column;
};

struct IdNamespaceAssociationView {
  catalog::IdNamespaceAssociationRecord association;
  catalog::CollaborationRecord collaboration;
};

struct CreateIdMappingTableRequest {
  std::string membership_id;
  std::string name;
  std::string description;
  std::string input_reference_arn;
  bool manage_resource_policies = false;
  std::string kms_key_arn;
  Tags tags;
};

struct UpdateIdMappingTableRequest {
  std::optional<std::string> description;
  std::optional<std::string> kms_key_arn;
};

struct IdMappingTableView {
  catalog::IdMappingTableRecord table;
  catalog::CollaborationRecord collaboration;
};

// The two columns of every ID mapping table, its rule's join columns.
inline constexpr const char* kMappingSourceColumn = "source_id";
inline constexpr const char* kMappingTargetColumn = "target_id";

// An ID mapping table a query of the collaboration may read: populated, and both namespaces'
// members ACTIVE (a member that left takes the mapping made from its data with it).
struct QueryableMapping {
  catalog::IdMappingTableRecord table;
  std::string source_owner;  // the accounts of the SOURCE and TARGET namespace associations
  std::string target_owner;
};
Result<std::vector<QueryableMapping>> queryable_mappings(catalog::Tx& tx,
                                                         const std::string& collaboration_id);

class IdMappingService {
 public:
  explicit IdMappingService(Context& ctx) : ctx_(ctx) {}

  // Membership-scoped: only the membership's own account; changes only while it is ACTIVE.
  Result<IdNamespaceAssociationView> create_namespace_association(
      const std::string& caller, const CreateIdNamespaceAssociationRequest& req);
  Result<IdNamespaceAssociationView> get_namespace_association(const std::string& caller,
                                                               const std::string& membership_id,
                                                               const std::string& id);
  Result<std::pair<std::vector<IdNamespaceAssociationView>, std::string>>
  list_namespace_associations(const std::string& caller, const std::string& membership_id,
                              const Page& page);
  Result<IdNamespaceAssociationView> update_namespace_association(
      const std::string& caller, const std::string& membership_id, const std::string& id,
      const UpdateIdNamespaceAssociationRequest& req);
  // Refused (Conflict, SUBRESOURCES_EXIST) while an ID mapping table reads it.
  Status remove_namespace_association(const std::string& caller, const std::string& membership_id,
                                      const std::string& id);

  // Collaboration-scoped: any ACTIVE member.
  Result<IdNamespaceAssociationView> get_collaboration_namespace_association(
      const std::string& caller, const std::string& collaboration_id, const std::string& id);
  Result<std::pair<std::vector<IdNamespaceAssociationView>, std::string>>
  list_collaboration_namespace_associations(const std::string& caller,
                                            const std::string& collaboration_id, const Page& page);

  Result<IdMappingTableView> create_table(const std::string& caller,
                                          const CreateIdMappingTableRequest& req);
  Result<IdMappingTableView> get_table(const std::string& caller, const std::string& membership_id,
                                       const std::string& id);
  Result<std::pair<std::vector<IdMappingTableView>, std::string>> list_tables(
      const std::string& caller, const std::string& membership_id, const Page& page);
  Result<IdMappingTableView> update_table(const std::string& caller,
                                          const std::string& membership_id, const std::string& id,
                                          const UpdateIdMappingTableRequest& req);
  Status remove_table(const std::string& caller, const std::string& membership_id,
                      const std::string& id);
  // Runs the matching and replaces the mapping; answers the job's id. Nothing about the result
  // is reported to anyone (docs/id-mapping-tables.md, "What each party can see").
  // `job_type`: BATCH (replace the whole mapping), the only type served.
  Result<std::string> populate(const std::string& caller, const std::string& membership_id,
                               const std::string& id, const std::string& job_type);

  // The collaboration's ID mapping tables as schemas (type ID_MAPPING_TABLE), for its ACTIVE
  // members: those whose two namespace owners are ACTIVE members.
  Result<std::pair<std::vector<IdMappingTableView>, std::string>> list_schemas(
      const std::string& caller, const std::string& collaboration_id, const Page& page);
  // By name (compared without case, as SQL names are); NotFound when there is none.
  Result<IdMappingTableView> get_schema(const std::string& caller,
                                        const std::string& collaboration_id,
                                        const std::string& name);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
