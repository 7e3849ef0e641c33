#pragma once
// The rules for where results may go (clean-rooms-semantics.md, "Protected queries"; DESIGN.md,
// "Privacy controls"), in one place for memberships, protected queries and AMC executions.
#include <string>

#include "catalog/collaborations_repo.h"
#include "common/result_destination.h"

namespace cleanroom::core {

// How errors about a destination name it: the request fields a face read it from, or, for a
// destination the catalog holds (a member's default), words and no field, since no field of the
// request is at fault.
struct DestinationNames {
  std::string whole;  // the configuration as a whole
  std::string bucket;
  std::string key_prefix;
  std::string member;  // the receiving member's account id
  bool are_fields = true;

  // `what` in words: "the default result destination of membership <id>".
  static DestinationNames stored(const std::string& what);
  // The error field for one of the names above: none for names in words.
  std::string field(const std::string& name) const { return are_fields ? name : std::string(); }
};

// A destination `member` gives for its own results (a membership default, or a query's own s3
// override): it must be able to receive results, the bucket must be its own with a well-formed
// key prefix, and must not hold data the member brings into the collaboration.
Status check_own_destination(catalog::Tx& tx, const catalog::MemberRecord& member,
                             const S3Destination& dest, const DestinationNames& names);

// What every destination satisfies when a query starts, the defaults set before buckets had
// owners included: the bucket is the receiver's own and the key prefix well formed.
Status check_receiver_bucket(catalog::Tx& tx, const std::string& receiver,
                             const S3Destination& dest, const DestinationNames& names);

}  // namespace cleanroom::core
