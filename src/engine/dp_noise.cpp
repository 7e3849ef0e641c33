#include "engine/dp_noise.h"

#include <openssl/rand.h>

#include <climits>
#include <cstring>
#include <stdexcept>

namespace cleanroom::engine::dp {

void OpenSslBits::fill(uint8_t* out, size_t n) {
  while (n > 0) {
    int chunk = n > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(out, chunk) != 1) throw RandomBitsFailure{};
    out += chunk;
    n -= static_cast<size_t>(chunk);
  }
}

SeededBits::SeededBits(uint64_t seed) {
  for (auto& s : s_) {  // splitmix64, so that nearby seeds give unrelated states
    seed += 0x9E3779B97F4A7C15ULL;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    s = z ^ (z >> 31);
  }
}

uint64_t SeededBits::next() {  // xoshiro256**
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void SeededBits::fill(uint8_t* out, size_t n) {
  while (n > 0) {
    uint64_t v = next();
    size_t k = n < sizeof(v) ? n : sizeof(v);
    std::memcpy(out, &v, k);
    out += k;
    n -= k;
  }
}

RandomBits& production_bits() {
  static OpenSslBits bits;
  return bits;
}

unsigned __int128 uniform_below(RandomBits& bits, unsigned __int128 n) {
  if (n <= 1) return 0;
  // The fewest whole bytes that hold n - 1, and a mask of its bit length: each draw is accepted
  // with probability above one half.
  unsigned __int128 top = n - 1;
  int bit_length = 0;
  while (bit_length < 128 && (top >> bit_length) != 0) ++bit_length;
  const size_t bytes = static_cast<size_t>((bit_length + 7) / 8);
  const unsigned __int128 mask = bit_length == 128
                                     ? ~static_cast<unsigned __int128>(0)
                                     : (static_cast<unsigned __int128>(1) << bit_length) - 1;
  for (;;) {
    uint8_t raw[16] = {};
    bits.fill(raw, bytes);
    unsigned __int128 v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= static_cast<unsigned __int128>(raw[i]) << (8 * i);
    v &= mask;
    if (v < n) return v;
  }
}

bool bernoulli(RandomBits& bits, unsigned __int128 num, unsigned __int128 den) {
  return uniform_below(bits, den) < num;
}

bool bernoulli_exp(RandomBits& bits, uint64_t num, uint64_t den) {
  // gamma = num / den > 1: exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))).
  while (num > den) {
    if (!bernoulli_exp(bits, 1, 1)) return false;
    num -= den;
  }
  // gamma in [0, 1]: draw A_k ~ Bernoulli(gamma / k) for k = 1, 2, ... until one is 0; the index
  // K of that first 0 is odd with probability exactly exp(-gamma).
  uint64_t k = 1;
  for (;;) {
    if (!bernoulli(bits, num, static_cast<unsigned __int128>(den) * k)) break;
    ++k;
  }
  return k % 2 == 1;
}

int64_t discrete_laplace(RandomBits& bits, uint64_t scale) {
  // Less noise than asked for would void the guarantee: a scale out of range is refused.
  if (scale < 1 || scale > kMaxScale) throw std::invalid_argument("discrete Laplace scale");
  for (;;) {
    // X = U + scale * V is geometric: U uniform in [0, scale) kept with probability
    // exp(-U / scale), V the number of successes of Bernoulli(exp(-1)) before the first failure.
    const uint64_t u = static_cast<uint64_t>(uniform_below(bits, scale));
    if (!bernoulli_exp(bits, u, scale)) continue;
    uint64_t v = 0;
    while (bernoulli_exp(bits, 1, 1)) ++v;
    const unsigned __int128 x =
        static_cast<unsigned __int128>(u) + static_cast<unsigned __int128>(scale) * v;
    // Beyond 2^62 (probability below exp(-2^62 / 2^56)): never, but not an overflow either.
    if (x > (static_cast<unsigned __int128>(1) << 62)) continue;
    // A sign; -0 is rejected so that 0 is not drawn twice as often as its share.
    uint8_t sign = 0;
    bits.fill(&sign, 1);
    const bool negative = (sign & 1) != 0;
    if (negative && x == 0) continue;
    return negative ? -static_cast<int64_t>(x) : static_cast<int64_t>(x);
  }
}

}  // namespace cleanroom::engine::dp
