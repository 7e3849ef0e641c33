#pragma once
// Rows of resource tags: the key-value pairs an account puts on its own Clean Rooms resources,
// keyed by the resource's id (ids are UUIDs, unique across kinds). Triggers of migration 22 drop
// a resource's tags when the resource goes.
#include <map>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog::tags_repo {

using TagMap = std::map<std::string, std::string>;

// Adds the tags, replacing the value of a key the resource has already.
Status put(Tx& tx, const std::string& resource_id, const TagMap& tags);
Status remove(Tx& tx, const std::string& resource_id, const std::vector<std::string>& keys);
Result<TagMap> of(Tx& tx, const std::string& resource_id);

}  // namespace cleanroom::catalog::tags_repo
