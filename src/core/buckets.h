#pragma once
// Buckets have owners (DESIGN.md "Privacy controls"): an account reads data from, and has results
// delivered to, only the buckets it owns, in the local bucket folder and on an S3 endpoint alike.
// The server reaches every bucket with its own credentials, so ownership is the only thing that
// keeps one party from ingesting another's raw files or writing into another's bucket.
//
// A bucket comes to belong to an account only through the operator (`cleanroom admin bucket
// create --account`). A bucket that exists in the store with no owner recorded (a folder made by
// hand under DATA_DIR/buckets, a bucket made outside cleanroom) is usable by nobody until the
// operator assigns it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/buckets_repo.h"
#include "core/context.h"

namespace cleanroom::core {

// The rule, in one place: `account` owns `bucket`. Otherwise AccessDenied naming `field` (the
// request field that gave the bucket), with the same message whether the bucket belongs to
// another account or does not exist, so the answer reveals neither.
Status require_own_bucket(catalog::Tx& tx, const std::string& account, const std::string& bucket,
                          const std::string& field);

// A result destination's keyPrefix, checked when the destination is given (membership create and
// update, StartProtectedQuery) rather than when a result is delivered: '/'-separated segments,
// none of them "." or "..", no leading '/', no backslash, no control character (NUL included).
// "" and one trailing '/' are fine. Validation naming `field`.
Status check_key_prefix(const std::string& prefix, const std::string& field);

class BucketService {
 public:
  explicit BucketService(Context& ctx) : ctx_(ctx) {}

  // Makes `bucket` the account's: creates it in the store (a folder under DATA_DIR/buckets, or a
  // bucket on the S3 endpoint; one that exists already is taken as it is) and records the owner.
  // Giving a bucket to its owner again is no error; a bucket owned by another account is a
  // Conflict (ownership never moves silently).
  Result<catalog::BucketRecord> create(const std::string& account, const std::string& bucket);
  // Every owned bucket, by name.
  Result<std::vector<catalog::BucketRecord>> list();

 private:
  Context& ctx_;
};

nlohmann::json bucket_json(const catalog::BucketRecord& b);

}  // namespace cleanroom::core
