// TagResource, UntagResource, ListTagsForResource: an account's tags on its own resources
// (core/tags.h).
#include "api/cleanrooms/operations.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

void add_tag_operations(OperationTable& t, core::Services& s) {
  t["TagResource"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.tags.tag(account, in["resourceArn"], in["tags"].get<core::Tags>()));
    return json::object();
  };
  t["UntagResource"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_TRY(s.tags.untag(account, in["resourceArn"], in["tagKeys"].get<std::vector<std::string>>()));
    return json::object();
  };
  t["ListTagsForResource"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto tags, s.tags.list(account, in["resourceArn"]));
    return json{{"tags", tags}};
  };
}

}  // namespace cleanroom::api::cleanrooms
