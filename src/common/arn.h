#pragma once
#include <string>

namespace cleanroom {

// The only region served, everywhere a region appears (the reference: "only the us-east-1
// region is supported").
inline constexpr const char* kRegion = "us-east-1";

// arn:aws:cleanrooms:us-east-1:<account>:<resource>, e.g. resource "membership/<id>".
inline std::string cleanrooms_arn(const std::string& account_id, const std::string& resource) {
  return std::string("arn:aws:cleanrooms:") + kRegion + ":" + account_id + ":" + resource;
}

}  // namespace cleanroom
