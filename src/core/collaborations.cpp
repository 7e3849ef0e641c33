#include "core/collaborations.h"

#include <algorithm>
#include <set>

#include "catalog/instances_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/change_requests.h"
#include "core/collaboration_names.h"

namespace cleanroom::core {
namespace repo = catalog::collaborations_repo;
using catalog::CollaborationRecord;
using catalog::MemberRecord;
using catalog::MembershipRecord;
using catalog::Tx;

namespace {

// Members that left or were removed can no longer act or read (the reference: "you will not be
// allowed to access your collaboration instance any further").
Status check_can_act(const MemberRecord& m) {
  if (m.status == MemberStatus::Left || m.status == MemberStatus::Removed)
    return Error::access_denied("account " + m.account_id +
                                " is no longer a member of collaboration " + m.collaboration_id +
                                " (status " + wire_string(m.status) + ")");
  return {};
}

Status check_creator(const CollaborationRecord& c, const std::string& caller,
                     const std::string& action) {
  if (c.creator_account_id != caller)
    return Error::access_denied("only the collaboration's creator (" + c.creator_account_id +
                                ") may " + action);
  return {};
}

Result<CollaborationView> view_of(Tx& tx, const CollaborationRecord& c, const MemberRecord& m) {
  CR_ASSIGN(auto ms, repo::find_membership_of(tx, c.id, m.account_id));
  CR_ASSIGN(auto instance, catalog::instances_repo::find_by_collaboration(tx, c.id));
  return CollaborationView{c, m.status, ms, instance ? instance->instance_id : ""};
}

// Who pays for query compute, the creator first and then req.members in order. Named payers
// (isResponsible TRUE) must be at most one. With none named the creator pays if it can query,
// else the first member that can, passing over those set to FALSE; FALSE for every member that
// can query is refused, as AWS does ("An error is returned if the collaboration creator sets a
// FALSE value for the member who can query").
Result<std::vector<bool>> query_compute_payers(const CreateCollaborationRequest& req) {
  std::vector<std::optional<bool>> named{req.creator_pays_for_queries};
  std::vector<bool> can_query{contains(req.creator_abilities, MemberAbility::CanQuery)};
  for (const auto& m : req.members) {
    named.push_back(m.pays_for_queries);
    can_query.push_back(contains(m.abilities, MemberAbility::CanQuery));
  }
  std::vector<bool> pays(named.size(), false);
  const auto payers = std::count(named.begin(), named.end(), std::optional<bool>(true));
  if (payers > 1)
    return Error::validation("exactly one member pays for query compute; " +
                                 std::to_string(payers) + " are configured to pay",
                             "members.paymentConfiguration");
  if (payers == 1) {
    pays[std::find(named.begin(), named.end(), std::optional<bool>(true)) - named.begin()] = true;
    return pays;
  }
  bool declined = false;  // a member that can query was set not to pay
  for (size_t i = 0; i < named.size(); ++i) {
    if (!can_query[i]) continue;
    if (named[i] == false) {
      declined = true;
      continue;
    }
    pays[i] = true;
    return pays;
  }
  if (declined)
    return Error::validation(
        "no member pays for query compute: the members who can query pay by default, so "
        "paymentConfiguration.queryCompute.isResponsible must not be false for all of them unless "
        "another member pays",
        "members.paymentConfiguration");
  return pays;
}

}  // namespace

bool pays_for_queries(const MemberRecord& m) {
  if (m.pays_for_queries) return *m.pays_for_queries;
  return contains(m.abilities, MemberAbility::CanQuery);
}

Result<CollaborationRecord> find_collaboration(Tx& tx, const std::string& collaboration_id) {
  CR_ASSIGN(auto c, repo::find(tx, collaboration_id));
  if (!c) return Error::not_found(Resource::Collaboration, collaboration_id);
  return *c;
}

Result<MemberRecord> member_of(Tx& tx, const std::string& collaboration_id,
                               const std::string& account_id) {
  CR_ASSIGN(auto m, repo::find_member(tx, collaboration_id, account_id));
  if (!m) return Error::not_found(Resource::Collaboration, collaboration_id);
  return *m;
}

Result<CollaborationRecord> create_collaboration(Tx& tx, const std::string& creator_account_id,
                                                 const CreateCollaborationRequest& req,
                                                 const std::vector<std::string>& active_accounts) {
  std::set<std::string> seen{creator_account_id};
  for (const auto& m : req.members)
    if (!seen.insert(m.account_id).second)
      return Error::validation("account " + m.account_id +
                                   " is listed more than once (the creator is a member "
                                   "already and must not be listed in members)",
                               "members");
  CR_ASSIGN(auto payers, query_compute_payers(req));
  CR_TRY(check_auto_approvable(req.auto_approved_change_types, "autoApprovedChangeRequestTypes"));
  int64_t now = now_epoch_seconds();
  CollaborationRecord c{crypto::uuid4(),
                        req.name,
                        req.description,
                        creator_account_id,
                        req.creator_display_name,
                        req.query_log_status,
                        req.data_encryption_metadata,
                        req.analytics_engine,
                        now,
                        now};
  c.auto_approved_change_types = req.auto_approved_change_types;
  CR_TRY(repo::insert(tx, c));
  CR_TRY(tag_new_resource(tx, c.id, req.tags));
  auto add = [&](const std::string& account, const std::string& name,
                 const std::vector<MemberAbility>& abilities,
                 std::optional<bool> payment) -> Status {
    bool active = contains(active_accounts, account);
    MemberRecord m{
        c.id,    account, name, abilities, active ? MemberStatus::Active : MemberStatus::Invited,
        payment, now,     now};
    CR_TRY(repo::insert_member(tx, m));
    if (!active) return {};
    return repo::insert_membership(
        tx, {crypto::uuid4(), c.id, account, MembershipStatus::Active, req.query_log_status,
             std::nullopt, pays_for_queries(m), now, now});
  };
  CR_TRY(add(creator_account_id, req.creator_display_name, req.creator_abilities, payers[0]));
  for (size_t i = 0; i < req.members.size(); ++i)
    CR_TRY(add(req.members[i].account_id, req.members[i].display_name, req.members[i].abilities,
               payers[i + 1]));
  return c;
}

Result<CollaborationView> CollaborationService::create(const std::string& caller,
                                                       const CreateCollaborationRequest& req) {
  // Here and not in create_collaboration: the AMC instance names its own collaboration that way.
  CR_TRY(check_collaboration_names(req));
  return ctx_.db.write<CollaborationView>([&](Tx& tx) -> Result<CollaborationView> {
    CR_ASSIGN(auto c, create_collaboration(tx, caller, req, {}));
    CR_ASSIGN(auto m, member_of(tx, c.id, caller));
    return view_of(tx, c, m);
  });
}

Result<CollaborationView> CollaborationService::get(const std::string& caller,
                                                    const std::string& id) {
  return ctx_.db.read<CollaborationView>([&](Tx& tx) -> Result<CollaborationView> {
    CR_ASSIGN(auto m, member_of(tx, id, caller));
    CR_TRY(check_can_act(m));
    CR_ASSIGN(auto c, find_collaboration(tx, id));
    return view_of(tx, c, m);
  });
}

Result<std::pair<std::vector<CollaborationView>, std::string>> CollaborationService::list(
    const std::string& caller, std::optional<MemberStatus> member_status, const Page& page) {
  using Out = std::pair<std::vector<CollaborationView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    int limit = page.size();
    Out out;
    std::string after = page.next_token;
    // Without a filter the caller sees collaborations it is invited to or active in, never those
    // it has left or was removed from. A full page needs one more visible row to earn a nextToken,
    // so read on past hidden rows until that row or the end.
    for (;;) {
      CR_ASSIGN(auto batch, repo::list_for_account(tx, caller, member_status, after, limit + 1));
      for (const auto& c : batch) {
        after = c.id;
        CR_ASSIGN(auto m, member_of(tx, c.id, caller));
        if (m.status != MemberStatus::Invited && m.status != MemberStatus::Active) continue;
        if (static_cast<int>(out.first.size()) == limit) {
          out.second = out.first.back().collaboration.id;
          return out;
        }
        CR_ASSIGN(auto v, view_of(tx, c, m));
        out.first.push_back(std::move(v));
      }
      if (static_cast<int>(batch.size()) < limit + 1) break;
    }
    return out;
  });
}

