#include "core/instance_lifecycle.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "catalog/instance_removal_repo.h"
#include "catalog/instances_repo.h"
#include "common/clock.h"
#include "core/dataset_files.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace rrepo = catalog::instance_removal_repo;
using catalog::Tx;

namespace {

// How long a delete waits for cancelled executions to stop before answering Conflict: a running
// query stops at its next progress report, well within this.
constexpr auto kStopWait = std::chrono::seconds(20);

// What stops a delete before anything is touched, in the transaction that removes (so that an
// upload or execution started meanwhile is seen).
Status removal_blockers(Tx& tx, const catalog::InstanceRecord& inst) {
  CR_ASSIGN(int64_t uploads, rrepo::unfinished_uploads(tx, inst.instance_id));
  if (uploads > 0)
    return Error::conflict("instance " + inst.instance_id +
                               " has uploads, user deletion requests or audience runs queued or "
                               "running; wait for them to end, then delete it",
                           Cause::InUse, Resource::Instance, inst.instance_id);
  CR_ASSIGN(auto tables, rrepo::configured_tables_over(tx, inst.aws_account_id, inst.instance_id));
  if (!tables.empty())
    return Error::conflict("configured table " + tables[0].str("configured_table_id") +
                               " reads data set " + tables[0].str("table_name") + " of instance " +
                               inst.instance_id + "; delete that first",
                           Cause::InUse, Resource::Instance, inst.instance_id);
  return {};
}

}  // namespace

Result<InstanceView> InstanceLifecycleService::update(const AmcCaller& caller,
                                                      const std::string& instance_id,
                                                      const UpdateInstanceRequest& req) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  CR_TRY(require_amc_admin(caller, "update instances"));
  if (!req.instance_name) return Error::validation("give instanceName to update", "instanceName");
  CR_TRY(check_instance_name(*req.instance_name));
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(catalog::instances_repo::set_name(tx, view.instance.instance_id, *req.instance_name,
                                             now_epoch_seconds()));
    return true;
  })));
  return instances_.get(caller, instance_id);
}

Status InstanceLifecycleService::remove(const AmcCaller& caller, const std::string& instance_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  CR_TRY(require_amc_admin(caller, "delete instances"));
  const catalog::InstanceRecord inst = view.instance;
  // Refuse early what would be refused at the end, before any execution is cancelled.
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(removal_blockers(tx, inst));
    return true;
  })));

  // Executions (and any query of the collaboration) still queued or running are cancelled by
  // whoever started them, and waited for: a query that ended after its rows were removed would
  // write them back.
  auto deadline = std::chrono::steady_clock::now() + kStopWait;
  for (bool cancelled = false;;) {
    CR_ASSIGN(auto unfinished, ctx_.db.read<std::vector<catalog::Row>>([&](Tx& tx) {
      return rrepo::unfinished_queries(tx, inst.collaboration_id);
    }));
    if (unfinished.empty()) break;
    if (!cancelled) {
      for (const auto& q : unfinished) {
        auto c = queries_.cancel(q.str("account_id"), q.str("membership_id"),
                                 q.str("protected_query_id"));
        if (!c.ok() && c.error().kind != ErrorKind::Conflict)
          spdlog::warn("deleting instance {}: cannot cancel query {}: {}", inst.instance_id,
                       q.str("protected_query_id"), c.error().message);
      }
      cancelled = true;
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Error::conflict("instance " + inst.instance_id +
                                 " still has executions stopping; delete it again in a moment",
                             Cause::InvalidState, Resource::Instance, inst.instance_id);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(removal_blockers(tx, inst));
    CR_ASSIGN(auto unfinished, rrepo::unfinished_queries(tx, inst.collaboration_id));
    if (!unfinished.empty())
      return Error::conflict("instance " + inst.instance_id +
                                 " has an execution that started meanwhile; delete it again",
                             Cause::InvalidState, Resource::Instance, inst.instance_id);
    CR_TRY(rrepo::remove_instance(tx, inst.instance_id, inst.collaboration_id, inst.aws_account_id,
                                  now_epoch_seconds()));
    return true;
  })));

  // The files go after the rows that pointed at them: every version of every data set (and of
  // any other dataset the account kept in the instance's database), and the people sets the
  // difference checks kept for the collaboration. A crash in between leaves unreferenced files.
  if (Status s = remove_files(ctx_, "datasets/" + inst.aws_account_id + "/" + inst.instance_id);
      !s.ok())
    spdlog::error("deleting instance {}: cannot remove its data: {}", inst.instance_id,
                  s.error().message);
  for (const auto& history : {inst.collaboration_id, "audiences-" + inst.instance_id})
    if (Status s = remove_files(ctx_, "difference-checks/" + history + ".sets"); !s.ok())
      spdlog::error("deleting instance {}: cannot remove a difference-check history: {}",
                    inst.instance_id, s.error().message);
  spdlog::info("instance {} deleted with collaboration {}", inst.instance_id,
               inst.collaboration_id);
  return {};
}

}  // namespace cleanroom::core
