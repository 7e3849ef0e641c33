#pragma once
// Analysis templates: SQL a member saves in its membership, with named `:parameters`, that
// the collaboration's CUSTOM rules can admit by ARN (clean-rooms-semantics.md, "CUSTOM").
// A template is immutable but for its description; any active member reads the collaboration's.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/analysis_templates_repo.h"
#include "catalog/collaborations_repo.h"
#include "core/collaborations.h"
#include "core/context.h"
#include "core/tags.h"

namespace cleanroom::core {

struct CreateAnalysisTemplateRequest {
  std::string membership_id;
  std::string name;
  std::string description;
  std::string format;  // only SQL is served
  std::string source_text;
  nlohmann::json parameters = nlohmann::json::array();  // AnalysisParameter list
  Tags tags;
};

struct AnalysisTemplateView {
  catalog::AnalysisTemplateRecord tmpl;
  catalog::CollaborationRecord collaboration;
};

class AnalysisTemplateService {
 public:
  explicit AnalysisTemplateService(Context& ctx) : ctx_(ctx) {}

  // Membership-scoped: only the membership's owner, and only while it is ACTIVE for changes.
  Result<AnalysisTemplateView> create(const std::string& caller,
                                      const CreateAnalysisTemplateRequest& req);
  Result<AnalysisTemplateView> get(const std::string& caller, const std::string& membership_id,
                                   const std::string& id);
  Result<std::pair<std::vector<AnalysisTemplateView>, std::string>> list(
      const std::string& caller, const std::string& membership_id, const Page& page);
  Result<AnalysisTemplateView> update_description(const std::string& caller,
                                                  const std::string& membership_id,
                                                  const std::string& id,
                                                  const std::string& description);
  Status remove(const std::string& caller, const std::string& membership_id, const std::string& id);

  // Collaboration-scoped: any ACTIVE member.
  Result<AnalysisTemplateView> get_in_collaboration(const std::string& caller,
                                                    const std::string& collaboration_id,
                                                    const std::string& arn);
  Result<std::pair<std::vector<AnalysisTemplateView>, std::string>> list_in_collaboration(
      const std::string& caller, const std::string& collaboration_id, const Page& page);
  // One result per ARN, in order; the outer error is the caller's access to the collaboration.
  Result<std::vector<Result<AnalysisTemplateView>>> get_many_in_collaboration(
      const std::string& caller, const std::string& collaboration_id,
      const std::vector<std::string>& arns);

 private:
  Context& ctx_;
};

// The template's SQL with every `:name` replaced by the given value, else the parameter's
// default, as a string literal. Text inside string literals, quoted identifiers and comments is
// left alone. A missing value or an undeclared parameter is a Validation error.
Result<std::string> render_template(const catalog::AnalysisTemplateRecord& t,
                                    const std::map<std::string, std::string>& values);

}  // namespace cleanroom::core
