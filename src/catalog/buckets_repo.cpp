#include "catalog/buckets_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::buckets_repo {
namespace {

BucketRecord bucket_from(const Row& r) {
  return {r.str("bucket"), r.str("account_id"), r.integer("created_at")};
}

}  // namespace

Status insert(Tx& tx, const BucketRecord& b) {
  return tx.exec("INSERT INTO buckets (bucket, account_id, created_at) VALUES (?,?,?)",
                 {b.bucket, b.account_id, b.created_at});
}

Result<std::optional<BucketRecord>> find(Tx& tx, const std::string& bucket) {
  return fetch_one<BucketRecord>(tx, "SELECT * FROM buckets WHERE bucket = ?", {bucket},
                                 bucket_from);
}

Result<std::vector<BucketRecord>> list(Tx& tx) {
  return fetch_all<BucketRecord>(tx, "SELECT * FROM buckets ORDER BY bucket", {}, bucket_from);
}

}  // namespace cleanroom::catalog::buckets_repo
