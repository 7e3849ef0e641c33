#include "core/instances.h"

#include <algorithm>
#include <regex>
#include <set>

#include "catalog/accounts_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/collaborations.h"
#include "core/instance_advertisers.h"
#include "core/platform.h"
#include "core/platform_tables.h"

namespace cleanroom::core {
namespace irepo = catalog::instances_repo;
namespace crepo = catalog::collaborations_repo;
using catalog::InstanceRecord;
using catalog::Tx;

namespace {

std::string entity_of(const std::string& marketplace_id) {
  static const std::set<std::string> na = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8",
                                           "A2Q3Y263D00KWC"};
  static const std::set<std::string> fe = {"A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"};
  if (na.count(marketplace_id)) return "NA";
  if (fe.count(marketplace_id)) return "FE";
  return "EU";
}

// Lengths are in characters, not bytes: the JSON parser has already checked the text is UTF-8,
// so counting the bytes that start a character is enough.
size_t utf8_length(const std::string& s) {
  auto starts_character = [](unsigned char c) { return (c & 0xC0) != 0x80; };
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), starts_character));
}

Status validate(const CreateInstanceRequest& req) {
  CR_TRY(check_instance_name(req.instance_name));
  if (!is_aws_account_id(req.aws_account_id))
    return Error::validation("awsAccountId must be a 12-digit AWS account id", "awsAccountId");
  if (!req.acr_backed)
    return Error::validation(
        "acrBacked must be true: cleanroom creates clean-room-backed instances only", "acrBacked");
  // The reference: "Requests that [include] the s3BucketName in the request body will be rejected".
  if (req.s3_bucket_name)
    return Error::validation(
        "s3BucketName must not be given for an ACR-backed instance; the results bucket is "
        "chosen when the collaboration membership is created",
        "s3BucketName");
  if (req.advertiser_name) {
    static const std::regex name_re("[A-Za-z0-9]([A-Za-z0-9 ]*[A-Za-z0-9])?");
    if (req.advertiser_name->size() > 100 || !std::regex_match(*req.advertiser_name, name_re))
      return Error::validation(
          "advertiserName may contain only letters, numbers and spaces, and must not start "
          "or end with a space",
          "advertiserName");
  }
  if (req.idempotency_token &&
      (req.idempotency_token->empty() || req.idempotency_token->size() > 64))
    return Error::validation("idempotencyToken must be 1 to 64 characters", "idempotencyToken");
  std::set<std::string> partners;
  for (size_t i = 0; i < req.partners.size(); ++i) {
    const auto& p = req.partners[i];
    std::string field = "acrCustomerPartners[" + std::to_string(i) + "]";
    if (!is_aws_account_id(p.aws_account_id))
      return Error::validation(field + ".awsAccountId must be a 12-digit AWS account id",
                               field + ".awsAccountId");
    if (p.display_name.empty() || utf8_length(p.display_name) > 100)
      return Error::validation(field + ".displayName must be 1 to 100 characters",
                               field + ".displayName");
    if (!p.abilities.empty() && p.abilities != std::vector{MemberAbility::CanReceiveResults})
      return partner_abilities_error(field + ".abilities");
    if (!partners.insert(p.aws_account_id).second)
      return Error::validation(field + ".awsAccountId " + p.aws_account_id + " is listed twice",
                               field + ".awsAccountId");
  }
  if (req.partners.size() > 10)
    return Error::validation("acrCustomerPartners may list at most 10 accounts",
                             "acrCustomerPartners");
  return {};
}

