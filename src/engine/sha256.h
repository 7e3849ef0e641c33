#pragma once
// SHA-256 to lowercase hex, fast for the short strings identity columns hold: with the x86 SHA
// extensions, one 64-byte block takes a few dozen cycles, several times less than a call
// through OpenSSL's EVP interface; elsewhere it is OpenSSL.
#include <string_view>

namespace cleanroom::engine {

// Writes the 64 hex digits of SHA-256(data) to out.
void sha256_hex(std::string_view data, char out[64]);

}  // namespace cleanroom::engine
