#pragma once
// Output shapes of the service model (Collaboration, MemberSummary, Membership, ...).
#include <nlohmann/json.hpp>

#include "core/collaborations.h"
#include "core/memberships.h"

namespace cleanroom::api::cleanrooms {

nlohmann::json collaboration_json(const core::CollaborationView& v);
nlohmann::json collaboration_summary_json(const core::CollaborationView& v);
nlohmann::json member_summary_json(const core::MemberView& v);
nlohmann::json membership_json(const core::MembershipView& v);
nlohmann::json membership_summary_json(const core::MembershipView& v);

}  // namespace cleanroom::api::cleanrooms
