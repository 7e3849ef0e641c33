#pragma once
// Collaboration change requests (clean-rooms-semantics.md, "Change requests"; the user guide's
// change-requests page): after a collaboration is created, its creator proposes to add a member,
// to grant or revoke a member's ability to receive results, or to change which of those kinds
// are approved without a vote. Every other ACTIVE member votes; one DENY denies it. Once all
// approve, the creator COMMITs it and only then does it take effect; the creator may CANCEL it
// before. A request whose every change is of an auto-approved type takes effect at once.
//
// Who may receive results is a privacy decision that every data owner agreed to at creation, so
// no change takes effect without their votes unless they agreed to the type beforehand (the
// collaboration's auto-approved types, themselves changed only by a vote).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/change_requests_repo.h"
#include "core/collaborations.h"
#include "core/context.h"

namespace cleanroom::core {

// The change types, as the API names them.
inline constexpr const char* kAddMember = "ADD_MEMBER";
inline constexpr const char* kGrantReceiveResults = "GRANT_RECEIVE_RESULTS_ABILITY";
inline constexpr const char* kRevokeReceiveResults = "REVOKE_RECEIVE_RESULTS_ABILITY";
inline constexpr const char* kEditAutoApproved = "EDIT_AUTO_APPROVED_CHANGE_TYPES";

// The types a collaboration may approve without a vote (never EDIT_AUTO_APPROVED_CHANGE_TYPES).
Status check_auto_approvable(const std::vector<std::string>& types, std::string_view field);

struct MemberChange {
  std::string account_id;
  std::vector<MemberAbility> abilities;
  std::string display_name;  // "" when not given
};

// One change: a member's (specificationType MEMBER) or the collaboration's auto-approved types
// (COLLABORATION).
struct ChangeSpec {
  std::optional<MemberChange> member;
  std::optional<std::vector<std::string>> auto_approved_types;
};

struct ChangeRequestView {
  catalog::ChangeRequestRecord request;
};

class ChangeRequestService {
 public:
  explicit ChangeRequestService(Context& ctx) : ctx_(ctx) {}

  Result<ChangeRequestView> create(const std::string& caller, const std::string& collaboration_id,
                                   const std::vector<ChangeSpec>& changes);
  Result<ChangeRequestView> get(const std::string& caller, const std::string& collaboration_id,
                                const std::string& id);
  Result<std::pair<std::vector<ChangeRequestView>, std::string>> list(
      const std::string& caller, const std::string& collaboration_id, const std::string& status,
      const Page& page);
  // action: APPROVE | DENY (a voting member), CANCEL | COMMIT (the creator).
  Result<ChangeRequestView> update(const std::string& caller, const std::string& collaboration_id,
                                   const std::string& id, const std::string& action);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