Result<CollaborationView> CollaborationService::update(
    const std::string& caller, const std::string& id, const std::optional<std::string>& name,
    const std::optional<std::string>& description,
    const std::optional<std::string>& analytics_engine) {
  return ctx_.db.write<CollaborationView>([&](Tx& tx) -> Result<CollaborationView> {
    CR_ASSIGN(auto m, member_of(tx, id, caller));
    CR_TRY(check_can_act(m));
    CR_ASSIGN(auto c, find_collaboration(tx, id));
    CR_TRY(check_creator(c, caller, "update it"));
    // An AMC instance's collaboration keeps its reserved name when only its description changes.
    if (name && *name != c.name) CR_TRY(check_collaboration_name(*name));
    // Clean Rooms: after creation only the name and the description of a collaboration change.
    if (analytics_engine && *analytics_engine != c.analytics_engine)
      return Error::validation("analyticsEngine cannot change after the collaboration is created",
                               "analyticsEngine");
    c.name = name.value_or(c.name);
    c.description = description.value_or(c.description);
    c.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_text(tx, id, c.name, c.description, c.updated_at));
    return view_of(tx, c, m);
  });
}

Status CollaborationService::remove(const std::string& caller, const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto m, member_of(tx, id, caller));
    CR_ASSIGN(auto c, find_collaboration(tx, id));
    CR_TRY(check_creator(c, caller, "delete it"));
    (void)m;
    int64_t now = now_epoch_seconds();
    CR_TRY(repo::set_memberships_status(tx, id, MembershipStatus::CollaborationDeleted, now));
    CR_TRY(repo::mark_deleted(tx, id, now));
    return true;
  }));
}

