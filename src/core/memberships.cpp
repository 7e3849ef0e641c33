#include "core/memberships.h"

#include "catalog/instances_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/buckets.h"

namespace cleanroom::core {
namespace repo = catalog::collaborations_repo;
using catalog::MembershipRecord;
using catalog::Tx;
using nlohmann::json;

namespace {

Result<MembershipView> view_of(Tx& tx, const MembershipRecord& ms) {
  CR_ASSIGN(auto c, repo::find_including_deleted(tx, ms.collaboration_id));
  CR_ASSIGN(auto m, repo::find_member(tx, ms.collaboration_id, ms.account_id));
  // Deleting a collaboration only marks it, so both rows outlive every membership.
  if (!c || !m)
    return Error::internal("membership " + ms.id + " has lost its collaboration or member row");
  return MembershipView{ms, *c, *m};
}

}  // namespace

// The caller's own membership; another account's membership does not exist for the caller.
Result<MembershipRecord> own_membership(Tx& tx, const std::string& caller, const std::string& id) {
  CR_ASSIGN(auto ms, repo::find_membership(tx, id));
  if (!ms || ms->account_id != caller) return Error::not_found(Resource::Membership, id);
  return *ms;
}

Result<MembershipView> MembershipService::create(const std::string& caller,
                                                 const CreateMembershipRequest& req) {
  return ctx_.db.write<MembershipView>([&](Tx& tx) -> Result<MembershipView> {
    CR_ASSIGN(auto member, member_of(tx, req.collaboration_id, caller));
    CR_ASSIGN(auto collab, find_collaboration(tx, req.collaboration_id));
    CR_ASSIGN(auto instance, catalog::instances_repo::find_by_collaboration(tx, collab.id));
    if (member.status == MemberStatus::Active)
      return Error::conflict(
          "account " + caller + " already has a membership in collaboration " + collab.id,
          Cause::AlreadyExists, Resource::Membership);
    if (member.status != MemberStatus::Invited) {
      std::string msg = "account " + caller + " has " +
                        (member.status == MemberStatus::Left ? "left" : "been removed from") +
                        " collaboration " + collab.id + " and cannot join it again";
      if (instance) msg += "; to collaborate again, request a new AMC instance";
      return Error::conflict(msg, Cause::InvalidState, Resource::Collaboration, collab.id);
    }
    if (req.default_destination)
      CR_TRY(check_own_destination(tx, member, *req.default_destination, req.destination_names));
    int64_t now = now_epoch_seconds();
    // The member confirms what the creator set; it cannot take or refuse the bill itself.
    const bool pay = pays_for_queries(member);
    if (req.pays_for_queries && *req.pays_for_queries != pay)
      return Error::validation(
          std::string("paymentConfiguration.queryCompute.isResponsible must be ") +
              (pay ? "true: the collaboration's creator made this member pay for query compute"
                   : "false: the collaboration's creator made another member pay for query "
                     "compute"),
          "paymentConfiguration.queryCompute.isResponsible");
    MembershipRecord ms{crypto::uuid4(),
                        collab.id,
                        caller,
                        MembershipStatus::Active,
                        req.query_log_status,
                        req.default_destination,
                        pay,
                        now,
                        now};
    CR_TRY(repo::insert_membership(tx, ms));
    CR_TRY(tag_new_resource(tx, ms.id, req.tags));
    CR_TRY(repo::set_member_status(tx, collab.id, caller, MemberStatus::Active, now));
    // The reference: "The collaboration instance will be operational once you create a
    // membership in the primary AWS account ID".
    if (instance && instance->aws_account_id == caller)
      CR_TRY(catalog::instances_repo::set_creation_status(tx, instance->instance_id,
                                                          InstanceStatus::Active, now));
    return view_of(tx, ms);
  });
}

Result<MembershipView> MembershipService::get(const std::string& caller, const std::string& id) {
  return ctx_.db.read<MembershipView>([&](Tx& tx) -> Result<MembershipView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, id));
    return view_of(tx, ms);
  });
}

