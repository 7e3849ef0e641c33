#pragma once
// The noise of differential privacy (docs/differential-privacy.md): an exact sampler of the
// discrete Laplace distribution, P(X = x) proportional to exp(-|x| / t) over the integers, after
// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
// Algorithms 1 and 2. Every step is integer arithmetic on uniformly random integers, so the
// distribution is exactly the one the privacy proof assumes: no floating-point Laplace, whose
// rounding leaves the true value readable in the low bits of the answer (Mironov, CCS 2012).
//
// Randomness comes from a RandomBits source: OpenSSL's CSPRNG (RAND_bytes) in production, the
// only source the engine's SQL functions use. A seeded source exists for the statistical tests
// of the sampler; nothing reachable from SQL or the API can choose it.
#include <cstddef>
#include <cstdint>

namespace cleanroom::engine::dp {

// A source of uniformly random bytes.
class RandomBits {
 public:
  virtual ~RandomBits() = default;
  // Fills out[0..n) with random bytes. A source that cannot (OpenSSL's generator failing) throws
  // RandomBitsFailure: a sample drawn from weaker randomness would void the guarantee.
  virtual void fill(uint8_t* out, size_t n) = 0;
};

struct RandomBitsFailure {};

// OpenSSL's RAND_bytes: the production source.
class OpenSslBits final : public RandomBits {
 public:
  void fill(uint8_t* out, size_t n) override;
};

// A deterministic source (xoshiro256** seeded through splitmix64), for tests only: the same
// seed draws the same samples.
class SeededBits final : public RandomBits {
 public:
  explicit SeededBits(uint64_t seed);
  void fill(uint8_t* out, size_t n) override;

 private:
  uint64_t next();
  uint64_t s_[4];
};

// The source the engine's SQL functions draw from: OpenSslBits, shared by all threads
// (RAND_bytes is thread-safe).
RandomBits& production_bits();

// Exact draws, all from `bits`:
// a uniform integer in [0, n), n >= 1, by rejection (no modulo bias);
unsigned __int128 uniform_below(RandomBits& bits, unsigned __int128 n);
// true with probability num / den exactly, 0 <= num <= den, den >= 1;
bool bernoulli(RandomBits& bits, unsigned __int128 num, unsigned __int128 den);
// true with probability exp(-num / den) exactly, num >= 0, den >= 1 (CKS20 Algorithm 1);
bool bernoulli_exp(RandomBits& bits, uint64_t num, uint64_t den);
// X with P(X = x) = (1 - q) / (1 + q) * q^|x|, q = exp(-1 / scale), for an integer scale >= 1
// (CKS20 Algorithm 2 with t = scale, s = 1). Variance 2q / (1 - q)^2, about 2 scale^2. A scale
// outside [1, kMaxScale] throws std::invalid_argument: never less noise than asked for.
int64_t discrete_laplace(RandomBits& bits, uint64_t scale);

// The largest scale the engine accepts: noise of this scale stays far inside 64 bits.
inline constexpr uint64_t kMaxScale = uint64_t{1} << 56;

}  // namespace cleanroom::engine::dp
