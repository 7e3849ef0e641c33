#pragma once
// Several `serve` nodes over one catalog (docs/deployment.md). Each beats in the catalog's nodes
// table every `beat`; that beat is the lease on everything the node holds. On each beat the node
// also takes over the protected queries of nodes silent for `silence` (a node killed, or cut off)
// and runs them itself (ProtectedQueryService::adopt_orphans), so a query is never lost with its
// node; a node that stops cleanly releases its queries at once. The other jobs of such nodes
// (uploads, AMC user deletion requests and audience runs) had their input in that node's memory:
// they end FAILED with the reason, to be sent again. On one node it costs a write every beat, and
// a restart after a crash runs the queries the crash interrupted and fails the other jobs.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/core.h"

namespace cleanroom::core {

class NodePresence {
 public:
  // Beats once before it returns (so the node counts as alive at once), then on its own thread.
  NodePresence(Services& services, std::chrono::milliseconds beat = std::chrono::seconds(2),
               std::chrono::milliseconds silence = std::chrono::seconds(10));
  ~NodePresence();  // stop()
  // Stops beating; the node's row is removed by the query service when it releases its queries.
  void stop();
  // One beat: records this node alive, forgets nodes silent for a day, takes over orphans.
  void beat_once();

 private:
  Services& services_;
  const std::chrono::milliseconds beat_, silence_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cleanroom::core
