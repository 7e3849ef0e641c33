#include "catalog/tags_repo.h"

namespace cleanroom::catalog::tags_repo {

Status put(Tx& tx, const std::string& resource_id, const TagMap& tags) {
  for (const auto& [key, value] : tags)
    CR_TRY(
        tx.exec("INSERT INTO resource_tags (resource_id, tag_key, tag_value) VALUES (?,?,?) "
                "ON CONFLICT (resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
                {resource_id, key, value}));
  return {};
}

Status remove(Tx& tx, const std::string& resource_id, const std::vector<std::string>& keys) {
  for (const auto& key : keys)
    CR_TRY(tx.exec("DELETE FROM resource_tags WHERE resource_id = ? AND tag_key = ?",
                   {resource_id, key}));
  return {};
}

Result<TagMap> of(Tx& tx, const std::string& resource_id) {
  CR_ASSIGN(auto rows,
            tx.query("SELECT tag_key, tag_value FROM resource_tags WHERE resource_id = ?",
                     {resource_id}));
  TagMap tags;
  for (const auto& r : rows) tags[r.str("tag_key")] = r.str("tag_value");
  return tags;
}

}  // namespace cleanroom::catalog::tags_repo
