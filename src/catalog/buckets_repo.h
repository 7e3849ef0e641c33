#pragma once
// Rows of bucket ownership: which account a bucket of the object store belongs to.
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct BucketRecord {
  std::string bucket;
  std::string account_id;  // the owner
  int64_t created_at = 0;
};

namespace buckets_repo {

Status insert(Tx& tx, const BucketRecord& b);
Result<std::optional<BucketRecord>> find(Tx& tx, const std::string& bucket);
// Every owned bucket, by name.
Result<std::vector<BucketRecord>> list(Tx& tx);

}  // namespace buckets_repo
}  // namespace cleanroom::catalog
