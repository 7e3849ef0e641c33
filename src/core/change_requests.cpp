#include "core/change_requests.h"

#include <algorithm>

#include "catalog/collaborations_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/memberships.h"

namespace cleanroom::core {
namespace repo = catalog::change_requests_repo;
namespace collab_repo = catalog::collaborations_repo;
using catalog::ChangeRequestRecord;
using catalog::Tx;
using nlohmann::json;

namespace {

std::vector<MemberAbility> abilities_of(const json& names) {
  std::vector<MemberAbility> out;
  for (const auto& n : names)
    if (auto a = parse_wire<MemberAbility>(n.get<std::string>())) out.push_back(*a);
  return out;
}

bool receives(const std::vector<MemberAbility>& a) {
  return contains(a, MemberAbility::CanReceiveResults);
}

// One change as it is stored and answered: the specification and the types it makes, checked
// against the collaboration as it stands.
Result<json> change_of(Tx& tx, const catalog::CollaborationRecord& c, const ChangeSpec& spec) {
  if (spec.auto_approved_types) {
    CR_TRY(check_auto_approvable(*spec.auto_approved_types,
                                 "changes.specification.collaboration.autoApprovedChangeTypes"));
    return json{{"specificationType", "COLLABORATION"},
                {"specification",
                 {{"collaboration", {{"autoApprovedChangeTypes", *spec.auto_approved_types}}}}},
                {"types", {kEditAutoApproved}}};
  }
  const MemberChange& m = *spec.member;
  json member = {{"accountId", m.account_id}, {"memberAbilities", wire_names(m.abilities)}};
  if (!m.display_name.empty()) member["displayName"] = m.display_name;
  json change = {{"specificationType", "MEMBER"}, {"specification", {{"member", member}}}};
  CR_ASSIGN(auto existing, collab_repo::find_member(tx, c.id, m.account_id));
  if (!existing) {
    // (ours) Who can query was agreed when the collaboration was made; a change request adds
    // members that bring data or receive results, never another analyst.
    for (auto a : m.abilities)
      if (a != MemberAbility::CanReceiveResults)
        return Error::validation(
            "a change request adds a member with no ability or CAN_RECEIVE_RESULTS only; " +
                wire_string(a) + " is agreed when the collaboration is created",
            "changes.specification.member.memberAbilities");
    change["types"] = {kAddMember};
    return change;
  }
  if (existing->status == MemberStatus::Left || existing->status == MemberStatus::Removed)
    return Error::validation("account " + m.account_id +
                                 " has left the collaboration or was "
                                 "removed; it cannot be changed or added again",
                             "changes.specification.member.accountId");
  auto other = [](std::vector<MemberAbility> a) {
    std::erase(a, MemberAbility::CanReceiveResults);
    std::sort(a.begin(), a.end());
    return a;
  };
  if (other(m.abilities) != other(existing->abilities))
    return Error::validation(
        "a change request changes only a member's CAN_RECEIVE_RESULTS ability; give account " +
            m.account_id + "'s other abilities as they are",
        "changes.specification.member.memberAbilities");
  if (receives(m.abilities) == receives(existing->abilities))
    return Error::validation("the change to account " + m.account_id + " changes nothing",
                             "changes.specification.member.memberAbilities");
  change["types"] = {receives(m.abilities) ? kGrantReceiveResults : kRevokeReceiveResults};
  return change;
}

// Applies one stored change; checked again, since the collaboration may have changed since the
// request was made.
Status apply(Tx& tx, const catalog::CollaborationRecord& c, const json& change, int64_t now) {
  const json& spec = change["specification"];
  if (spec.contains("collaboration"))
    return collab_repo::set_auto_approved_change_types(
        tx, c.id, spec["collaboration"]["autoApprovedChangeTypes"].get<std::vector<std::string>>(),
        now);
  const json& m = spec["member"];
  ChangeSpec again{
      MemberChange{m["accountId"], abilities_of(m["memberAbilities"]), m.value("displayName", "")},
      std::nullopt};
  CR_ASSIGN(auto checked, change_of(tx, c, again));
  if (checked["types"] != change["types"])
    return Error::conflict("the collaboration changed since the request was made: " +
                               checked["types"][0].get<std::string>() + " instead of " +
                               change["types"][0].get<std::string>(),
                           Cause::InvalidState);
  const auto& mc = *again.member;
  if (checked["types"][0] == kAddMember) {
    const std::string name = mc.display_name.empty() ? mc.account_id : mc.display_name;
    return collab_repo::insert_member(
        tx, {c.id, mc.account_id, name, mc.abilities, MemberStatus::Invited, false, now, now});
  }
  return collab_repo::set_member_abilities(tx, c.id, mc.account_id, mc.abilities, now);
}

Status apply_all(Tx& tx, const catalog::CollaborationRecord& c, const ChangeRequestRecord& r,
                 int64_t now) {
  for (const auto& change : r.changes) CR_TRY(apply(tx, c, change, now));
  return {};
}

Result<catalog::CollaborationRecord> creators_collaboration(Tx& tx, const std::string& caller,
                                                            const std::string& collaboration_id,
                                                            const char* action) {
  CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
  if (c.creator_account_id != caller)
    return Error::access_denied(std::string("only the collaboration's creator may ") + action);
  return c;
}

Result<ChangeRequestRecord> find_request(Tx& tx, const std::string& collaboration_id,
                                         const std::string& id) {
  CR_ASSIGN(auto r, repo::find(tx, collaboration_id, id));
  if (!r) return Error::not_found(Resource::ChangeRequest, id);
  return *r;
}

}  // namespace

Status check_auto_approvable(const std::vector<std::string>& types, std::string_view field) {
  for (const auto& t : types)
    if (t != kAddMember && t != kGrantReceiveResults && t != kRevokeReceiveResults)
      return Error::validation("'" + t + "' is not a change type that can be auto-approved",
                               std::string(field));
  return {};
}

Result<ChangeRequestView> ChangeRequestService::create(const std::string& caller,
                                                       const std::string& collaboration_id,
                                                       const std::vector<ChangeSpec>& changes) {
  return ctx_.db.write<ChangeRequestView>([&](Tx& tx) -> Result<ChangeRequestView> {
    CR_ASSIGN(auto c, creators_collaboration(tx, caller, collaboration_id, "request changes"));
    const int64_t now = now_epoch_seconds();
    ChangeRequestRecord r{crypto::uuid4(), c.id, "PENDING", true, json::array(), {}, now, now};
    std::vector<std::string> accounts;
    for (const auto& spec : changes) {
      CR_ASSIGN(auto change, change_of(tx, c, spec));
      if (spec.member) {
        if (contains(accounts, spec.member->account_id))
          return Error::validation(
              "account " + spec.member->account_id + " is changed more than once in one request",
              "changes");
        accounts.push_back(spec.member->account_id);
      }
      for (const auto& type : change["types"])
        if (!contains(c.auto_approved_change_types, type.get<std::string>()))
          r.is_auto_approved = false;
      r.changes.push_back(std::move(change));
    }
    if (r.is_auto_approved) {
      CR_TRY(apply_all(tx, c, r, now));
      r.status = "COMMITTED";
    } else {
      CR_ASSIGN(auto members, collab_repo::members(tx, c.id));
      for (const auto& m : members)
        if (m.account_id != caller && m.status == MemberStatus::Active)
          r.approvals[m.account_id] = "PENDING";
      if (r.approvals.empty()) r.status = "APPROVED";  // no one else to ask
    }
    CR_TRY(repo::insert(tx, r));
    return ChangeRequestView{r};
  });
}

Result<ChangeRequestView> ChangeRequestService::get(const std::string& caller,
                                                    const std::string& collaboration_id,
                                                    const std::string& id) {
  return ctx_.db.read<ChangeRequestView>([&](Tx& tx) -> Result<ChangeRequestView> {
    CR_TRY(status_of(readable_collaboration(tx, caller, collaboration_id)));
    CR_ASSIGN(auto r, find_request(tx, collaboration_id, id));
    return ChangeRequestView{r};
  });
}

Result<std::pair<std::vector<ChangeRequestView>, std::string>> ChangeRequestService::list(
    const std::string& caller, const std::string& collaboration_id, const std::string& status,
    const Page& page) {
  using Out = std::pair<std::vector<ChangeRequestView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_TRY(status_of(readable_collaboration(tx, caller, collaboration_id)));
    const int limit = page.size();
    CR_ASSIGN(auto rows, repo::list(tx, collaboration_id, status, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i]});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().request.id;
    return out;
  });
}

