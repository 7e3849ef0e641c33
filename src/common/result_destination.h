#pragma once
// Where a query's result goes, in the core's own words. Each face maps its wire shape to it
// (api/cleanrooms/destination_json.cpp; an AMC instance always delivers to its own member), and
// the catalog stores it.
#include <optional>
#include <string>

#include "common/states.h"

namespace cleanroom {

// A bucket of the member that receives the result.
struct S3Destination {
  std::string bucket;
  std::string key_prefix;  // "" for none
  ResultFormat format = ResultFormat::Csv;
  // Kept as the member gave them and shown back; the result is written the same either way (one
  // file, with the server's own credentials).
  std::optional<bool> single_file_output;
  std::string role_arn;  // a membership default's roleArn, or ""
};

// A query's destination: a bucket of the caller's, or the default destination of a member.
struct ResultDestination {
  std::optional<S3Destination> s3;
  std::string member_account_id;  // when s3 is empty
};

}  // namespace cleanroom
