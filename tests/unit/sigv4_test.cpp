#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"

namespace cleanroom::auth {
namespace {

// A request signed by stock botocore (see fixtures/make_sigv4_fixtures.py).
struct Fixture {
  std::string name;
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string access_key_id;
  std::string secret;
  int64_t signed_at;
};

// Names the fixture in gtest's output instead of dumping its bytes.
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.name; }

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = {
#include "fixtures/sigv4_fixtures.inc"
  };
  return all;
}

const Fixture& fixture(std::string_view name) {
  for (const Fixture& f : fixtures()) {
    if (f.name == name) return f;
  }
  throw std::out_of_range("no fixture " + std::string(name));
}

SignedRequest request_of(const Fixture& f) { return {f.method, f.target, f.headers, f.body}; }

SecretLookup lookup_of(const Fixture& f) {
  return [&f](const std::string& id) -> Result<std::string> {
    if (id == f.access_key_id) return f.secret;
    return Error::unauthenticated("unknown access key");
  };
}

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string& header(SignedRequest& req, std::string_view name) {
  for (auto& [n, v] : req.headers) {
    if (same_name(n, name)) return v;
  }
  throw std::out_of_range("no header " + std::string(name));
}

void remove_header(SignedRequest& req, std::string_view name) {
  std::erase_if(req.headers, [&](const auto& h) { return same_name(h.first, name); });
}

void replace(std::string& s, std::string_view from, std::string_view to) {
  const size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << s;
  s.replace(at, from.size(), to);
}

Result<SigV4Identity> verify(const SignedRequest& req, const Fixture& f, int64_t skew = 0) {
  return verify_sigv4(req, lookup_of(f), f.signed_at + skew);
}

Cause cause_of(std::string_view code) {
  if (code == "MissingAuthenticationTokenException") return Cause::MissingCredentials;
  if (code == "IncompleteSignatureException") return Cause::IncompleteSignature;
  if (code == "InvalidSignatureException") return Cause::InvalidSignature;
  if (code == "UnrecognizedClientException") return Cause::UnknownAccessKey;
  return Cause::Unspecified;
}

// Every rejection is Unauthenticated, with its cause, and the AWS code leading the message.
void expect_rejected(const Result<SigV4Identity>& result, std::string_view code,
                     std::string_view detail = "") {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Unauthenticated);
  EXPECT_EQ(result.error().cause, cause_of(code)) << code;
  EXPECT_TRUE(result.error().message.starts_with(std::string(code) + ": "))
      << result.error().message;
  EXPECT_NE(result.error().message.find(detail), std::string::npos) << result.error().message;
}

constexpr std::string_view kMismatch = "does not match the signature you provided";

class SigV4FixtureTest : public testing::TestWithParam<Fixture> {};

TEST_P(SigV4FixtureTest, Verifies) {
  Result<SigV4Identity> identity = verify(request_of(GetParam()), GetParam());
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(identity->access_key_id, "AKIDEXAMPLE");
}

TEST_P(SigV4FixtureTest, HeaderNameCaseDoesNotMatter) {
  SignedRequest req = request_of(GetParam());
  for (auto& [name, value] : req.headers) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  EXPECT_TRUE(verify(req, GetParam()).ok());
}

TEST_P(SigV4FixtureTest, WrongSecretFails) {
  Fixture other = GetParam();
  other.secret = "not-the-secret";
  expect_rejected(verify(request_of(other), other), "InvalidSignatureException", kMismatch);
}

INSTANTIATE_TEST_SUITE_P(Botocore, SigV4FixtureTest, testing::ValuesIn(fixtures()),
                         [](const auto& info) { return info.param.name; });

TEST(SigV4Test, TamperedBodyFails) {
  const Fixture& f = fixture("create_membership_json");
  SignedRequest req = request_of(f);
  replace(req.body, "ENABLED", "DISABLED");
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, BodyNotMatchingContentSha256Fails) {
  const Fixture& f = fixture("content_sha256_and_folded_header");
  SignedRequest req = request_of(f);
  replace(req.body, "analysis", "exfiltrate");
  expect_rejected(verify(req, f), "InvalidSignatureException", "x-amz-content-sha256");
}

