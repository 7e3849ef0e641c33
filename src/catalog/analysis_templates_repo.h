#pragma once
// Rows of analysis templates: a member's saved SQL with named parameters.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct AnalysisTemplateRecord {
  std::string id;
  std::string arn;
  std::string collaboration_id;
  std::string membership_id;
  std::string account_id;  // the creator
  std::string name;
  std::string description;
  std::string format;  // SQL
  std::string source_text;
  nlohmann::json parameters;  // array of AnalysisParameter {name, type, defaultValue?}
  int64_t created_at = 0;     // epoch seconds
  int64_t updated_at = 0;
};

namespace analysis_templates_repo {

Status insert(Tx& tx, const AnalysisTemplateRecord& t);
Result<std::optional<AnalysisTemplateRecord>> find(Tx& tx, const std::string& id);
Result<std::optional<AnalysisTemplateRecord>> find_by_arn(Tx& tx, const std::string& arn);
// Ordered by id; paging: ids strictly after `after`, at most `limit`.
Result<std::vector<AnalysisTemplateRecord>> of_membership(Tx& tx, const std::string& membership_id,
                                                          const std::string& after, int limit);
Result<std::vector<AnalysisTemplateRecord>> of_collaboration(Tx& tx,
                                                             const std::string& collaboration_id,
                                                             const std::string& after, int limit);
Result<int64_t> count_of_membership(Tx& tx, const std::string& membership_id);
Status update_description(Tx& tx, const std::string& id, const std::string& description,
                          int64_t updated_at);
Status remove(Tx& tx, const std::string& id);

}  // namespace analysis_templates_repo
}  // namespace cleanroom::catalog
