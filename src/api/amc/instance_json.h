#pragma once
// Wire shapes of AMC instances (the reference's sample request and response) and of the
// account invitations.
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "core/instance_lifecycle.h"
#include "core/instances.h"
#include "core/invitations.h"

namespace cleanroom::api::amc {

Result<core::CreateInstanceRequest> parse_create_instance(const nlohmann::json& body);
nlohmann::json instance_json(const core::InstanceView& v);
nlohmann::json collaboration_json(const core::InstanceView& v);
Result<core::AdvertiserChange> parse_advertiser_change(const nlohmann::json& body);
nlohmann::json advertiser_update_json(const catalog::AdvertiserUpdateRecord& u);
nlohmann::json invitation_json(const catalog::InvitationRecord& i);
// PUT /amc/instances/{id}: instanceName; what only creation sets is refused by name.
Result<core::UpdateInstanceRequest> parse_update_instance(const nlohmann::json& body);

}  // namespace cleanroom::api::amc