TEST(SigV4Test, TamperedBodyWithRecomputedContentSha256Fails) {
  const Fixture& f = fixture("content_sha256_and_folded_header");
  SignedRequest req = request_of(f);
  replace(req.body, "analysis", "exfiltrate");
  header(req, "x-amz-content-sha256") = crypto::sha256_hex(req.body);
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, OtherRegionFails) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  replace(header(req, "authorization"), "/us-east-1/", "/eu-west-1/");
  expect_rejected(verify(req, f), "InvalidSignatureException",
                  "Credential should be scoped to a valid region, not 'eu-west-1'. cleanroom "
                  "serves us-east-1 only.");
}

TEST(SigV4Test, OtherServiceFails) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  replace(header(req, "authorization"), "/cleanrooms/", "/s3/");
  expect_rejected(verify(req, f), "IncompleteSignatureException", "'cleanrooms'");
}

TEST(SigV4Test, CredentialDateMustMatchAmzDate) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  replace(header(req, "authorization"), "/20260115/", "/20260114/");
  expect_rejected(verify(req, f), "InvalidSignatureException", "'20260114' != '20260115'");
}

TEST(SigV4Test, TwentyMinutesSkewFailsEitherWay) {
  const Fixture& f = fixture("list_memberships_query");
  expect_rejected(verify(request_of(f), f, 20 * 60), "InvalidSignatureException",
                  "Signature expired: 20260115T123456Z is now earlier than 20260115T123956Z "
                  "(20260115T125456Z - 15 min.)");
  expect_rejected(verify(request_of(f), f, -20 * 60), "InvalidSignatureException",
                  "Signature not yet current: 20260115T123456Z is still later than "
                  "20260115T122956Z (20260115T121456Z + 15 min.)");
}

TEST(SigV4Test, SkewWithinFifteenMinutesPasses) {
  const Fixture& f = fixture("list_memberships_query");
  for (int64_t skew : {14 * 60, -14 * 60, 15 * 60, -15 * 60}) {
    EXPECT_TRUE(verify(request_of(f), f, skew).ok()) << skew;
  }
}

TEST(SigV4Test, UnknownKeyFails) {
  const Fixture& f = fixture("list_memberships_query");
  Fixture stranger = f;
  stranger.access_key_id = "AKIDSOMEONEELSE";
  expect_rejected(verify(request_of(f), stranger), "UnrecognizedClientException",
                  "The security token included in the request is invalid.");
}

TEST(SigV4Test, LookupFailureOtherThanUnknownPassesThrough) {
  const Fixture& f = fixture("list_memberships_query");
  SecretLookup broken = [](const std::string&) -> Result<std::string> {
    return Error::internal("database is locked");
  };
  Result<SigV4Identity> result = verify_sigv4(request_of(f), broken, f.signed_at);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Internal);
}

TEST(SigV4Test, MissingAuthorizationFails) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  remove_header(req, "authorization");
  expect_rejected(verify(req, f), "MissingAuthenticationTokenException",
                  "Missing Authentication Token");
}

TEST(SigV4Test, MalformedAuthorizationFails) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest original = request_of(f);
  const std::string good = header(original, "authorization");
  const std::string credential = "Credential=AKIDEXAMPLE/20260115/us-east-1/cleanrooms/";
  for (const std::string& bad : {
           std::string("Bearer crt_abc"),
           std::string("AWS4-HMAC-SHA256"),
           "AWS4-ECDSA-P256-SHA256 " + good.substr(good.find(' ') + 1),
           good.substr(0, good.find(", Signature=")),
           good + ", Extra=1",
           good + ", Signature=00",
           "AWS4-HMAC-SHA256 " + credential + "aws4_request, SignedHeaders=, Signature=00",
           "AWS4-HMAC-SHA256 " + credential + "x, SignedHeaders=host;x-amz-date, Signature=00",
       }) {
    SignedRequest req = request_of(f);
    header(req, "authorization") = bad;
    expect_rejected(verify(req, f), "IncompleteSignatureException");
  }
}

