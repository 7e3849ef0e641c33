#include "core/node_presence.h"

#include <spdlog/spdlog.h>

#include "catalog/nodes_repo.h"
#include "common/clock.h"

namespace cleanroom::core {

NodePresence::NodePresence(Services& services, std::chrono::milliseconds beat,
                           std::chrono::milliseconds silence)
    : services_(services), beat_(beat), silence_(silence) {
  beat_once();
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, beat_, [this] { return stopping_; })) {
      lock.unlock();
      beat_once();
      lock.lock();
    }
  });
}

NodePresence::~NodePresence() { stop(); }

void NodePresence::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NodePresence::beat_once() {
  const int64_t now = now_epoch_millis();
  auto beaten = services_.ctx.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(catalog::nodes_repo::beat(tx, services_.ctx.node_id, now));
    CR_TRY(status_of(catalog::nodes_repo::forget_silent(tx, now - 24 * 3600 * 1000)));
    return true;
  });
  if (!beaten.ok()) {
    // A node that cannot beat may be taken over; it keeps running what it has, and only the
    // holder recorded in the catalog ends a query.
    spdlog::warn("node {}: cannot record its beat: {}", services_.ctx.node_id,
                 beaten.error().message);
    return;
  }
  const int64_t alive_since = now - silence_.count();
  if (Status s = services_.protected_queries.adopt_orphans(alive_since); !s.ok())
    spdlog::warn("node {}: taking over queries of stopped nodes: {}", services_.ctx.node_id,
                 s.error().message);
  // The other jobs' input was in the lost node's memory: they end FAILED, saying to send again.
  for (Status s : {services_.dataset_uploads.fail_lost_uploads(alive_since),
                   services_.amc_data_uploads.fail_lost_uploads(alive_since),
                   services_.amc_user_deletions.fail_lost_requests(alive_since),
                   services_.amc_audiences.fail_lost_runs(alive_since)})
    if (!s.ok())
      spdlog::warn("node {}: ending the jobs of stopped nodes: {}", services_.ctx.node_id,
                   s.error().message);
}

}  // namespace cleanroom::core
