#include "core/query_workers.h"

namespace cleanroom::core {

QueryWorkers::QueryWorkers(int workers, Task task)
    : size_(workers < 1 ? 1 : workers), task_(std::move(task)) {}

QueryWorkers::~QueryWorkers() { stop(); }

void QueryWorkers::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (const auto& id : queue_) known_.erase(id);
    queue_.clear();
    for (auto& [id, r] : running_) r.control->stop(engine::RunControl::Stop::Cancelled);
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void QueryWorkers::submit(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (threads_.empty()) {
      for (int i = 0; i < size_; ++i) threads_.emplace_back([this] { work(); });
      threads_.emplace_back([this] { watch(); });
    }
    if (!known_.insert(id).second) return;
    queue_.push_back(id);
  }
  cv_.notify_all();
}

void QueryWorkers::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string id = queue_.front();
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    task_(id);
    lock.lock();
    known_.erase(id);
    --busy_;
    idle_cv_.notify_all();
  }
}

void QueryWorkers::watch() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    for (auto& [id, r] : running_)
      if (now >= r.deadline) r.control->stop(engine::RunControl::Stop::TimedOut);
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

void QueryWorkers::track(const std::string& id, std::shared_ptr<engine::RunControl> control,
                         std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(mu_);
  if (stopping_) control->stop(engine::RunControl::Stop::Cancelled);
  if (std::chrono::steady_clock::now() >= deadline)
    control->stop(engine::RunControl::Stop::TimedOut);
  running_[id] = {std::move(control), deadline};
}

bool QueryWorkers::knows(const std::string& id) const {
  std::lock_guard lock(mu_);
  return known_.count(id) > 0;
}

void QueryWorkers::untrack(const std::string& id) {
  std::lock_guard lock(mu_);
  running_.erase(id);
}

std::shared_ptr<engine::RunControl> QueryWorkers::control(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = running_.find(id);
  return it == running_.end() ? nullptr : it->second.control;
}

bool QueryWorkers::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

size_t QueryWorkers::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t QueryWorkers::running() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(busy_);
}

void QueryWorkers::wait_idle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && busy_ == 0; });
}

}  // namespace cleanroom::core
