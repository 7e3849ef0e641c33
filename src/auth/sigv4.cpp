#include "auth/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/uri.h"

namespace cleanroom::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

// SigV4's own rejection codes; each message starts with its code, as AWS's do.
struct Rejection {
  Cause cause;
  std::string_view code;
};
constexpr Rejection kMissingToken{Cause::MissingCredentials, "MissingAuthenticationTokenException"};
constexpr Rejection kIncomplete{Cause::IncompleteSignature, "IncompleteSignatureException"};
constexpr Rejection kInvalid{Cause::InvalidSignature, "InvalidSignatureException"};
constexpr Rejection kUnrecognized{Cause::UnknownAccessKey, "UnrecognizedClientException"};

Error sigv4_error(Rejection r, std::string_view detail) {
  return Error::unauthenticated(std::string(r.code) + ": " + std::string(detail), r.cause);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// botocore trims and folds runs of whitespace with Python's str.split(), whose ASCII
// whitespace set includes the file/group/record/unit separators.
std::string fold_whitespace(std::string_view value) {
  constexpr std::string_view kSpace = " \t\n\r\v\f\x1c\x1d\x1e\x1f";
  std::string out;
  for (size_t pos = value.find_first_not_of(kSpace); pos != std::string_view::npos;) {
    const size_t end = value.find_first_of(kSpace, pos);
    if (!out.empty()) out += ' ';
    out += value.substr(pos, end - pos);
    pos = value.find_first_not_of(kSpace, end);
  }
  return out;
}

// Header name (lowercase) -> canonical value: each occurrence folded, joined with ','.
// Joining also means a repeated Authorization or X-Amz-Date header fails to parse.
using HeaderMap = std::map<std::string, std::string>;

HeaderMap fold_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  HeaderMap map;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = map.try_emplace(lower(name));
    if (!inserted) it->second += ',';
    it->second += fold_whitespace(value);
  }
  return map;
}

std::optional<std::string> header(const HeaderMap& headers, const std::string& name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

// botocore's remove_dot_segments: resolves "." and "..", and drops empty segments.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  for (std::string_view segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else {
      kept.push_back(segment);
    }
  }
  std::string out = path.starts_with('/') ? "/" : "";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (path.ends_with('/') && !kept.empty()) out += '/';
  return out;
}

// For every service but S3, botocore encodes the already-encoded path once more, so
// "/memberships/arn%3Aaws..." is signed as "/memberships/arn%253Aaws...".
std::string canonical_path(std::string_view path) {
  if (path.empty()) return "/";
  return uri_encode(remove_dot_segments(path), /*keep_slash=*/true);
}