Result<InstanceView> view_of(Tx& tx, const InstanceRecord& inst) {
  InstanceView v;
  v.instance = inst;
  CR_ASSIGN(auto amc, catalog::accounts_repo::find_amc_account(tx, inst.advertiser_id));
  v.customer_canonical_name =
      !inst.advertiser_name.empty() ? inst.advertiser_name : (amc ? amc->name : "");
  v.entity = entity_of(inst.marketplace_id);
  CR_ASSIGN(auto upload, find_platform_account_id(tx, "ADVERTISER_UPLOADED_DATA_PROVIDER"));
  v.data_upload_account_id = upload.value_or("");
  CR_ASSIGN(auto collab, crepo::find(tx, inst.collaboration_id));
  if (!collab) {
    v.collaboration_name = "AMC " + inst.instance_id;
    v.collaboration_description = "AMC Clean Room collaboration for instance " + inst.instance_id;
    v.collaboration_status = CollaborationStatus::Deleted;
    return v;
  }
  v.collaboration_name = collab->name;
  v.collaboration_description = collab->description;
  CR_ASSIGN(v.members, crepo::members(tx, inst.collaboration_id));
  CR_ASSIGN(auto platform,
            tx.query("SELECT account_id FROM accounts WHERE platform_role IS NOT NULL"));
  auto is_platform = [&](const std::string& id) {
    return std::any_of(platform.begin(), platform.end(),
                       [&](auto& r) { return r.str("account_id") == id; });
  };
  for (const auto& m : v.members) {
    if (m.account_id == inst.aws_account_id)
      v.collaboration_status = collaboration_status_of(m.status);
    else if (!is_platform(m.account_id))
      v.partners.push_back({m.account_id, m.display_name, m.abilities, m.status});
  }
  return v;
}

// Instances belong to the AMC account that created them; any other caller gets NotFound.
Result<InstanceRecord> visible_instance(Tx& tx, const AmcCaller& caller, const std::string& id) {
  CR_ASSIGN(auto inst, irepo::find(tx, id));
  if (!inst || inst->advertiser_id != caller.amc_account.advertiser_id)
    return Error::not_found(Resource::Instance, id);
  return *inst;
}

Status validate_advertisers(const std::vector<catalog::InstanceAdvertiser>& list,
                            const std::string& field) {
  for (size_t i = 0; i < list.size(); ++i) {
    std::string f = field + "[" + std::to_string(i) + "]";
    if (list[i].advertiser_id.empty() || list[i].advertiser_id.size() > 64)
      return Error::validation(f + ".id must be 1 to 64 characters", f + ".id");
    if (!is_known_marketplace(list[i].marketplace_id))
      return Error::validation(
          f + ".marketplaceId '" + list[i].marketplace_id + "' is not a marketplace",
          f + ".marketplaceId");
    const auto& t = list[i].type;
    if (t != "DISPLAY" && t != "SAS" && t != "SPONSORED_ADS")
      return Error::validation(f + ".type must be DISPLAY, SAS or SPONSORED_ADS", f + ".type");
  }
  return {};
}

}  // namespace

Status check_instance_name(const std::string& name) {
  const size_t name_length = utf8_length(name);
  if (name_length < 3 || name_length > 50)
    return Error::validation("instanceName must be 3 to 50 characters long", "instanceName");
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    return Error::validation("instanceName must not contain control characters", "instanceName");
  if (name.find_first_not_of(' ') == std::string::npos)
    return Error::validation("instanceName must not be blank", "instanceName");
  return {};
}

Status require_amc_admin(const AmcCaller& caller, const std::string& action) {
  if (caller.amc_role != "ADMIN")
    return Error::access_denied("only an ADMIN of AMC account " + caller.amc_account.advertiser_id +
                                " may " + action);
  return {};
}

Error partner_abilities_error(const std::string& field) {
  return Error::validation(
      field + " must be [] or [\"" + wire_string(MemberAbility::CanReceiveResults) + "\"]", field);
}

CollaborationStatus collaboration_status_of(MemberStatus member_status) {
  switch (member_status) {
    case MemberStatus::Invited:
      return CollaborationStatus::Invited;
    case MemberStatus::Active:
      return CollaborationStatus::Active;
    case MemberStatus::Left:
      return CollaborationStatus::Left;
    case MemberStatus::Removed:
      return CollaborationStatus::Removed;
  }
  return CollaborationStatus::Removed;  // unreachable: the switch names every status
}

