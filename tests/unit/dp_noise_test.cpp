// The discrete Laplace sampler of differential privacy (engine/dp_noise.h): its exact Bernoulli
// and uniform draws, the distribution of its samples against theory over 200,000 draws with a
// fixed seed (tolerances of six standard errors or more: a correct sampler passes with any seed),
// and the engine's SQL functions, which draw from OpenSSL.
#include "engine/dp_noise.h"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <cmath>
#include <map>
#include <typeinfo>

#include "engine/engine.h"

namespace cleanroom {
namespace {

namespace dp = engine::dp;

constexpr int kDraws = 200000;

// Six standard errors of a frequency p over n draws.
double six_se(double p, double n) { return 6 * std::sqrt(p * (1 - p) / n); }

TEST(DpNoise, UniformDrawsAreUniform) {
  dp::SeededBits bits(1);
  for (uint64_t n : {1, 2, 7, 100, 257}) {
    std::map<uint64_t, int> counts;
    const int draws = 2000 * static_cast<int>(std::min<uint64_t>(n, 100));
    for (int i = 0; i < draws; ++i) {
      auto v = static_cast<uint64_t>(dp::uniform_below(bits, n));
      ASSERT_LT(v, n);
      ++counts[v];
    }
    const double p = 1.0 / static_cast<double>(n);
    for (const auto& [v, c] : counts)
      EXPECT_NEAR(c / static_cast<double>(draws), p, six_se(p, draws)) << n << " " << v;
  }
  // Ranges beyond 64 bits, as the rational Bernoulli draws need.
  const unsigned __int128 big = (static_cast<unsigned __int128>(3) << 64) + 5;
  for (int i = 0; i < 1000; ++i) ASSERT_LT(dp::uniform_below(bits, big), big);
}

TEST(DpNoise, BernoulliOfExpIsExact) {
  dp::SeededBits bits(2);
  const std::vector<std::pair<uint64_t, uint64_t>> gammas = {{0, 1}, {1, 3}, {1, 2},
                                                             {1, 1}, {5, 2}, {7, 1000000007}};
  for (const auto& [num, den] : gammas) {
    int hits = 0;
    for (int i = 0; i < kDraws; ++i) hits += dp::bernoulli_exp(bits, num, den);
    const double p = std::exp(-static_cast<double>(num) / static_cast<double>(den));
    EXPECT_NEAR(hits / static_cast<double>(kDraws), p, six_se(p, kDraws) + 1e-12)
        << num << "/" << den;
  }
  int hits = 0;
  for (int i = 0; i < kDraws; ++i) hits += dp::bernoulli(bits, 3, 8);
  EXPECT_NEAR(hits / static_cast<double>(kDraws), 0.375, six_se(0.375, kDraws));
}

struct Moments {
  double mean = 0;
  double variance = 0;
  std::map<int64_t, int> counts;
};

Moments draw(dp::RandomBits& bits, uint64_t scale, int n) {
  Moments m;
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    int64_t x = dp::discrete_laplace(bits, scale);
    sum += static_cast<double>(x);
    squares += static_cast<double>(x) * static_cast<double>(x);
    ++m.counts[x];
  }
  m.mean = sum / n;
  m.variance = squares / n - m.mean * m.mean;
  return m;
}

// P(X = x) = (1 - q) / (1 + q) q^|x|, q = exp(-1 / t): mean 0, variance 2q / (1 - q)^2, and
// P(|X| >= k) = 2 q^k / (1 + q) for k >= 1.
TEST(DpNoise, DiscreteLaplaceMatchesTheory) {
  dp::SeededBits bits(3);
  for (uint64_t t : {1, 3, 10, 100, 10000}) {
    SCOPED_TRACE("scale " + std::to_string(t));
    Moments m = draw(bits, t, kDraws);
    const double q = std::exp(-1.0 / static_cast<double>(t));
    const double variance = 2 * q / ((1 - q) * (1 - q));
    // The mean's standard error is sigma / sqrt(n); the sample variance's, for a distribution of
    // kurtosis at most 6, sigma^2 sqrt(5 / n).
    EXPECT_NEAR(m.mean, 0, 6 * std::sqrt(variance / kDraws));
    EXPECT_NEAR(m.variance, variance, 6 * variance * std::sqrt(5.0 / kDraws));
    const double zero = (1 - q) / (1 + q);
    EXPECT_NEAR(m.counts[0] / static_cast<double>(kDraws), zero, six_se(zero, kDraws));
    for (double multiple : {0.5, 1.0, 2.0, 4.0}) {
      const int64_t k = std::max<int64_t>(1, std::llround(multiple * static_cast<double>(t)));
      int64_t tail = 0, positive = 0;
      for (const auto& [x, c] : m.counts) {
        if (x >= k || x <= -k) tail += c;
        if (x >= k) positive += c;
      }
      const double p = 2 * std::pow(q, static_cast<double>(k)) / (1 + q);
      EXPECT_NEAR(tail / static_cast<double>(kDraws), p, six_se(p, kDraws)) << "k " << k;
      // Symmetric: half the tail on each side.
      EXPECT_NEAR(positive / static_cast<double>(kDraws), p / 2, six_se(p / 2, kDraws));
    }
  }
}

TEST(DpNoise, TheSeededSourceIsDeterministicAndTheScaleIsChecked) {
  dp::SeededBits a(42), b(42), c(43);
  std::vector<int64_t> xa, xb, xc;
  for (int i = 0; i < 100; ++i) {
    xa.push_back(dp::discrete_laplace(a, 50));
    xb.push_back(dp::discrete_laplace(b, 50));
    xc.push_back(dp::discrete_laplace(c, 50));
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  EXPECT_THROW(dp::discrete_laplace(a, 0), std::invalid_argument);
  EXPECT_THROW(dp::discrete_laplace(a, dp::kMaxScale + 1), std::invalid_argument);
}

// Production draws come from OpenSSL's CSPRNG, and the engine's functions use that source only.
TEST(DpNoise, ProductionRandomnessIsOpenSsl) {
  EXPECT_EQ(typeid(dp::production_bits()), typeid(dp::OpenSslBits));
  EXPECT_EQ(RAND_status(), 1);
  Moments m = draw(dp::production_bits(), 20, 20000);
  const double q = std::exp(-1.0 / 20);
  const double variance = 2 * q / ((1 - q) * (1 - q));
  EXPECT_NEAR(m.variance, variance, 6 * variance * std::sqrt(5.0 / 20000));
}

struct Sql {
  std::unique_ptr<engine::Engine> engine = std::move(engine::Engine::open({})).value();
  Result<std::vector<std::vector<engine::Value>>> rows(const std::string& sql) {
    auto r = engine->connection().query(sql);
    if (!r.ok()) return r.error();
    return r->rows();
  }
};

TEST(DpNoise, TheEnginesNoiseFunctionDrawsDiscreteLaplaceNoise) {
  Sql db;
  auto rows = db.rows(
      "SELECT avg(n)::DOUBLE, var_pop(n)::DOUBLE, count(*) FILTER (WHERE n = 0)::BIGINT "
      "FROM (SELECT cleanroom_dp_noise(10) AS n FROM range(50000))");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const double q = std::exp(-0.1);
  const double variance = 2 * q / ((1 - q) * (1 - q));
  EXPECT_NEAR(std::get<double>((*rows)[0][0]), 0, 6 * std::sqrt(variance / 50000));
  EXPECT_NEAR(std::get<double>((*rows)[0][1]), variance, 6 * variance * std::sqrt(5.0 / 50000));
  const double zero = (1 - q) / (1 + q);
  EXPECT_NEAR(std::get<int64_t>((*rows)[0][2]) / 50000.0, zero, six_se(zero, 50000));
  // NULL stays NULL; a scale out of range is an error, never less noise.
  auto null = db.rows("SELECT cleanroom_dp_noise(NULL) IS NULL");
  ASSERT_TRUE(null.ok()) << null.error().message;
  EXPECT_EQ((*null)[0][0], engine::Value(true));
  EXPECT_FALSE(db.rows("SELECT cleanroom_dp_noise(0)").ok());
  EXPECT_FALSE(db.rows("SELECT cleanroom_dp_noise(9223372036854775807)").ok());
}

// Volatile: each call draws anew, and a filter on a drawn value is not re-drawn below it.
TEST(DpNoise, EachCallDrawsOnce) {
  Sql db;
  auto rows = db.rows(
      "SELECT count(*) FILTER (WHERE a <> b)::BIGINT, count(DISTINCT k)::BIGINT FROM (SELECT "
      "cleanroom_dp_noise(1000) AS a, cleanroom_dp_noise(1000) AS b, "
      "cleanroom_dp_random_key() AS k FROM range(1000))");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_GT(std::get<int64_t>((*rows)[0][0]), 900);
  EXPECT_EQ(std::get<int64_t>((*rows)[0][1]), 1000);
  auto filtered = db.rows(
      "WITH d AS (SELECT cleanroom_dp_noise(1000) AS n FROM range(10000)) "
      "SELECT count(*)::BIGINT, min(n)::BIGINT FROM d WHERE n > 0");
  ASSERT_TRUE(filtered.ok()) << filtered.error().message;
  EXPECT_GT(std::get<int64_t>((*filtered)[0][0]), 4000);
  EXPECT_GT(std::get<int64_t>((*filtered)[0][1]), 0);
}

}  // namespace
}  // namespace cleanroom
