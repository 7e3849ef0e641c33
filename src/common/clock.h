#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cleanroom {

// Seconds since the epoch, UTC. One place so tests and formats agree.
int64_t now_epoch_seconds();
// Milliseconds since the epoch, UTC: durations that users read in milliseconds.
int64_t now_epoch_millis();
// yyyy-MM-ddTHH:mm:ssZ, the AMC API's timestamp format.
std::string format_iso8601(int64_t epoch_seconds);
// Parses yyyyMMddTHHmmssZ (SigV4's X-Amz-Date).
std::optional<int64_t> parse_amz_date(const std::string& s);

}  // namespace cleanroom
