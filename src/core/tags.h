#pragma once
// Tags: key-value pairs an account puts on its own Clean Rooms resources, given at creation or
// by TagResource, read by ListTagsForResource. A resource is named by its ARN; only the account
// in the ARN, which owns the resource, reads or changes its tags. Any other caller, like an ARN
// of nothing, gets the not-found answer, so tags never tell who has what.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/database.h"
#include "core/context.h"

namespace cleanroom::core {

using Tags = std::map<std::string, std::string>;

// At most this many tags on one resource (AWS's per-resource tag quota).
inline constexpr size_t kMaxTagsPerResource = 50;

// Tags given with a new resource: keys must not begin with the reserved "aws:".
Status check_tags(const Tags& tags, std::string_view field);
// Inside the transaction that creates the resource: its id is the last segment of its ARN.
Status tag_new_resource(catalog::Tx& tx, const std::string& resource_id, const Tags& tags);

class TagService {
 public:
  explicit TagService(Context& ctx) : ctx_(ctx) {}

  Result<Tags> list(const std::string& caller, const std::string& arn);
  Status tag(const std::string& caller, const std::string& arn, const Tags& tags);
  Status untag(const std::string& caller, const std::string& arn,
               const std::vector<std::string>& keys);

 private:
  Context& ctx_;
};

}  // namespace cleanroom::core
