#pragma once
// Small wrappers over OpenSSL for the few primitives the server needs.
#include <string>
#include <string_view>

#include "common/error.h"

namespace cleanroom::crypto {

// The alphabet of tokens shown once and stored hashed (bearer tokens, secret keys, session
// cookies): 62 symbols, about 5.95 bits each.
inline constexpr std::string_view kAlphanumeric =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string random_bytes(size_t n);
// Random string over [a-z0-9] (instance ids) or over an explicit alphabet.
std::string random_string(size_t n,
                          std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789");
std::string uuid4();
std::string sha256(std::string_view data);  // raw 32 bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hex(std::string_view raw);
// Constant-time comparison, for secrets and signatures.
bool equal_ct(std::string_view a, std::string_view b);

// AES-256-GCM with a 32-byte key; output is nonce || ciphertext || tag.
std::string seal(std::string_view key, std::string_view plaintext);
Result<std::string> open(std::string_view key, std::string_view sealed);

}  // namespace cleanroom::crypto
