#include "core/result_destinations.h"

#include "common/contains.h"
#include "core/buckets.h"

namespace cleanroom::core {
namespace repo = catalog::collaborations_repo;
using catalog::Tx;

namespace {

// A stored destination's errors say what is wrong in words, and name no request field.
Status named(Status s, const DestinationNames& names) {
  if (s.ok() || names.are_fields) return s;
  Error e = s.error();
  e.field.clear();
  return e;
}

}  // namespace

DestinationNames DestinationNames::stored(const std::string& what) {
  return {what, what, what, what, false};
}

// The reference: "Ensure that the S3 bucket for receiving the query results is a different
// location from the S3 bucket that contains the data that you bring into the collaboration."
Status check_own_destination(Tx& tx, const catalog::MemberRecord& member, const S3Destination& dest,
                             const DestinationNames& names) {
  if (!contains(member.abilities, MemberAbility::CanReceiveResults))
    return Error::validation("account " + member.account_id +
                                 " cannot receive results in this collaboration, so it takes no " +
                                 names.whole,
                             names.field(names.whole));
  if (dest.bucket.empty())
    return Error::validation(names.bucket + " is required", names.field(names.bucket));
  // Ownership first: an account learns nothing about a bucket that is not its own.
  CR_TRY(check_receiver_bucket(tx, member.account_id, dest, names));
  CR_ASSIGN(auto data_buckets, repo::data_buckets(tx, member.collaboration_id, member.account_id));
  if (contains(data_buckets, dest.bucket))
    return Error::validation("the results bucket '" + dest.bucket +
                                 "' holds data this member brings into the collaboration; results "
                                 "must go to a different bucket",
                             names.field(names.bucket));
  return {};
}

Status check_receiver_bucket(Tx& tx, const std::string& receiver, const S3Destination& dest,
                             const DestinationNames& names) {
  CR_TRY(named(check_key_prefix(dest.key_prefix, names.key_prefix), names));
  return named(require_own_bucket(tx, receiver, dest.bucket, names.bucket), names);
}

}  // namespace cleanroom::core
