#pragma once
// Password guessing is slowed per email: after kFreeFailures failed sign-ins in a row, the email
// must wait before its next try (60 s, doubling with each further failure, at most 15 minutes).
// Unknown emails are counted the same way, so the answer never tells whether a user exists. The
// counts live in the catalog: every node of a deployment sees the same ones, so spreading guesses
// over the nodes (or waiting for a restart) gains nothing. Counts untouched for a day are
// forgotten, so a flood of made-up emails does not grow the catalog for good.
#include <cstdint>
#include <string>

#include "catalog/database.h"

namespace cleanroom::core {

class SignInThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int64_t kFirstWaitSeconds = 60;
  static constexpr int64_t kMaxWaitSeconds = 15 * 60;

  explicit SignInThrottle(catalog::Database& db) : db_(db) {}

  // Seconds the email must still wait before it may try; 0 when it may try now.
  Result<int64_t> wait_seconds(const std::string& email, int64_t now);
  Status failed(const std::string& email, int64_t now);
  Status succeeded(const std::string& email);

 private:
  catalog::Database& db_;
};

}  // namespace cleanroom::core