Result<InstanceView> InstanceService::create(const AmcCaller& caller,
                                             const CreateInstanceRequest& req) {
  CR_TRY(validate(req));
  // The reference: "Only users with Admin permissions for both AMC and AWS Clean Rooms can
  // perform the steps listed on this page."
  CR_TRY(require_amc_admin(caller, "create instances"));
  return ctx_.db.write<InstanceView>([&](Tx& tx) -> Result<InstanceView> {
    CR_ASSIGN(auto aws_roles, catalog::accounts_repo::aws_roles(tx, caller.user.user_id));
    bool aws_admin = std::any_of(aws_roles.begin(), aws_roles.end(), [&](auto& g) {
      return g.scope_id == req.aws_account_id && g.role == "ADMIN";
    });
    if (!aws_admin)
      return Error::access_denied("the user is not an ADMIN of AWS account " + req.aws_account_id +
                                  " (awsAccountId)");
    if (req.idempotency_token) {
      CR_ASSIGN(auto prior, irepo::find_by_idempotency_token(tx, caller.amc_account.advertiser_id,
                                                             *req.idempotency_token));
      if (prior) return view_of(tx, *prior);
    }
    CR_ASSIGN(
        auto platform,
        tx.query("SELECT account_id, platform_role FROM accounts WHERE platform_role IS NOT NULL"));
    if (platform.size() != platform_roles().size())
      return Error::internal(
          "the platform's service accounts are missing; start the server once to create them");
    auto platform_id = [&](const std::string& role) {
      for (auto& r : platform)
        if (r.str("platform_role") == role) return r.str("account_id");
      return std::string();
    };
    for (auto& r : platform) {
      if (r.str("account_id") == req.aws_account_id)
        return Error::validation(
            "awsAccountId " + req.aws_account_id + " is a platform service account",
            "awsAccountId");
      for (const auto& p : req.partners)
        if (p.aws_account_id == r.str("account_id"))
          return Error::validation(
              "acrCustomerPartners lists platform service account " + p.aws_account_id,
              "acrCustomerPartners");
    }

    std::string id;
    for (;;) {  // amc + 8 lowercase alphanumerics, as in the reference
      id = "amc" + crypto::random_string(8);
      CR_ASSIGN(auto clash, irepo::find(tx, id));
      if (!clash) break;
    }
    CreateCollaborationRequest collab;
    collab.name = "AMC " + id;
    collab.description = "AMC Clean Room collaboration for instance " + id;
    const PlatformRole* service = nullptr;
    std::vector<std::string> active;
    for (const auto& role : platform_roles()) {
      if (role.role == "SERVICE") {
        service = &role;
        continue;
      }
      collab.members.push_back(
          {platform_id(role.role), role.display_name, role.abilities, std::nullopt});
      active.push_back(platform_id(role.role));
    }
    active.push_back(platform_id("SERVICE"));
    collab.creator_display_name = service->display_name;
    collab.creator_abilities = service->abilities;
    collab.query_log_status = "ENABLED";
    collab.analytics_engine = "CLEAN_ROOMS_SQL";
    // Query results are sent to the primary AWS account (the reference's NOTE).
    std::string advertiser = req.advertiser_name.value_or(caller.amc_account.name);
    collab.members.insert(collab.members.begin(), {req.aws_account_id,
                                                   advertiser.empty() ? "Advertiser" : advertiser,
                                                   {MemberAbility::CanReceiveResults},
                                                   std::nullopt});
    for (const auto& p : req.partners) {
      if (p.aws_account_id == req.aws_account_id)
        continue;  // the primary account is a member already
      collab.members.push_back({p.aws_account_id, p.display_name, p.abilities, std::nullopt});
    }
    CR_ASSIGN(auto c, create_collaboration(tx, platform_id("SERVICE"), collab, active));
    CR_TRY(associate_platform_tables(tx, c.id));

    int64_t now = now_epoch_seconds();
    InstanceRecord inst{id,
                        caller.amc_account.advertiser_id,
                        caller.amc_account.marketplace_id,
                        req.instance_name,
                        req.advertiser_name.value_or(""),
                        req.aws_account_id,
                        InstanceStatus::Requested,
                        c.id,
                        req.idempotency_token.value_or(""),
                        caller.user.user_id,
                        now,
                        now};
    CR_TRY(irepo::insert(tx, inst));
    return view_of(tx, inst);
  });
}

Result<InstanceView> InstanceService::get(const AmcCaller& caller, const std::string& instance_id) {
  return ctx_.db.read<InstanceView>([&](Tx& tx) -> Result<InstanceView> {
    CR_ASSIGN(auto inst, visible_instance(tx, caller, instance_id));
    return view_of(tx, inst);
  });
}

Result<std::pair<std::vector<InstanceView>, std::string>> InstanceService::list(
    const AmcCaller& caller, const std::string& next_token, int limit) {
  using Out = std::pair<std::vector<InstanceView>, std::string>;
  if (limit < 1 || limit > 100)
    return Error::validation("limit must be between 1 and 100", "limit");
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto rows, irepo::list(tx, caller.amc_account.advertiser_id, next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      CR_ASSIGN(auto v, view_of(tx, rows[i]));
      out.first.push_back(std::move(v));
    }
    if (static_cast<int>(rows.size()) > limit) out.second = rows[limit - 1].instance_id;
    return out;
  });
}

