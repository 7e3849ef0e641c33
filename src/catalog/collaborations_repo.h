#pragma once
// Rows of collaborations, members, memberships and member data buckets.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "common/result_destination.h"
#include "common/states.h"

namespace cleanroom::catalog {

struct CollaborationRecord {
  std::string id;
  std::string name;
  std::string description;
  std::string creator_account_id;
  std::string creator_display_name;
  std::string query_log_status;
  nlohmann::json data_encryption_metadata;  // null when absent
  std::string analytics_engine;             // "" when absent
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // AMC-style privacy: the minimum distinct users behind an output row for the medium and high
  // column classes (amc-api-facts.md); the public default is 100.
  int64_t amc_threshold = 100;
  // Difference checks on thresholded results (docs/difference-checks.md); the operator's switch.
  bool difference_checks = true;
  // The change request types applied without the members' votes (core/change_requests.h).
  std::vector<std::string> auto_approved_change_types;
};

struct MemberRecord {
  std::string collaboration_id;
  std::string account_id;
  std::string display_name;
  std::vector<MemberAbility> abilities;  // stored as a JSON array of wire names
  MemberStatus status = MemberStatus::Invited;
  std::optional<bool> pays_for_queries;  // unset: as its abilities say (core::pays_for_queries)
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct MembershipRecord {
  std::string id;
  std::string collaboration_id;
  std::string account_id;
  MembershipStatus status = MembershipStatus::Active;
  std::string query_log_status;
  std::optional<S3Destination> default_destination;
  std::optional<bool> pays_for_queries;  // unset: as its member entry says
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace collaborations_repo {

Status insert(Tx& tx, const CollaborationRecord& c);
// A collaboration that has not been deleted.
Result<std::optional<CollaborationRecord>> find(Tx& tx, const std::string& id);
// Also a deleted one: for the memberships it leaves behind.
Result<std::optional<CollaborationRecord>> find_including_deleted(Tx& tx, const std::string& id);
Status update_text(Tx& tx, const std::string& id, const std::string& name,
                   const std::string& description, int64_t now);
Status mark_deleted(Tx& tx, const std::string& id, int64_t now);
Status set_difference_checks(Tx& tx, const std::string& id, bool on);
Status set_auto_approved_change_types(Tx& tx, const std::string& id,
                                      const std::vector<std::string>& types, int64_t now);
// Collaborations where the account is a member (with that status, when given), by id, with ids
// after `after` (paging).
Result<std::vector<CollaborationRecord>> list_for_account(Tx& tx, const std::string& account_id,
                                                          std::optional<MemberStatus> member_status,
                                                          const std::string& after, int limit);

Status insert_member(Tx& tx, const MemberRecord& m);
Result<std::optional<MemberRecord>> find_member(Tx& tx, const std::string& collaboration_id,
                                                const std::string& account_id);
Result<std::vector<MemberRecord>> members(Tx& tx, const std::string& collaboration_id);
Status set_member_status(Tx& tx, const std::string& collaboration_id, const std::string& account_id,
                         MemberStatus status, int64_t now);
Status set_member_abilities(Tx& tx, const std::string& collaboration_id,
                            const std::string& account_id,
                            const std::vector<MemberAbility>& abilities, int64_t now);

Status insert_membership(Tx& tx, const MembershipRecord& m);
Result<std::optional<MembershipRecord>> find_membership(Tx& tx, const std::string& id);
Result<std::optional<MembershipRecord>> find_membership_of(Tx& tx,
                                                           const std::string& collaboration_id,
                                                           const std::string& account_id);
// `status` nullopt means any.
Result<std::vector<MembershipRecord>> memberships_of_account(Tx& tx, const std::string& account_id,
                                                             std::optional<MembershipStatus> status,
                                                             const std::string& after, int limit);
Status update_membership(Tx& tx, const MembershipRecord& m);
Status set_memberships_status(Tx& tx, const std::string& collaboration_id, MembershipStatus status,
                              int64_t now);

Status add_data_bucket(Tx& tx, const std::string& collaboration_id, const std::string& account_id,
                       const std::string& bucket);
// Every bucket holding data the member brings into the collaboration.
Result<std::vector<std::string>> data_buckets(Tx& tx, const std::string& collaboration_id,
                                              const std::string& account_id);

}  // namespace collaborations_repo
}  // namespace cleanroom::catalog