Result<std::pair<std::vector<MemberView>, std::string>> CollaborationService::members(
    const std::string& caller, const std::string& id, const Page& page) {
  using Out = std::pair<std::vector<MemberView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto me, member_of(tx, id, caller));
    CR_TRY(check_can_act(me));
    CR_TRY(status_of(find_collaboration(tx, id)));
    CR_ASSIGN(auto all, repo::members(tx, id));
    // The token is the account id of the last member returned; members keep insertion order.
    size_t start = 0;
    if (!page.next_token.empty()) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](auto& m) { return m.account_id == page.next_token; });
      if (it == all.end())
        return Error::validation("nextToken is not valid for this collaboration", "nextToken");
      start = static_cast<size_t>(it - all.begin()) + 1;
    }
    Out out;
    size_t end = std::min(all.size(), start + static_cast<size_t>(page.size()));
    for (size_t i = start; i < end; ++i) {
      CR_ASSIGN(auto ms, repo::find_membership_of(tx, id, all[i].account_id));
      out.first.push_back({all[i], ms});
    }
    if (end < all.size()) out.second = all[end - 1].account_id;
    return out;
  });
}

Status CollaborationService::remove_member(const std::string& caller, const std::string& id,
                                           const std::string& account_id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto me, member_of(tx, id, caller));
    CR_TRY(check_can_act(me));
    CR_ASSIGN(auto c, find_collaboration(tx, id));
    CR_TRY(check_creator(c, caller, "remove members"));
    if (account_id == caller)
      return Error::validation("the creator cannot remove itself; delete the collaboration instead",
                               "accountId");
    CR_ASSIGN(auto target, repo::find_member(tx, id, account_id));
    if (!target)
      return Error::validation("account " + account_id + " is not a member of collaboration " + id,
                               "accountId");
    int64_t now = now_epoch_seconds();
    if (target->status == MemberStatus::Removed) return true;
    CR_TRY(repo::set_member_status(tx, id, account_id, MemberStatus::Removed, now));
    CR_ASSIGN(auto ms, repo::find_membership_of(tx, id, account_id));
    if (ms && ms->status == MembershipStatus::Active) {
      ms->status = MembershipStatus::Removed;
      ms->updated_at = now;
      CR_TRY(repo::update_membership(tx, *ms));
    }
    return true;
  }));
}

Result<nlohmann::json> CollaborationService::set_difference_checks(
    const std::string& collaboration_or_instance, bool on) {
  return ctx_.db.write<nlohmann::json>([&](Tx& tx) -> Result<nlohmann::json> {
    std::string id = collaboration_or_instance;
    CR_ASSIGN(auto instance, catalog::instances_repo::find(tx, collaboration_or_instance));
    if (instance) id = instance->collaboration_id;
    CR_ASSIGN(auto c, find_collaboration(tx, id));
    CR_TRY(repo::set_difference_checks(tx, c.id, on));
    return nlohmann::json{{"collaborationId", c.id}, {"differenceChecks", on}};
  });
}

}  // namespace cleanroom::core
