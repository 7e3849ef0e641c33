#pragma once
// Password guessing is slowed per email: after kFreeFailures failed sign-ins in a row, the email
// must wait before its next try (60 s, doubling with each further failure, at most 15 minutes).
// Unknown emails are counted the same way, so the answer never tells whether a user exists. In
// memory: a restart forgets the counts, which only gives a guesser a few more tries.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace cleanroom::core {

class SignInThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int64_t kFirstWaitSeconds = 60;
  static constexpr int64_t kMaxWaitSeconds = 15 * 60;

  // Seconds the email must still wait before it may try; 0 when it may try now.
  int64_t wait_seconds(const std::string& email, int64_t now);
  void failed(const std::string& email, int64_t now);
  void succeeded(const std::string& email);

 private:
  struct Entry {
    int failures = 0;
    int64_t allowed_at = 0;
    int64_t last_failure = 0;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by lower-cased email
};

}  // namespace cleanroom::core
