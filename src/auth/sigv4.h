#pragma once
// Server-side check of AWS Signature Version 4 (header form), so the stock AWS CLI and SDKs
// can talk to the Clean Rooms face. The canonical request is rebuilt the way botocore builds
// it; a request verifies only if the client signed exactly what arrived.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cleanroom::auth {

struct SignedRequest {
  std::string method;  // "GET", "POST", ...
  // The raw request-target as received: path plus optional "?query", still percent-encoded.
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received (any case); may repeat
  std::string body;
};

struct SigV4Identity {
  std::string access_key_id;
};

// Returns the secret for an access key id, or an Error (NotFound/Unauthenticated) when the key
// is unknown. Other error kinds (a failing database, say) pass through verify_sigv4 unchanged.
using SecretLookup = std::function<Result<std::string>(const std::string& access_key_id)>;

struct SigV4Options {
  std::string region = "us-east-1";
  std::string service = "cleanrooms";
  int64_t max_skew_seconds = 15 * 60;  // allowed clock difference, either direction
};

// Verifies the request's Authorization header against its method, target, headers and body.
// Every rejection is ErrorKind::Unauthenticated with its Cause (MissingCredentials,
// IncompleteSignature, InvalidSignature or UnknownAccessKey) and a message that starts with
// the AWS error code, as AWS's own messages do; the face renders the cause as x-amzn-ErrorType.
Result<SigV4Identity> verify_sigv4(const SignedRequest& req, const SecretLookup& lookup,
                                   int64_t now_epoch_seconds, const SigV4Options& opts = {});

}  // namespace cleanroom::auth
