#pragma once
// The rest of an AMC instance's life after create/get/list: renaming it, and deleting it with
// everything it holds (docs/amc-api.md, "Updating and deleting an instance").
#include <optional>
#include <string>

#include "core/accounts.h"
#include "core/context.h"
#include "core/instances.h"
#include "core/protected_queries.h"

namespace cleanroom::core {

struct UpdateInstanceRequest {
  std::optional<std::string> instance_name;
};

class InstanceLifecycleService {
 public:
  InstanceLifecycleService(Context& ctx, ProtectedQueryService& queries)
      : ctx_(ctx), instances_(ctx), queries_(queries) {}

  // ADMIN of the instance's AMC account only; the name follows create's rule.
  Result<InstanceView> update(const AmcCaller& caller, const std::string& instance_id,
                              const UpdateInstanceRequest& req);

  // ADMIN only. Cancels the executions still queued or running and waits for them to stop;
  // refused (Conflict) while an upload or a user deletion request of the instance is under way,
  // or while a configured table reads one of its data sets. Then, in one transaction, the
  // instance, its workflows, schedules, executions, data sets and uploads, the protected queries
  // of its collaboration, the collaboration's associations and budgets go, and the collaboration
  // is deleted; after it, the files of its data (every version) and of its difference checks.
  Status remove(const AmcCaller& caller, const std::string& instance_id);

 private:
  Context& ctx_;
  InstanceService instances_;
  ProtectedQueryService& queries_;
};

}  // namespace cleanroom::core
