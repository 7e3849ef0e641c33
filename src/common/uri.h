#pragma once
// Percent-encoding of URI paths and query parts, as AWS canonical requests and S3 keys need it.
#include <string>
#include <string_view>

namespace cleanroom {

// Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~), and
// '/' when `keep_slash`, as %XX in uppercase hex: SigV4's UriEncode(), also S3's key encoding.
// Like Python's urllib.parse.quote with safe='~' or safe='/~'.
std::string uri_encode(std::string_view text, bool keep_slash);

// Decodes %XX escapes (a '%' not followed by two hex digits stays as it is), and '+' as a space
// when `plus_as_space`, as form-encoded query strings spell it. The HTTP transport decodes paths
// without and query parts with it, and SigV4 decodes the query it signs the same way, so the
// signature covers exactly what the handlers act on.
std::string uri_decode(std::string_view text, bool plus_as_space);

}  // namespace cleanroom
