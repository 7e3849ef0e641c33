#include "core/buckets.h"

#include "catalog/accounts_repo.h"
#include "common/clock.h"
#include "core/dataset_files.h"
#include "delivery/object_store.h"

namespace cleanroom::core {
namespace repo = catalog::buckets_repo;
using catalog::BucketRecord;
using catalog::Tx;

Status require_own_bucket(Tx& tx, const std::string& account, const std::string& bucket,
                          const std::string& field) {
  CR_ASSIGN(auto owned, repo::find(tx, bucket));
  if (owned && owned->account_id == account) return {};
  // One message for "another account's" and "no such bucket": the answer must not tell a caller
  // which bucket names exist or whom they belong to.
  return Error::access_denied(field + ": bucket '" + bucket + "' is not a bucket of account " +
                              account +
                              "; an account reads data from and receives results in only "
                              "the buckets it owns (the operator assigns them with `cleanroom "
                              "admin bucket create`)")
      .at(field);
}

Status check_key_prefix(const std::string& prefix, const std::string& field) {
  auto invalid = [&](const std::string& why) {
    return Error::validation(field + ": '" + prefix + "' is not a valid key prefix: " + why, field);
  };
  if (prefix.size() > 512) return invalid("it is longer than 512 bytes");
  for (char c : prefix) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return invalid("it holds a control character");
    if (c == '\\') return invalid("it holds a backslash");
  }
  if (!prefix.empty() && prefix.front() == '/') return invalid("it starts with '/'");
  // Delivery strips trailing slashes before appending "<query id>/result.csv".
  std::string_view body = prefix;
  while (!body.empty() && body.back() == '/') body.remove_suffix(1);
  if (body.empty()) return {};
  if (auto bad = delivery::bad_segment(body))
    return invalid(bad->empty() ? "it has an empty segment ('//')"
                                : "it has a '.' or '..' segment");
  return {};
}

Result<BucketRecord> BucketService::create(const std::string& account, const std::string& bucket) {
  CR_TRY(delivery::check_bucket_name(bucket));
  CR_TRY(require_dataset_store(ctx_));
  auto owner_check = [&](Tx& tx) -> Result<std::optional<BucketRecord>> {
    CR_ASSIGN(auto a, catalog::accounts_repo::find_account(tx, account));
    if (!a) return Error::not_found(Resource::Account, account);
    CR_TRY(refuse_dataset_bucket(tx, bucket, "bucket"));
    CR_ASSIGN(auto owned, repo::find(tx, bucket));
    if (owned && owned->account_id != account)
      return Error::conflict("bucket '" + bucket + "' belongs to account " + owned->account_id +
                                 "; a bucket has one owner",
                             Cause::AlreadyExists, Resource::Bucket, bucket);
    return owned;
  };
  CR_ASSIGN(auto owned, ctx_.db.read<std::optional<BucketRecord>>(owner_check));
  if (owned) return *owned;
  if (!ctx_.buckets) return Error::internal("no object store is configured");
  // A store that cannot create the bucket (no permission, or it exists under credentials that
  // can use but not create it) still serves a bucket that answers a listing.
  if (Status made = ctx_.buckets->create_bucket(bucket); !made.ok()) {
    auto reachable = ctx_.buckets->list(bucket, "cleanroom-ownership-probe/");
    if (!reachable.ok()) return made.error();
  }
  return ctx_.db.write<BucketRecord>([&](Tx& tx) -> Result<BucketRecord> {
    CR_ASSIGN(auto again, owner_check(tx));
    if (again) return *again;
    BucketRecord b{bucket, account, now_epoch_seconds()};
    CR_TRY(repo::insert(tx, b));
    return b;
  });
}

Result<std::vector<BucketRecord>> BucketService::list() {
  return ctx_.db.read<std::vector<BucketRecord>>([](Tx& tx) { return repo::list(tx); });
}

nlohmann::json bucket_json(const BucketRecord& b) {
  return {{"bucket", b.bucket}, {"accountId", b.account_id}, {"createdAt", b.created_at}};
}

}  // namespace cleanroom::core