TEST(SigV4Test, AmzDateIsRequired) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  header(req, "x-amz-date") = "Thu, 15 Jan 2026 12:34:56 GMT";
  expect_rejected(verify(req, f), "IncompleteSignatureException", "X-Amz-Date");
  remove_header(req, "x-amz-date");
  expect_rejected(verify(req, f), "IncompleteSignatureException", "X-Amz-Date");
}

TEST(SigV4Test, RepeatedAmzDateFails) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  req.headers.emplace_back("X-Amz-Date", "20260115T123456Z");
  expect_rejected(verify(req, f), "IncompleteSignatureException", "X-Amz-Date");
}

TEST(SigV4Test, HostMustBeSigned) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  replace(header(req, "authorization"), "SignedHeaders=host;x-amz-date",
          "SignedHeaders=x-amz-date");
  expect_rejected(verify(req, f), "IncompleteSignatureException", "'host'");
}

TEST(SigV4Test, UnsignedHeaderChangesDoNotMatter) {
  const Fixture& f = fixture("create_membership_json");
  SignedRequest req = request_of(f);
  header(req, "user-agent") = "aws-cli/1.40";
  header(req, "amz-sdk-invocation-id") = "11111111-1111-4111-8111-111111111111";
  req.headers.emplace_back("X-Forwarded-For", "203.0.113.7");
  EXPECT_TRUE(verify(req, f).ok());
}

TEST(SigV4Test, SignedHeaderChangeFails) {
  const Fixture& f = fixture("create_membership_json");
  SignedRequest req = request_of(f);
  header(req, "content-type") = "text/plain";
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);

  req = request_of(f);
  header(req, "host") = "evil.example.com";
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, SignedHeaderRemovedFails) {
  const Fixture& f = fixture("create_membership_json");
  SignedRequest req = request_of(f);
  remove_header(req, "content-type");
  expect_rejected(verify(req, f), "IncompleteSignatureException", "'content-type'");
}

TEST(SigV4Test, SignedHeaderWhitespaceIsFolded) {
  const Fixture& f = fixture("content_sha256_and_folded_header");
  SignedRequest req = request_of(f);
  header(req, "x-cleanroom-note") = "runs of \t space fold";
  EXPECT_TRUE(verify(req, f).ok());
  header(req, "x-cleanroom-note") = "runs of space folded";
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, QueryOrderDoesNotMatterButValuesDo) {
  const Fixture& f = fixture("list_memberships_query");
  SignedRequest req = request_of(f);
  req.target =
      "/memberships?status=ACTIVE&nextToken=eyJvZmZzZXQiOjI1fQ%3D%3D%2Bpage%2F2&maxResults=25";
  EXPECT_TRUE(verify(req, f).ok());
  replace(req.target, "maxResults=25", "maxResults=100");
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, QueryPlusMeansSpace) {
  // The handlers read '+' as a space, so it may stand in for %20 but not for %2B.
  const Fixture& edge = fixture("query_edge_cases");
  SignedRequest req = request_of(edge);
  replace(req.target, "100%25%20sure%20%26%20more", "100%25+sure+%26+more");
  EXPECT_TRUE(verify(req, edge).ok());

  const Fixture& list = fixture("list_memberships_query");
  req = request_of(list);
  replace(req.target, "%2Bpage", "+page");
  expect_rejected(verify(req, list), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Test, EncodedPathIsSignedEncoded) {
  // botocore signs "%3A" as "%253A"; the decoded path is a different request.
  const Fixture& f = fixture("delete_membership_arn");
  SignedRequest req = request_of(f);
  req.target = "/memberships/arn:aws:cleanrooms:us-east-1:123456789012:membership%2Fabc";
  expect_rejected(verify(req, f), "InvalidSignatureException", kMismatch);
}

}  // namespace
}  // namespace cleanroom::auth