Result<std::vector<catalog::InstanceAdvertiser>> InstanceService::advertisers(
    const AmcCaller& caller, const std::string& instance_id) {
  return ctx_.db.read<std::vector<catalog::InstanceAdvertiser>>(
      [&](Tx& tx) -> Result<std::vector<catalog::InstanceAdvertiser>> {
        CR_ASSIGN(auto inst, visible_instance(tx, caller, instance_id));
        return irepo::advertisers(tx, inst.instance_id);
      });
}

Result<catalog::AdvertiserUpdateRecord> InstanceService::update_advertisers(
    const AmcCaller& caller, const std::string& instance_id, const AdvertiserChange& change,
    const nlohmann::json& request) {
  CR_TRY(validate_advertisers(change.add, "advertisersToAdd"));
  CR_TRY(validate_advertisers(change.remove, "advertisersToRemove"));
  if (change.add.empty() && change.remove.empty())
    return Error::validation("give advertisersToAdd or advertisersToRemove", "advertisersToAdd");
  return ctx_.db.write<catalog::AdvertiserUpdateRecord>(
      [&](Tx& tx) -> Result<catalog::AdvertiserUpdateRecord> {
        CR_ASSIGN(auto inst, visible_instance(tx, caller, instance_id));
        CR_TRY(require_amc_admin(caller, "change an instance's advertisers"));
        CR_ASSIGN(auto current, irepo::advertisers(tx, inst.instance_id));
        catalog::AdvertiserUpdateRecord u{
            crypto::uuid4(),    inst.instance_id, AdvertiserUpdateStatus::Completed, request, "",
            now_epoch_seconds()};
        // Only advertisers the operator linked to the instance's account: otherwise any account
        // could add a competitor's advertiser id and read its platform events.
        for (const auto& a : change.add) {
          CR_ASSIGN(std::string refusal,
                    advertiser_refusal(tx, inst.advertiser_id, a.advertiser_id));
          if (!refusal.empty() && u.status == AdvertiserUpdateStatus::Completed) {
            u.status = AdvertiserUpdateStatus::Rejected;
            u.reason = refusal;
          }
        }
        for (const auto& r : change.remove) {
          bool present = std::any_of(current.begin(), current.end(),
                                     [&](auto& a) { return a.advertiser_id == r.advertiser_id; });
          if (!present) {
            u.status = AdvertiserUpdateStatus::Rejected;
            u.reason = "advertiser " + r.advertiser_id + " is not on instance " + inst.instance_id;
          }
        }
        if (u.status == AdvertiserUpdateStatus::Completed) {
          for (const auto& r : change.remove)
            CR_TRY(irepo::remove_advertiser(tx, inst.instance_id, r.advertiser_id));
          for (const auto& a : change.add) CR_TRY(irepo::add_advertiser(tx, inst.instance_id, a));
        }
        CR_TRY(irepo::insert_update(tx, u));
        return u;
      });
}

Result<std::vector<catalog::AdvertiserUpdateRecord>> InstanceService::advertiser_updates(
    const AmcCaller& caller, const std::string& instance_id) {
  return ctx_.db.read<std::vector<catalog::AdvertiserUpdateRecord>>(
      [&](Tx& tx) -> Result<std::vector<catalog::AdvertiserUpdateRecord>> {
        CR_ASSIGN(auto inst, visible_instance(tx, caller, instance_id));
        return irepo::updates(tx, inst.instance_id);
      });
}

Result<catalog::AdvertiserUpdateRecord> InstanceService::advertiser_update(
    const AmcCaller& caller, const std::string& instance_id, const std::string& update_id) {
  return ctx_.db.read<catalog::AdvertiserUpdateRecord>(
      [&](Tx& tx) -> Result<catalog::AdvertiserUpdateRecord> {
        CR_ASSIGN(auto inst, visible_instance(tx, caller, instance_id));
        CR_ASSIGN(auto u, irepo::find_update(tx, inst.instance_id, update_id));
        if (!u) return Error::not_found(Resource::AdvertiserUpdate, update_id);
        return *u;
      });
}

}  // namespace cleanroom::core