Result<ChangeRequestView> ChangeRequestService::update(const std::string& caller,
                                                       const std::string& collaboration_id,
                                                       const std::string& id,
                                                       const std::string& action) {
  return ctx_.db.write<ChangeRequestView>([&](Tx& tx) -> Result<ChangeRequestView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    CR_ASSIGN(auto r, find_request(tx, collaboration_id, id));
    const int64_t now = now_epoch_seconds();
    auto not_now = [&](const std::string& allowed) {
      return Error::conflict("change request " + r.id + " is " + r.status + "; " + action +
                                 " applies only to a request that is " + allowed,
                             Cause::InvalidState, Resource::ChangeRequest, r.id);
    };
    if (action == "APPROVE" || action == "DENY") {
      auto vote = r.approvals.find(caller);
      if (vote == r.approvals.end())
        return Error::access_denied("account " + caller + " does not vote on change request " +
                                    r.id + ": the creator's other ACTIVE members do");
      if (r.status != "PENDING") return not_now("PENDING");
      if (vote->second != "PENDING")
        return Error::conflict("account " + caller + " has voted on change request " + r.id,
                               Cause::InvalidState, Resource::ChangeRequest, r.id);
      vote->second = action == "APPROVE" ? "APPROVED" : "DENIED";
      if (action == "DENY")
        r.status = "DENIED";
      else if (std::all_of(r.approvals.begin(), r.approvals.end(),
                           [](const auto& v) { return v.second == "APPROVED"; }))
        r.status = "APPROVED";
    } else {
      if (c.creator_account_id != caller)
        return Error::access_denied("only the collaboration's creator may " + action +
                                    " a change request");
      if (action == "CANCEL") {
        if (r.status != "PENDING" && r.status != "APPROVED") return not_now("PENDING or APPROVED");
        r.status = "CANCELLED";
      } else {  // COMMIT
        if (r.status != "APPROVED") return not_now("APPROVED");
        CR_TRY(apply_all(tx, c, r, now));
        r.status = "COMMITTED";
      }
    }
    r.updated_at = now;
    CR_TRY(repo::update(tx, r));
    return ChangeRequestView{r};
  });
}

}  // namespace cleanroom::core
