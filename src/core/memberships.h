#pragma once
// Memberships: joining a collaboration, its result destination, and leaving.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/collaborations_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/result_destinations.h"
#include "core/tags.h"

namespace cleanroom::core {

struct CreateMembershipRequest {
  std::string collaboration_id;
  std::string query_log_status;
  std::optional<S3Destination> default_destination;
  DestinationNames destination_names;    // how errors name it: the face's fields
  std::optional<bool> pays_for_queries;  // unset: as the member entry says
  Tags tags;
};

struct UpdateMembershipRequest {
  std::optional<std::string> query_log_status;
  std::optional<S3Destination> default_destination;  // unset: unchanged
  DestinationNames destination_names;
};

struct MembershipView {
  catalog::MembershipRecord membership;
  catalog::CollaborationRecord collaboration;
  catalog::MemberRecord member;
};

// `what` ("tables are associated", ...) only through an ACTIVE membership: a Conflict
// (INVALID_STATE) for any other.
Status check_active_membership(const catalog::MembershipRecord& ms, std::string_view what);

// A collaboration as its ACTIVE members read it (schemas, templates, budgets): a non-member
// learns nothing of it (NotFound), an invited member or one that left is denied.
Result<catalog::CollaborationRecord> readable_collaboration(catalog::Tx& tx,
                                                            const std::string& caller,
                                                            const std::string& collaboration_id);

// The caller's own membership, in any state; another account's membership does not exist for the
// caller (NotFound), so its existence is not revealed.
Result<catalog::MembershipRecord> own_membership(catalog::Tx& tx, const std::string& caller,
                                                 const std::string& id);

class MembershipService {
 public:
  explicit MembershipService(Context& ctx) : ctx_(ctx) {}

  Result<MembershipView> create(const std::string& caller, const CreateMembershipRequest& req);
  Result<MembershipView> get(const std::string& caller, const std::string& membership_id);
  Result<std::pair<std::vector<MembershipView>, std::string>> list(
      const std::string& caller, std::optional<MembershipStatus> status, const Page& page);
  Result<MembershipView> update(const std::string& caller, const std::string& membership_id,
                                const UpdateMembershipRequest& req);
  // Leaving. Idempotent: leaving twice is not an error.
  Status remove(const std::string& caller, const std::string& membership_id);

  // A bucket holding data the account brings into the collaboration; the results bucket of its
  // membership must differ from every such bucket.
  Status register_data_bucket(const std::string& collaboration_id, const std::string& account_id,
                              const std::string& bucket);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
