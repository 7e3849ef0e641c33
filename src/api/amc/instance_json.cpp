#include "api/amc/instance_json.h"

#include "api/json_body.h"
#include "common/clock.h"

namespace cleanroom::api::amc {
using nlohmann::json;

namespace {

// The reference's sample sends acrBacked as the string "true"; a JSON boolean is accepted too.
Result<bool> parse_acr_backed(const json& body) {
  auto it = body.find("acrBacked");
  if (it == body.end()) return Error::validation("field 'acrBacked' is required", "acrBacked");
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string() && (*it == "true" || *it == "false")) return *it == "true";
  return Error::validation("field 'acrBacked' must be true or \"true\"", "acrBacked");
}

Result<std::vector<catalog::InstanceAdvertiser>> parse_advertisers(const json& body,
                                                                   const std::string& name) {
  CR_ASSIGN(json list, optional_object_array(body, name));
  std::vector<catalog::InstanceAdvertiser> out;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string prefix = name + "[" + std::to_string(i) + "].";
    CR_TRY(check_known_fields(list[i], {"id", "marketplaceId", "type"}, prefix));
    CR_ASSIGN(auto id, required_string(list[i], "id", prefix));
    CR_ASSIGN(auto marketplace, required_string(list[i], "marketplaceId", prefix));
    CR_ASSIGN(auto type, required_string(list[i], "type", prefix));
    out.push_back({id, marketplace, type});
  }
  return out;
}

}  // namespace

Result<core::CreateInstanceRequest> parse_create_instance(const json& body) {
  CR_TRY(check_known_fields(body, {"instanceName", "awsAccountId", "acrBacked", "s3BucketName",
                                   "advertiserName", "idempotencyToken", "acrCustomerPartners"}));
  core::CreateInstanceRequest req;
  CR_ASSIGN(req.instance_name, required_string(body, "instanceName"));
  CR_ASSIGN(req.aws_account_id, required_string(body, "awsAccountId"));
  CR_ASSIGN(req.acr_backed, parse_acr_backed(body));
  // s3BucketName is refused whatever its type: its presence is the error.
  if (body.contains("s3BucketName")) req.s3_bucket_name = body["s3BucketName"].dump();
  CR_ASSIGN(req.advertiser_name, optional_string(body, "advertiserName"));
  CR_ASSIGN(req.idempotency_token, optional_string(body, "idempotencyToken"));
  CR_ASSIGN(json partners, optional_object_array(body, "acrCustomerPartners"));
  for (size_t i = 0; i < partners.size(); ++i) {
    std::string prefix = "acrCustomerPartners[" + std::to_string(i) + "].";
    const json& p = partners[i];
    CR_TRY(check_known_fields(p, {"awsAccountId", "displayName", "abilities"}, prefix));
    core::CustomerPartner partner;
    CR_ASSIGN(partner.aws_account_id, required_string(p, "awsAccountId", prefix));
    CR_ASSIGN(partner.display_name, required_string(p, "displayName", prefix));
    CR_ASSIGN(auto abilities, optional_string_array(p, "abilities", prefix));
    for (const auto& name : abilities) {
      auto ability = parse_wire<MemberAbility>(name);
      if (!ability) return core::partner_abilities_error(prefix + "abilities");
      partner.abilities.push_back(*ability);
    }
    req.partners.push_back(partner);
  }
  return req;
}

json collaboration_json(const core::InstanceView& v) {
  return {{"id", v.instance.collaboration_id},
          {"name", v.collaboration_name},
          {"description", v.collaboration_description},
          {"status", wire_name(v.collaboration_status)}};
}

json instance_json(const core::InstanceView& v) {
  const auto& i = v.instance;
  json partners = json::array();
  for (const auto& p : v.partners)
    partners.push_back({{"awsAccountId", p.aws_account_id},
                        {"displayName", p.display_name},
                        {"abilities", wire_names(p.abilities)},
                        {"status", wire_name(p.status)}});
  json out = {{"instanceId", i.instance_id},
              {"instanceName", i.instance_name},
              {"instanceType", "STANDARD"},
              {"customerCanonicalName", v.customer_canonical_name},
              {"creationStatus", wire_name(i.creation_status)},
              {"creationDatetime", format_iso8601(i.created_at)},
              {"s3BucketName", ""},
              {"awsAccountId", i.aws_account_id},
              {"entities", json::array({v.entity})},
              {"dataUploadAwsAccountId", v.data_upload_account_id},
              {"apiEndpoint", nullptr},
              {"acrCollaboration", collaboration_json(v)},
              {"optionalDatasets", json::array()},
              {"advertiserTypes", json::array()}};
  if (!partners.empty()) out["acrCustomerPartners"] = partners;
  return out;
}

Result<core::AdvertiserChange> parse_advertiser_change(const json& body) {
  CR_TRY(check_known_fields(body, {"advertisersToAdd", "advertisersToRemove"}));
  core::AdvertiserChange change;
  CR_ASSIGN(change.add, parse_advertisers(body, "advertisersToAdd"));
  CR_ASSIGN(change.remove, parse_advertisers(body, "advertisersToRemove"));
  return change;
}

json advertiser_update_json(const catalog::AdvertiserUpdateRecord& u) {
  json out = {{"updateId", u.update_id},
              {"status", wire_name(u.status)},
              {"advertisersToAdd", u.request.value("advertisersToAdd", json::array())},
              {"advertisersToRemove", u.request.value("advertisersToRemove", json::array())},
              {"creationDatetime", format_iso8601(u.created_at)}};
  if (!u.reason.empty()) out["pendingVerificationReason"] = u.reason;
  return out;
}

json invitation_json(const catalog::InvitationRecord& i) {
  return {{"invitationId", i.invitation_id},
          {"accountId", i.advertiser_id},
          {"email", i.email},
          {"role", i.role},
          {"status", wire_name(i.status)},
          {"creationDatetime", format_iso8601(i.created_at)}};
}

Result<core::UpdateInstanceRequest> parse_update_instance(const json& body) {
  for (const char* fixed : {"awsAccountId", "acrBacked", "s3BucketName", "advertiserName",
                            "idempotencyToken", "acrCustomerPartners", "instanceId"})
    if (body.contains(fixed))
      return Error::validation(std::string(fixed) +
                                   " is set when the instance is created and "
                                   "cannot be updated",
                               fixed);
  CR_TRY(check_known_fields(body, {"instanceName"}));
  core::UpdateInstanceRequest req;
  CR_ASSIGN(req.instance_name, optional_string(body, "instanceName"));
  return req;
}

}  // namespace cleanroom::api::amc
