#include "core/sign_in_throttle.h"

#include <algorithm>
#include <cctype>

namespace cleanroom::core {
namespace {

std::string key_of(const std::string& email) {
  std::string k = email;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

constexpr size_t kMaxEntries = 100000;
constexpr int64_t kForgetAfterSeconds = 24 * 60 * 60;

}  // namespace

int64_t SignInThrottle::wait_seconds(const std::string& email, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key_of(email));
  if (it == entries_.end()) return 0;
  return std::max<int64_t>(0, it->second.allowed_at - now);
}

void SignInThrottle::failed(const std::string& email, int64_t now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries)  // a flood of made-up emails must not grow memory forever
    std::erase_if(entries_,
                  [&](const auto& e) { return now - e.second.last_failure > kForgetAfterSeconds; });
  Entry& e = entries_[key_of(email)];
  e.failures++;
  e.last_failure = now;
  if (e.failures < kFreeFailures) return;
  int64_t wait = kFirstWaitSeconds;
  for (int i = kFreeFailures; i < e.failures && wait < kMaxWaitSeconds; ++i) wait *= 2;
  e.allowed_at = now + std::min(wait, kMaxWaitSeconds);
}

void SignInThrottle::succeeded(const std::string& email) {
  std::lock_guard lock(mu_);
  entries_.erase(key_of(email));
}

}  // namespace cleanroom::core