Result<std::pair<std::vector<MembershipView>, std::string>> MembershipService::list(
    const std::string& caller, std::optional<MembershipStatus> status, const Page& page) {
  using Out = std::pair<std::vector<MembershipView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    int limit = page.size();
    CR_ASSIGN(auto rows,
              repo::memberships_of_account(tx, caller, status, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      CR_ASSIGN(auto v, view_of(tx, rows[i]));
      out.first.push_back(std::move(v));
    }
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().membership.id;
    return out;
  });
}

Result<MembershipView> MembershipService::update(const std::string& caller, const std::string& id,
                                                 const UpdateMembershipRequest& req) {
  return ctx_.db.write<MembershipView>([&](Tx& tx) -> Result<MembershipView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, id));
    if (ms.status != MembershipStatus::Active)
      return Error::conflict(
          "membership " + id + " is " + wire_string(ms.status) + " and can no longer change",
          Cause::InvalidState, Resource::Membership, id);
    CR_ASSIGN(auto member, member_of(tx, ms.collaboration_id, caller));
    if (req.default_destination) {
      CR_TRY(check_own_destination(tx, member, *req.default_destination, req.destination_names));
      ms.default_destination = req.default_destination;
    }
    if (req.query_log_status) ms.query_log_status = *req.query_log_status;
    ms.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_membership(tx, ms));
    return view_of(tx, ms);
  });
}

Status MembershipService::remove(const std::string& caller, const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, id));
    if (ms.status != MembershipStatus::Active) return true;
    CR_ASSIGN(auto collab, find_collaboration(tx, ms.collaboration_id));
    if (collab.creator_account_id == caller)
      return Error::validation(
          "the creator of a collaboration can leave it only by deleting the collaboration",
          "membershipIdentifier");
    int64_t now = now_epoch_seconds();
    ms.status = MembershipStatus::Removed;
    ms.updated_at = now;
    CR_TRY(repo::update_membership(tx, ms));
    // clean-rooms-semantics.md: the membership reads REMOVED, the member entry LEFT.
    CR_TRY(repo::set_member_status(tx, ms.collaboration_id, caller, MemberStatus::Left, now));
    return true;
  }));
}

Status MembershipService::register_data_bucket(const std::string& collaboration_id,
                                               const std::string& account_id,
                                               const std::string& bucket) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto member, member_of(tx, collaboration_id, account_id));
    CR_ASSIGN(auto ms, repo::find_membership_of(tx, collaboration_id, account_id));
    if (ms && ms->default_destination && ms->default_destination->bucket == bucket)
      return Error::validation("bucket '" + bucket +
                                   "' receives this member's query results and cannot also "
                                   "hold data it brings into the collaboration",
                               "bucket");
    (void)member;
    CR_TRY(repo::add_data_bucket(tx, collaboration_id, account_id, bucket));
    return true;
  }));
}

Status check_active_membership(const MembershipRecord& ms, std::string_view what) {
  if (ms.status != MembershipStatus::Active)
    return Error::conflict("membership " + ms.id + " is " + wire_string(ms.status) + "; " +
                               std::string(what) + " only through an " +
                               wire_string(MembershipStatus::Active) + " membership",
                           Cause::InvalidState, Resource::Membership, ms.id);
  return {};
}

Result<catalog::CollaborationRecord> readable_collaboration(Tx& tx, const std::string& caller,
                                                            const std::string& id) {
  CR_ASSIGN(auto m, member_of(tx, id, caller));
  if (m.status == MemberStatus::Invited)
    return Error::access_denied("account " + caller + " has not joined collaboration " + id +
                                "; create a membership to read it");
  if (m.status != MemberStatus::Active)
    return Error::access_denied("account " + caller + " is no longer a member of collaboration " +
                                id + " (status " + wire_string(m.status) + ")");
  return find_collaboration(tx, id);
}

}  // namespace cleanroom::core
