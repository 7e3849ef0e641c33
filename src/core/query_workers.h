#pragma once
// The bounded pool protected queries run on: a queue of query ids, a fixed number of worker
// threads (started with the first query, so CLI commands that open the core start none), and a
// watchdog that stops a running query when its time is up.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/protected_run.h"

namespace cleanroom::core {

class QueryWorkers {
 public:
  using Task = std::function<void(const std::string& id)>;
  QueryWorkers(int workers, Task task);
  ~QueryWorkers();  // stop()

  // Running queries are stopped, queued ones dropped, and the threads joined: when it returns, no
  // task runs. Idempotent.
  void stop();

  // Queues the query unless it waits or runs here already (a node's beat may find it again).
  void submit(const std::string& id);
  // A running query's control, tracked with the time it must end by; null when not running.
  void track(const std::string& id, std::shared_ptr<engine::RunControl> control,
             std::chrono::steady_clock::time_point deadline);
  void untrack(const std::string& id);
  std::shared_ptr<engine::RunControl> control(const std::string& id);
  // Whether the query waits here or runs here.
  bool knows(const std::string& id) const;
  bool stopping() const;
  void wait_idle();
  // Queries waiting for a worker, and queries a worker is running (for the metrics).
  size_t queued() const;
  size_t running() const;

 private:
  void work();
  void watch();
  const int size_;
  const Task task_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // work queued, or stopping
  std::condition_variable idle_cv_;  // a task ended
  std::deque<std::string> queue_;
  std::set<std::string> known_;  // queued or running here
  int busy_ = 0;
  bool stopping_ = false;
  struct Running {
    std::shared_ptr<engine::RunControl> control;
    std::chrono::steady_clock::time_point deadline;
  };
  std::map<std::string, Running> running_;
  std::vector<std::thread> threads_;  // workers, then the watchdog
};

}  // namespace cleanroom::core
