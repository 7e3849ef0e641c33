#include "core/association_rules.h"

#include "catalog/collaborations_repo.h"
#include "catalog/configured_tables_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "core/configured_tables.h"
#include "core/memberships.h"

namespace cleanroom::core {
namespace repo = catalog::association_rules_repo;
using catalog::Tx;

namespace {

// The owner's association, in its own membership; with `for_change`, that membership must be
// ACTIVE.
Result<std::pair<catalog::MembershipRecord, catalog::AssociationRecord>> owned_association(
    Tx& tx, const std::string& caller, const std::string& membership_id,
    const std::string& association_id, bool for_change) {
  CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
  if (for_change) CR_TRY(check_active_membership(ms, "association analysis rules are changed"));
  CR_ASSIGN(auto a, association_in(tx, ms, association_id));
  return std::make_pair(ms, a);
}

Result<catalog::AssociationRuleRecord> existing(Tx& tx, const std::string& association_id,
                                                const std::string& type) {
  CR_ASSIGN(auto r, repo::find(tx, association_id, type));
  // Like Get of a configured table's rule of another type: not found.
  if (!r)
    return Error::not_found(Resource::ConfiguredTableAssociation,
                            association_id + "/analysisRule/" + type);
  return *r;
}

// The policy's own checks: the rule's type is the table's; receivers are members that may
// receive results; additional analyses only where the service allows them.
Status check_policy(Tx& tx, const catalog::MembershipRecord& ms,
                    const catalog::AssociationRecord& a, const AssociationRuleRequest& req) {
  CR_ASSIGN(auto table_rule, catalog::configured_tables_repo::find_rule(tx, a.configured_table_id));
  if (!table_rule)
    return Error::invalid_configuration(
        "the configured table of association " + a.id +
            " has no analysis rule; its association's rule follows that rule's type, so create "
            "it first",
        "analysisRuleType");
  if (table_rule->type != req.type)
    return Error::invalid_configuration("the configured table's analysis rule is " +
                                            table_rule->type + "; the association's rule must be " +
                                            table_rule->type + " too",
                                        "analysisRuleType");
  if (req.result_receivers)
    for (const auto& account : *req.result_receivers) {
      CR_ASSIGN(auto m,
                catalog::collaborations_repo::find_member(tx, ms.collaboration_id, account));
      if (!m || m->status == MemberStatus::Left || m->status == MemberStatus::Removed ||
          !contains(m->abilities, MemberAbility::CanReceiveResults))
        return Error::invalid_configuration(
            "allowedResultReceivers: account " + account +
                " is not a member of the collaboration that can receive results",
            "analysisRulePolicy.v1.allowedResultReceivers");
    }
  // The API reference: allowedAdditionalAnalyses is supported for the LIST and CUSTOM rules.
  if (req.type == "AGGREGATION" && req.additional_analyses && !req.additional_analyses->empty())
    return Error::invalid_configuration(
        "allowedAdditionalAnalyses is not supported for the AGGREGATION rule",
        "analysisRulePolicy.v1.aggregation.allowedAdditionalAnalyses");
  return {};
}

}  // namespace

Result<AssociationRuleView> AssociationRuleService::create(const std::string& caller,
                                                           const AssociationRuleRequest& req) {
  return ctx_.db.write<AssociationRuleView>([&](Tx& tx) -> Result<AssociationRuleView> {
    CR_ASSIGN(auto owned,
              owned_association(tx, caller, req.membership_id, req.association_id, true));
    auto& [ms, a] = owned;
    CR_ASSIGN(auto found, repo::find(tx, a.id, req.type));
    if (found)
      return Error::conflict("association " + a.id + " already has a " + req.type +
                                 " analysis rule; update it instead",
                             Cause::AlreadyExists, Resource::ConfiguredTableAssociation, a.id);
    CR_TRY(check_policy(tx, ms, a, req));
    const int64_t now = now_epoch_seconds();
    catalog::AssociationRuleRecord r{a.id, req.type, req.result_receivers, req.additional_analyses,
                                     now,  now};
    CR_TRY(repo::insert(tx, r));
    return AssociationRuleView{r, ms.id, caller};
  });
}

Result<AssociationRuleView> AssociationRuleService::get(const std::string& caller,
                                                        const std::string& membership_id,
                                                        const std::string& association_id,
                                                        const std::string& type) {
  return ctx_.db.read<AssociationRuleView>([&](Tx& tx) -> Result<AssociationRuleView> {
    CR_ASSIGN(auto owned, owned_association(tx, caller, membership_id, association_id, false));
    CR_ASSIGN(auto r, existing(tx, owned.second.id, type));
    return AssociationRuleView{r, owned.first.id, caller};
  });
}

Result<AssociationRuleView> AssociationRuleService::update(const std::string& caller,
                                                           const AssociationRuleRequest& req) {
  return ctx_.db.write<AssociationRuleView>([&](Tx& tx) -> Result<AssociationRuleView> {
    CR_ASSIGN(auto owned,
              owned_association(tx, caller, req.membership_id, req.association_id, true));
    auto& [ms, a] = owned;
    CR_ASSIGN(auto r, existing(tx, a.id, req.type));
    CR_TRY(check_policy(tx, ms, a, req));
    r.result_receivers = req.result_receivers;
    r.additional_analyses = req.additional_analyses;
    r.updated_at = now_epoch_seconds();
    CR_TRY(repo::update(tx, r));
    return AssociationRuleView{r, ms.id, caller};
  });
}

Status AssociationRuleService::remove(const std::string& caller, const std::string& membership_id,
                                      const std::string& association_id, const std::string& type) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto owned, owned_association(tx, caller, membership_id, association_id, true));
    CR_TRY(existing(tx, owned.second.id, type));
    CR_TRY(repo::remove(tx, owned.second.id, type));
    return true;
  }));
}

Status check_result_receiver(Tx& tx, const std::string& association_id,
                             const std::string& table_name, const std::string& rule_type,
                             const std::string& receiver) {
  CR_ASSIGN(auto r, repo::find(tx, association_id, rule_type));
  if (!r || !r->result_receivers || contains(*r->result_receivers, receiver)) return {};
  return Error::invalid_query("the owner of table " + table_name +
                              " does not allow the results of queries that read it to go to "
                              "account " +
                              receiver);
}

}  // namespace cleanroom::core