// Pairs sorted by encoded key, then encoded value. Decoding before re-encoding makes the
// result independent of how the client chose to escape; botocore's own escaping round-trips.
std::string canonical_query(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::string_view pair : split(query, '&')) {
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    pairs.emplace_back(uri_encode(uri_decode(key, true), false),
                       uri_encode(uri_decode(value, true), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

struct Authorization {
  std::string access_key_id;
  std::string date;  // yyyyMMdd
  std::string region;
  std::string service;
  std::string signed_headers;  // as sent: "host;x-amz-date"
  std::vector<std::string> signed_header_names;
  std::string signature;
};

// "AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1/cleanrooms/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=<64 hex>"
Result<Authorization> parse_authorization(std::string_view value) {
  const size_t space = value.find(' ');
  const std::string_view algorithm = value.substr(0, space);
  if (algorithm != kAlgorithm) {
    return sigv4_error(kIncomplete, "Unsupported Authorization algorithm '" +
                                        std::string(algorithm) +
                                        "'; cleanroom accepts AWS4-HMAC-SHA256 only.");
  }
  std::map<std::string_view, std::string_view> params;
  if (space != std::string_view::npos) {
    for (std::string_view part : split(value.substr(space + 1), ',')) {
      part = trim(part);
      const size_t eq = part.find('=');
      if (eq == std::string_view::npos ||
          !params.emplace(part.substr(0, eq), part.substr(eq + 1)).second) {
        return sigv4_error(kIncomplete, "Authorization header is malformed near '" +
                                            std::string(part) +
                                            "'; expected Credential=, SignedHeaders= and "
                                            "Signature= separated by commas.");
      }
    }
  }
  for (const char* required : {"Credential", "SignedHeaders", "Signature"}) {
    if (!params.contains(required)) {
      return sigv4_error(
          kIncomplete, std::string("Authorization header requires '") + required + "' parameter.");
    }
  }
  if (params.size() != 3) {
    return sigv4_error(kIncomplete,
                       "Authorization header must carry only Credential, SignedHeaders and "
                       "Signature.");
  }

  const std::string_view credential = params["Credential"];
  const std::vector<std::string_view> scope = split(credential, '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 || scope[4] != kTerminator) {
    return sigv4_error(kIncomplete, "Credential '" + std::string(credential) +
                                        "' must have the form <access key id>/<yyyyMMdd>/"
                                        "<region>/<service>/aws4_request.");
  }
  const std::string_view signed_headers = params["SignedHeaders"];
  std::vector<std::string> names;
  for (std::string_view name : split(signed_headers, ';')) {
    if (name.empty()) {
      return sigv4_error(kIncomplete, "SignedHeaders '" + std::string(signed_headers) +
                                          "' contains an empty header name.");
    }
    names.emplace_back(name);
  }
  return Authorization{.access_key_id = std::string(scope[0]),
                       .date = std::string(scope[1]),
                       .region = std::string(scope[2]),
                       .service = std::string(scope[3]),
                       .signed_headers = std::string(signed_headers),
                       .signed_header_names = std::move(names),
                       .signature = std::string(params["Signature"])};
}

// The signature must cover host (so it cannot be replayed at another endpoint) and the date
// the skew check trusts; every header it names must be present to be canonicalized.
Status check_signed_headers(const Authorization& auth, const HeaderMap& headers) {
  const auto& names = auth.signed_header_names;
  for (const char* required : {"host", "x-amz-date"}) {
    if (std::find(names.begin(), names.end(), required) == names.end()) {
      return sigv4_error(kIncomplete, std::string("SignedHeaders must include '") + required +
                                          "', not just '" + auth.signed_headers + "'.");
    }
  }
  for (const std::string& name : names) {
    if (!headers.contains(name)) {
      return sigv4_error(kIncomplete, "Signed header '" + name + "' is missing from the request.");
    }
  }
  return Status::Ok();
}

Status check_scope(const Authorization& auth, const std::string& amz_date,
                   const SigV4Options& opts) {
  const std::string day = amz_date.substr(0, 8);
  if (auth.date != day) {
    return sigv4_error(kInvalid,
                       "Date in Credential scope does not match YYYYMMDD from X-Amz-Date: '" +
                           auth.date + "' != '" + day + "', from '" + amz_date + "'.");
  }
  if (auth.region != opts.region) {
    return sigv4_error(kInvalid, "Credential should be scoped to a valid region, not '" +
                                     auth.region + "'. cleanroom serves " + opts.region + " only.");
  }
  if (auth.service != opts.service) {
    return sigv4_error(kIncomplete, "Credential should be scoped to correct service: '" +
                                        opts.service + "', not '" + auth.service + "'.");
  }
  return Status::Ok();
}

std::string format_amz_date(int64_t epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Wording follows AWS's own skew errors, so existing troubleshooting advice applies.
Status check_skew(const std::string& amz_date, int64_t signed_at, int64_t now, int64_t max_skew) {
  const std::string minutes = std::to_string(max_skew / 60) + " min.)";
  if (now - signed_at > max_skew) {
    return sigv4_error(kInvalid, "Signature expired: " + amz_date + " is now earlier than " +
                                     format_amz_date(now - max_skew) + " (" + format_amz_date(now) +
                                     " - " + minutes);
  }
  if (signed_at - now > max_skew) {
    return sigv4_error(kInvalid, "Signature not yet current: " + amz_date +
                                     " is still later than " + format_amz_date(now + max_skew) +
                                     " (" + format_amz_date(now) + " + " + minutes);
  }
  return Status::Ok();
}

std::string canonical_request(const SignedRequest& req, const HeaderMap& headers,
                              const Authorization& auth, const std::string& payload_hash) {
  const std::string_view target = req.target;
  const size_t question = target.find('?');
  std::string out;
  for (unsigned char c : req.method) out += static_cast<char>(std::toupper(c));  // as botocore
  out += '\n';
  out += canonical_path(target.substr(0, question));
  out += '\n';
  if (question != std::string_view::npos) out += canonical_query(target.substr(question + 1));
  out += '\n';
  for (const std::string& name : auth.signed_header_names) {
    out += name + ":" + headers.at(name) + "\n";
  }
  out += '\n';
  out += auth.signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string signature(const std::string& secret, const Authorization& auth,
                      const std::string& amz_date, const std::string& canonical) {
  const std::string scope =
      auth.date + "/" + auth.region + "/" + auth.service + "/" + std::string(kTerminator);
  const std::string string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope +
                                     "\n" + crypto::sha256_hex(canonical);
  std::string key = crypto::hmac_sha256("AWS4" + secret, auth.date);
  key = crypto::hmac_sha256(key, auth.region);
  key = crypto::hmac_sha256(key, auth.service);
  key = crypto::hmac_sha256(key, kTerminator);
  return crypto::hex(crypto::hmac_sha256(key, string_to_sign));
}

}  // namespace

Result<SigV4Identity> verify_sigv4(const SignedRequest& req, const SecretLookup& lookup,
                                   int64_t now_epoch_seconds, const SigV4Options& opts) {
  const HeaderMap headers = fold_headers(req.headers);
  const std::optional<std::string> authorization = header(headers, "authorization");
  if (!authorization) return sigv4_error(kMissingToken, "Missing Authentication Token");
  CR_ASSIGN(const Authorization auth, parse_authorization(*authorization));

  const std::optional<std::string> amz_date = header(headers, "x-amz-date");
  const std::optional<int64_t> signed_at = amz_date ? parse_amz_date(*amz_date) : std::nullopt;
  if (!signed_at) {
    return sigv4_error(kIncomplete,
                       "The request needs an X-Amz-Date header in the form yyyyMMddTHHmmssZ.");
  }
  CR_TRY(check_signed_headers(auth, headers));
  CR_TRY(check_scope(auth, *amz_date, opts));
  CR_TRY(check_skew(*amz_date, *signed_at, now_epoch_seconds, opts.max_skew_seconds));

  // botocore signs x-amz-content-sha256 in place of hashing the body when the header is
  // present, so a header that disagrees with the body would let the body be swapped.
  const std::string payload_hash = crypto::sha256_hex(req.body);
  if (const auto claimed = header(headers, "x-amz-content-sha256");
      claimed && *claimed != payload_hash) {
    return sigv4_error(kInvalid,
                       "The x-amz-content-sha256 header must be the SHA-256 of the request "
                       "body (cleanroom does not accept unsigned payloads); the body was altered "
                       "in transit or the header is wrong.");
  }

  Result<std::string> secret = lookup(auth.access_key_id);
  if (!secret.ok()) {
    const ErrorKind kind = secret.error().kind;
    if (kind != ErrorKind::NotFound && kind != ErrorKind::Unauthenticated) return secret.error();
    return sigv4_error(kUnrecognized, "The security token included in the request is invalid.");
  }
  const std::string expected =
      signature(*secret, auth, *amz_date, canonical_request(req, headers, auth, payload_hash));
  if (!crypto::equal_ct(expected, auth.signature)) {
    return sigv4_error(kInvalid,
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method.");
  }
  return SigV4Identity{auth.access_key_id};
}

}  // namespace cleanroom::auth
