#include "core/sign_in_throttle.h"

#include <algorithm>
#include <cctype>

#include "catalog/sign_in_failures_repo.h"

namespace cleanroom::core {
namespace {
namespace repo = catalog::sign_in_failures_repo;

std::string key_of(const std::string& email) {
  std::string k = email;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

constexpr int64_t kForgetAfterSeconds = 24 * 60 * 60;

}  // namespace

Result<int64_t> SignInThrottle::wait_seconds(const std::string& email, int64_t now) {
  CR_ASSIGN(auto f, db_.read<std::optional<repo::Failures>>(
                        [&](catalog::Tx& tx) { return repo::find(tx, key_of(email)); }));
  if (!f) return int64_t{0};
  return std::max<int64_t>(0, f->allowed_at - now);
}

Status SignInThrottle::failed(const std::string& email, int64_t now) {
  return status_of(db_.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(repo::forget_before(tx, now - kForgetAfterSeconds));
    CR_ASSIGN(auto found, repo::find(tx, key_of(email)));
    repo::Failures f = found.value_or(repo::Failures{});
    f.failures++;
    f.last_failure = now;
    if (f.failures >= kFreeFailures) {
      int64_t wait = kFirstWaitSeconds;
      for (int64_t i = kFreeFailures; i < f.failures && wait < kMaxWaitSeconds; ++i) wait *= 2;
      f.allowed_at = now + std::min(wait, kMaxWaitSeconds);
    }
    CR_TRY(repo::put(tx, key_of(email), f));
    return true;
  }));
}

Status SignInThrottle::succeeded(const std::string& email) {
  return status_of(db_.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(repo::remove(tx, key_of(email)));
    return true;
  }));
}

}  // namespace cleanroom::core
