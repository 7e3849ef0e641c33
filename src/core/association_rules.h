#pragma once
// Configured table association analysis rules (the console's "collaboration analysis rules"): a
// table owner's rules on one association of its table, in one collaboration. They say which
// members may receive the results of queries that read the table (allowedResultReceivers) and
// which additional analyses may use those results (allowedAdditionalAnalyses, kept as given:
// cleanroom runs no Clean Rooms ML analyses, so none is ever admitted by it).
#include <optional>
#include <string>
#include <vector>

#include "catalog/association_rules_repo.h"
#include "catalog/database.h"
#include "core/context.h"

namespace cleanroom::core {

struct AssociationRuleRequest {
  std::string membership_id;
  std::string association_id;
  std::string type;  // AGGREGATION | LIST | CUSTOM: the type of the table's own analysis rule
  std::optional<std::vector<std::string>> result_receivers;     // unset: no restriction
  std::optional<std::vector<std::string>> additional_analyses;  // unset: none
};

struct AssociationRuleView {
  catalog::AssociationRuleRecord rule;
  std::string membership_id;
  std::string owner_account_id;
};

class AssociationRuleService {
 public:
  explicit AssociationRuleService(Context& ctx) : ctx_(ctx) {}

  // Only the association's owner, in its ACTIVE membership; one rule per type.
  Result<AssociationRuleView> create(const std::string& caller, const AssociationRuleRequest& req);
  Result<AssociationRuleView> get(const std::string& caller, const std::string& membership_id,
                                  const std::string& association_id, const std::string& type);
  // Replaces the policy with the one given.
  Result<AssociationRuleView> update(const std::string& caller, const AssociationRuleRequest& req);
  Status remove(const std::string& caller, const std::string& membership_id,
                const std::string& association_id, const std::string& type);

 private:
  Context& ctx_;
};

// When a query starts and again when it runs: refused when the rule of `rule_type` on the
// association of `table_name` that the query reads leaves `receiver` out of its receivers.
Status check_result_receiver(catalog::Tx& tx, const std::string& association_id,
                             const std::string& table_name, const std::string& rule_type,
                             const std::string& receiver);

}  // namespace cleanroom::core
