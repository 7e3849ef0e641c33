#pragma once
// Collaborations and their members (Clean Rooms semantics, reference/clean-rooms-semantics.md).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/collaborations_repo.h"
#include "core/context.h"
#include "core/tags.h"

namespace cleanroom::core {

struct MemberSpec {
  std::string account_id;
  std::string display_name;
  std::vector<MemberAbility> abilities;
  std::optional<bool> pays_for_queries;  // unset: the member who can query pays
};

struct CreateCollaborationRequest {
  std::string name;
  std::string description;
  std::string creator_display_name;
  std::vector<MemberAbility> creator_abilities;
  std::optional<bool> creator_pays_for_queries;
  std::vector<MemberSpec> members;  // excludes the creator
  std::string query_log_status = "DISABLED";
  nlohmann::json data_encryption_metadata;
  std::string analytics_engine;
  Tags tags;                                            // the creator's, on the collaboration
  std::vector<std::string> auto_approved_change_types;  // core/change_requests.h
};

// A collaboration as one account sees it.
struct CollaborationView {
  catalog::CollaborationRecord collaboration;
  MemberStatus member_status = MemberStatus::Invited;   // the caller's
  std::optional<catalog::MembershipRecord> membership;  // the caller's, when it has one
  // The AMC instance the collaboration belongs to; "" for one an account created. Only the
  // platform creates an instance's collaboration, so this, not the name, tells them apart.
  std::string amc_instance_id;
};

struct MemberView {
  catalog::MemberRecord member;
  std::optional<catalog::MembershipRecord> membership;
};

struct Page {
  std::string next_token;  // "" on the last page
  int max_results = 100;
  // The rows of one page. The service model's MaxResults is 1..100 and the face refuses any
  // other value; one from a core caller outside that range is clamped.
  int size() const { return std::clamp(max_results, 1, 100); }
};

class CollaborationService {
 public:
  explicit CollaborationService(Context& ctx) : ctx_(ctx) {}

  Result<CollaborationView> create(const std::string& caller,
                                   const CreateCollaborationRequest& req);
  Result<CollaborationView> get(const std::string& caller, const std::string& collaboration_id);
  // member_status: nullopt (Invited or Active), Invited (available to join) or Active.
  Result<std::pair<std::vector<CollaborationView>, std::string>> list(
      const std::string& caller, std::optional<MemberStatus> member_status, const Page& page);
  Result<CollaborationView> update(const std::string& caller, const std::string& collaboration_id,
                                   const std::optional<std::string>& name,
                                   const std::optional<std::string>& description,
                                   const std::optional<std::string>& analytics_engine);
  Status remove(const std::string& caller, const std::string& collaboration_id);
  Result<std::pair<std::vector<MemberView>, std::string>> members(
      const std::string& caller, const std::string& collaboration_id, const Page& page);
  Status remove_member(const std::string& caller, const std::string& collaboration_id,
                       const std::string& account_id);
  // The operator's switch for difference checks (docs/difference-checks.md), by collaboration
  // id or by the id of the AMC instance that owns it. No member can reach it: the admin CLI only.
  // Answers {collaborationId, differenceChecks}.
  Result<nlohmann::json> set_difference_checks(const std::string& collaboration_or_instance,
                                               bool on);

 private:
  Context& ctx_;
};

// Inside a transaction (used by the AMC instance, which creates its collaboration atomically).
// Members listed in `active_accounts` get an ACTIVE membership at once.
Result<catalog::CollaborationRecord> create_collaboration(
    catalog::Tx& tx, const std::string& creator_account_id, const CreateCollaborationRequest& req,
    const std::vector<std::string>& active_accounts);

// The caller's member row, or NotFound when the caller was never a member (so that existence of
// another party's collaboration is not revealed).
Result<catalog::MemberRecord> member_of(catalog::Tx& tx, const std::string& collaboration_id,
                                        const std::string& account_id);
Result<catalog::CollaborationRecord> find_collaboration(catalog::Tx& tx,
                                                        const std::string& collaboration_id);
// Who pays for query compute: the member's own configuration, else the member who can query.
bool pays_for_queries(const catalog::MemberRecord& m);

}  // namespace cleanroom::core
