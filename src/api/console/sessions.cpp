#include "api/console/sessions.h"

#include <algorithm>

#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::api::console {
namespace {

constexpr const char* kTokenAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

std::string SessionStore::create(const catalog::UserRecord& user, Session* out) {
  // 43 characters of 62: about 256 bits, as the bearer tokens.
  std::string token = crypto::random_string(43, kTokenAlphabet);
  int64_t now = now_epoch_seconds();
  Session s{user, crypto::random_string(43, kTokenAlphabet), now, now};
  s.user.password_hash.clear();  // never needed again, never kept
  std::lock_guard<std::mutex> lock(mu_);
  prune(now);
  by_hash_[crypto::sha256_hex(token)] = s;
  if (out) *out = s;
  return token;
}

std::optional<Session> SessionStore::find(const std::string& token) {
  if (token.empty()) return std::nullopt;
  int64_t now = now_epoch_seconds();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(crypto::sha256_hex(token));
  if (it == by_hash_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionStore::remove(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  by_hash_.erase(crypto::sha256_hex(token));
}

bool SessionStore::expired(const Session& s, int64_t now) const {
  return now - s.last_seen > options_.idle_seconds ||
         now - s.created_at > options_.lifetime_seconds;
}

void SessionStore::prune(int64_t now) {
  std::erase_if(by_hash_, [&](const auto& kv) { return expired(kv.second, now); });
  while (by_hash_.size() >= options_.max_sessions) {
    auto oldest = std::min_element(
        by_hash_.begin(), by_hash_.end(),
        [](const auto& a, const auto& b) { return a.second.created_at < b.second.created_at; });
    by_hash_.erase(oldest);
  }
}

}  // namespace cleanroom::api::console
