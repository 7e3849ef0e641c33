#include "core/tags.h"

#include <regex>

#include "catalog/tags_repo.h"
#include "common/arn.h"

namespace cleanroom::core {
namespace {

// A taggable kind: the resource part of its ARN, and the query that finds one the caller owns,
// with the ARN's ids as ?1, ?2 and the caller as the parameter after them.
struct TaggableKind {
  std::regex path;
  Resource type;
  const char* owned_sql;
};

const std::vector<TaggableKind>& taggable_kinds() {
  static const std::vector<TaggableKind> kinds = {
      {std::regex(R"(collaboration/([\w-]+))"), Resource::Collaboration,
       "SELECT 1 FROM collaborations WHERE collaboration_id = ?1 AND creator_account_id = ?2 "
       "AND deleted_at IS NULL"},
      {std::regex(R"(membership/([\w-]+))"), Resource::Membership,
       "SELECT 1 FROM memberships WHERE membership_id = ?1 AND account_id = ?2"},
      {std::regex(R"(configuredtable/([\w-]+))"), Resource::ConfiguredTable,
       "SELECT 1 FROM configured_tables WHERE configured_table_id = ?1 AND account_id = ?2"},
      {std::regex(R"(configuredtableassociation/([\w-]+)/([\w-]+))"),
       Resource::ConfiguredTableAssociation,
       "SELECT 1 FROM configured_table_associations a JOIN memberships m USING (membership_id) "
       "WHERE a.membership_id = ?1 AND a.association_id = ?2 AND m.account_id = ?3"},
      {std::regex(R"(membership/([\w-]+)/analysistemplate/([\w-]+))"), Resource::AnalysisTemplate,
       "SELECT 1 FROM analysis_templates WHERE membership_id = ?1 AND analysis_template_id = ?2 "
       "AND account_id = ?3"},
      {std::regex(R"(membership/([\w-]+)/idnamespaceassociation/([\w-]+))"),
       Resource::IdNamespaceAssociation,
       "SELECT 1 FROM id_namespace_associations WHERE membership_id = ?1 AND "
       "id_namespace_association_id = ?2 AND account_id = ?3"},
      {std::regex(R"(membership/([\w-]+)/idmappingtable/([\w-]+))"), Resource::IdMappingTable,
       "SELECT 1 FROM id_mapping_tables WHERE membership_id = ?1 AND id_mapping_table_id = ?2 AND "
       "account_id = ?3"},
      {std::regex(R"(privacybudgettemplate/([\w-]+))"), Resource::PrivacyBudgetTemplate,
       "SELECT 1 FROM privacy_budget_templates WHERE privacy_budget_template_id = ?1 AND "
       "account_id = ?2"},
  };
  return kinds;
}

// The id of the resource `arn` names, when the caller owns it.
Result<std::string> owned_resource(catalog::Tx& tx, const std::string& caller,
                                   const std::string& arn) {
  static const std::regex shape(R"(arn:aws:cleanrooms:([\w-]+):(\d{12}):(.+))");
  std::smatch m;
  if (!std::regex_match(arn, m, shape))
    return Error::validation("resourceArn is not a Clean Rooms ARN", "resourceArn");
  const std::string region = m[1], account = m[2], path = m[3];
  for (const auto& kind : taggable_kinds()) {
    std::smatch ids;
    if (!std::regex_match(path, ids, kind.path)) continue;
    const std::string id = ids[ids.size() - 1];
    if (region != kRegion || account != caller) return Error::not_found(kind.type, id);
    std::vector<catalog::Value> args;
    for (size_t i = 1; i < ids.size(); ++i) args.emplace_back(ids[i].str());
    args.emplace_back(caller);
    CR_ASSIGN(auto row, tx.query_one(kind.owned_sql, args));
    if (!row) return Error::not_found(kind.type, id);
    return id;
  }
  return Error::validation("resourceArn names no resource that takes tags", "resourceArn");
}

}  // namespace

Status check_tags(const Tags& tags, std::string_view field) {
  if (tags.size() > kMaxTagsPerResource)
    return Error::validation(
        "a resource has at most " + std::to_string(kMaxTagsPerResource) + " tags",
        std::string(field));
  for (const auto& [key, value] : tags)
    if (key.size() >= 4 && std::equal(key.begin(), key.begin() + 4,
                                      "aws:", [](char a, char b) { return std::tolower(a) == b; }))
      return Error::validation("tag key '" + key + "' begins with the reserved prefix aws:",
                               std::string(field));
  return {};
}

Status tag_new_resource(catalog::Tx& tx, const std::string& resource_id, const Tags& tags) {
  CR_TRY(check_tags(tags, "tags"));
  return catalog::tags_repo::put(tx, resource_id, tags);
}

Result<Tags> TagService::list(const std::string& caller, const std::string& arn) {
  return ctx_.db.read<Tags>([&](catalog::Tx& tx) -> Result<Tags> {
    CR_ASSIGN(auto id, owned_resource(tx, caller, arn));
    return catalog::tags_repo::of(tx, id);
  });
}

Status TagService::tag(const std::string& caller, const std::string& arn, const Tags& tags) {
  return status_of(ctx_.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto id, owned_resource(tx, caller, arn));
    CR_ASSIGN(auto existing, catalog::tags_repo::of(tx, id));
    // The resource's tags as they would be: the new keys and the count checked at once.
    for (const auto& [key, value] : tags) existing[key] = value;
    CR_TRY(check_tags(existing, "tags"));
    CR_TRY(catalog::tags_repo::put(tx, id, tags));
    return true;
  }));
}

Status TagService::untag(const std::string& caller, const std::string& arn,
                         const std::vector<std::string>& keys) {
  return status_of(ctx_.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto id, owned_resource(tx, caller, arn));
    CR_TRY(catalog::tags_repo::remove(tx, id, keys));
    return true;
  }));
}

}  // namespace cleanroom::core
