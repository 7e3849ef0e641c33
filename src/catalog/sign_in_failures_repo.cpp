#include "catalog/sign_in_failures_repo.h"

namespace cleanroom::catalog::sign_in_failures_repo {

Result<std::optional<Failures>> find(Tx& tx, const std::string& email_key) {
  CR_ASSIGN(auto row, tx.query_one("SELECT failures, allowed_at, last_failure FROM "
                                   "sign_in_failures WHERE email_key = ?",
                                   {email_key}));
  if (!row) return std::optional<Failures>{};
  return std::optional<Failures>(
      Failures{row->integer("failures"), row->integer("allowed_at"), row->integer("last_failure")});
}

Status put(Tx& tx, const std::string& email_key, const Failures& f) {
  return tx.exec(
      "INSERT INTO sign_in_failures (email_key, failures, allowed_at, last_failure) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (email_key) DO UPDATE SET failures = excluded.failures, "
      "allowed_at = excluded.allowed_at, last_failure = excluded.last_failure",
      {email_key, f.failures, f.allowed_at, f.last_failure});
}

Status remove(Tx& tx, const std::string& email_key) {
  return tx.exec("DELETE FROM sign_in_failures WHERE email_key = ?", {email_key});
}

Status forget_before(Tx& tx, int64_t before) {
  return tx.exec("DELETE FROM sign_in_failures WHERE last_failure < ?", {before});
}

}  // namespace cleanroom::catalog::sign_in_failures_repo
