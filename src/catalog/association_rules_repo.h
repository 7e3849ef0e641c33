#pragma once
// Rows of configured table association analysis rules (the console's "collaboration analysis
// rules"): a table owner's rules on one association of its table.
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct AssociationRuleRecord {
  std::string association_id;
  std::string type;                                          // AGGREGATION | LIST | CUSTOM
  std::optional<std::vector<std::string>> result_receivers;  // unset: no restriction
  std::optional<std::vector<std::string>> additional_analyses;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace association_rules_repo {

Status insert(Tx& tx, const AssociationRuleRecord& r);
Status update(Tx& tx, const AssociationRuleRecord& r);
Status remove(Tx& tx, const std::string& association_id, const std::string& type);
Result<std::optional<AssociationRuleRecord>> find(Tx& tx, const std::string& association_id,
                                                  const std::string& type);

}  // namespace association_rules_repo
}  // namespace cleanroom::catalog
