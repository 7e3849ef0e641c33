#pragma once
// AMC instances backed by a clean-room collaboration
// (reference/amc-clean-rooms-collaboration-setup.md).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/collaborations_repo.h"
#include "catalog/instances_repo.h"
#include "core/accounts.h"
#include "core/context.h"

namespace cleanroom::core {

struct CustomerPartner {
  std::string aws_account_id;
  std::string display_name;
  std::vector<MemberAbility> abilities;         // [] or [CanReceiveResults]
  MemberStatus status = MemberStatus::Invited;  // output only: the member's status
};

struct CreateInstanceRequest {
  std::string instance_name;
  std::string aws_account_id;
  bool acr_backed = false;
  std::optional<std::string> s3_bucket_name;
  std::optional<std::string> advertiser_name;
  std::optional<std::string> idempotency_token;
  std::vector<CustomerPartner> partners;
};

struct InstanceView {
  catalog::InstanceRecord instance;
  std::string customer_canonical_name;
  std::string data_upload_account_id;
  std::string entity;  // NA, EU or FE: the advertising region of the marketplace
  std::string collaboration_name;
  std::string collaboration_description;
  // The primary account's: every instance's collaboration has it as a member.
  CollaborationStatus collaboration_status = CollaborationStatus::Invited;
  std::vector<CustomerPartner> partners;
  std::vector<catalog::MemberRecord> members;
};

struct AdvertiserChange {
  std::vector<catalog::InstanceAdvertiser> add;
  std::vector<catalog::InstanceAdvertiser> remove;
};

class InstanceService {
 public:
  explicit InstanceService(Context& ctx) : ctx_(ctx) {}

  Result<InstanceView> create(const AmcCaller& caller, const CreateInstanceRequest& req);
  Result<InstanceView> get(const AmcCaller& caller, const std::string& instance_id);
  Result<std::pair<std::vector<InstanceView>, std::string>> list(const AmcCaller& caller,
                                                                 const std::string& next_token,
                                                                 int limit);

  Result<std::vector<catalog::InstanceAdvertiser>> advertisers(const AmcCaller& caller,
                                                               const std::string& instance_id);
  Result<catalog::AdvertiserUpdateRecord> update_advertisers(const AmcCaller& caller,
                                                             const std::string& instance_id,
                                                             const AdvertiserChange& change,
                                                             const nlohmann::json& request);
  Result<std::vector<catalog::AdvertiserUpdateRecord>> advertiser_updates(
      const AmcCaller& caller, const std::string& instance_id);
  Result<catalog::AdvertiserUpdateRecord> advertiser_update(const AmcCaller& caller,
                                                            const std::string& instance_id,
                                                            const std::string& update_id);

 private:
  Context& ctx_;
};

// The collaboration status the AMC console shows for a member status (the reference: "shows
// your AWS Clean Rooms collaboration status as Left").
CollaborationStatus collaboration_status_of(MemberStatus member_status);
// A partner's abilities are [] or [CanReceiveResults]; `field` names the list.
Error partner_abilities_error(const std::string& field);
// instanceName: 3 to 50 characters, no control characters, not blank (create and update alike).
Status check_instance_name(const std::string& name);
// Changing an instance or its account is for the AMC account's ADMINs (the reference: "Only users
// with Admin permissions for both AMC and AWS Clean Rooms can perform the steps").
Status require_amc_admin(const AmcCaller& caller, const std::string& action);

}  // namespace cleanroom::core
