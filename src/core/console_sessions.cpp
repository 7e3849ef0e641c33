#include "core/console_sessions.h"

#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::core {
namespace {
namespace repo = catalog::accounts_repo;
}  // namespace

Result<std::string> ConsoleSessions::create(const catalog::UserRecord& user, Session* out) {
  // 43 characters of 62: about 256 bits, as the bearer tokens.
  std::string token = crypto::random_string(43, crypto::kAlphanumeric);
  const int64_t now = now_epoch_seconds();
  Session s{user, crypto::random_string(43, crypto::kAlphanumeric), now, now};
  s.user.password_hash.clear();  // never needed again, never kept
  CR_TRY(status_of(ctx_.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(repo::prune_sessions(tx, now - options_.idle_seconds, now - options_.lifetime_seconds,
                                options_.max_sessions - 1));
    CR_TRY(repo::insert_session(tx, crypto::sha256_hex(token), s));
    return true;
  })));
  if (out) *out = s;
  return token;
}

Result<std::optional<Session>> ConsoleSessions::find(const std::string& token) {
  if (token.empty()) return std::optional<Session>{};
  const std::string hash = crypto::sha256_hex(token);
  const int64_t now = now_epoch_seconds();
  CR_ASSIGN(auto s, ctx_.db.read<std::optional<Session>>(
                        [&](catalog::Tx& tx) { return repo::find_session(tx, hash); }));
  if (!s) return s;
  if (expired(*s, now)) {
    CR_TRY(remove(token));
    return std::optional<Session>{};
  }
  if (now - s->last_seen >= options_.touch_every_seconds) {
    CR_TRY(status_of(ctx_.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
      CR_TRY(repo::touch_session(tx, hash, now));
      return true;
    })));
    s->last_seen = now;
  }
  return s;
}

Status ConsoleSessions::remove(const std::string& token) {
  return status_of(ctx_.db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_TRY(repo::remove_session(tx, crypto::sha256_hex(token)));
    return true;
  }));
}

bool ConsoleSessions::expired(const Session& s, int64_t now) const {
  return now - s.last_seen > options_.idle_seconds ||
         now - s.created_at > options_.lifetime_seconds;
}

}  // namespace cleanroom::core
