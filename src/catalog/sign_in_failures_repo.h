#pragma once
// Failed console sign-ins per email (core/sign_in_throttle.h).
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/database.h"

namespace cleanroom::catalog::sign_in_failures_repo {

struct Failures {
  int64_t failures = 0;
  int64_t allowed_at = 0;  // epoch seconds before which the email may not try
  int64_t last_failure = 0;
};

Result<std::optional<Failures>> find(Tx& tx, const std::string& email_key);
Status put(Tx& tx, const std::string& email_key, const Failures& f);
Status remove(Tx& tx, const std::string& email_key);
// Forgets emails whose last failure is older than `before`.
Status forget_before(Tx& tx, int64_t before);

}  // namespace cleanroom::catalog::sign_in_failures_repo
