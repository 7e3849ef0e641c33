#pragma once
// Rows of collaboration change requests (core/change_requests.h).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct ChangeRequestRecord {
  std::string id;
  std::string collaboration_id;
  std::string status;  // PENDING | APPROVED | CANCELLED | DENIED | COMMITTED
  bool is_auto_approved = false;
  nlohmann::json changes;                        // [{specificationType, specification, types}]
  std::map<std::string, std::string> approvals;  // account id -> PENDING | APPROVED | DENIED
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace change_requests_repo {

Status insert(Tx& tx, const ChangeRequestRecord& r);
Status update(Tx& tx, const ChangeRequestRecord& r);  // status, approvals, updated_at
Result<std::optional<ChangeRequestRecord>> find(Tx& tx, const std::string& collaboration_id,
                                                const std::string& id);
// By id, after `after` (paging); `status` "" means any.
Result<std::vector<ChangeRequestRecord>> list(Tx& tx, const std::string& collaboration_id,
                                              const std::string& status, const std::string& after,
                                              int limit);

}  // namespace change_requests_repo
}  // namespace cleanroom::catalog
