// The deterministic elementary functions of the P.862 path against glibc (accuracy) and against
// fixed bit patterns (the same result on every CPU and build).
#include "quality/det_math.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "sim/random.h"

namespace callsim::quality {
namespace {

// Distance in units in the last place of `b`.
double ulps(double a, double b) {
  if (a == b) return 0;
  return std::fabs(a - b) / (std::nextafter(std::fabs(b), INFINITY) - std::fabs(b));
}

TEST(DetMath, ExpIsWithinFourUlpOfLibm) {
  sim::RandomStream rng(1, "det-math");
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = rng.uniform() * 1400.0 - 700.0;
    worst = std::max(worst, ulps(detmath::exp(x), std::exp(x)));
  }
  EXPECT_LE(worst, 4.0);
  EXPECT_EQ(detmath::exp(0.0), 1.0);
  EXPECT_EQ(detmath::exp(-800.0), 0.0);
  EXPECT_TRUE(std::isinf(detmath::exp(710.0)));
}

TEST(DetMath, LogIsAccurateInAbsoluteTermsAndNearOne) {
  sim::RandomStream rng(2, "det-math");
  double worst_abs = 0, worst_far = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = std::exp(rng.uniform() * 80.0 - 40.0);
    const double a = detmath::log(x), b = std::log(x);
    worst_abs = std::max(worst_abs, std::fabs(a - b));
    if (std::fabs(b) > 0.35) worst_far = std::max(worst_far, ulps(a, b));
  }
  EXPECT_LE(worst_abs, 5e-16);
  EXPECT_LE(worst_far, 4.0);
  for (double x : {1.0 + 1e-12, 1.0 - 1e-9, 1.0001}) EXPECT_LE(ulps(detmath::log(x), std::log(x)), 4.0) << x;
  EXPECT_EQ(detmath::log(1.0), 0.0);
  EXPECT_NEAR(detmath::log10(1000.0), 3.0, 1e-15);
  EXPECT_TRUE(std::isnan(detmath::log(-1.0)));
  EXPECT_NEAR(detmath::log(std::numeric_limits<double>::denorm_min()), std::log(std::numeric_limits<double>::denorm_min()), 1e-12);
}

TEST(DetMath, PowAndTrigonometry) {
  sim::RandomStream rng(3, "det-math");
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.uniform() * 1e9 + 1e-6, y = rng.uniform() * 1.3;
    ASSERT_LE(ulps(detmath::pow(x, y), std::pow(x, y)), 64.0) << x << "^" << y;
  }
  EXPECT_EQ(detmath::pow(0.0, 0.5), 0.0);
  EXPECT_EQ(detmath::pow(5.0, 0.0), 1.0);
  for (long n : {5L, 256L, 1000L, 1L << 18})
    for (long i = 0; i < n; i += std::max(1L, n / 997)) {
      // reference in extended precision (the double angle 2 pi i / n is itself inexact)
      const long double t = 2.0L * std::numbers::pi_v<long double> * static_cast<long double>(i) / static_cast<long double>(n);
      ASSERT_NEAR(detmath::cos_2pi(i, n), static_cast<double>(std::cos(t)), 4e-16) << i << "/" << n;
      ASSERT_NEAR(detmath::sin_2pi(i, n), static_cast<double>(std::sin(t)), 4e-16) << i << "/" << n;
    }
  EXPECT_EQ(detmath::cos_2pi(1, 4), 0.0);
  EXPECT_EQ(detmath::sin_2pi(1, 2), 0.0);
}

TEST(DetMath, FixedBitPatterns) {
  // Recorded once; any CPU, compiler flag or library version must give these very bits.
  EXPECT_EQ(std::bit_cast<uint64_t>(detmath::exp(1.0)), 0x4005bf0a8b145769ULL);
  EXPECT_EQ(std::bit_cast<uint64_t>(detmath::log(10.0)), 0x40026bb1bbb55516ULL);
  EXPECT_EQ(std::bit_cast<uint64_t>(detmath::pow(2.5, 0.23)), 0x3ff3c0ebb81327d3ULL);
  EXPECT_EQ(std::bit_cast<uint64_t>(detmath::cos_2pi(1, 7)), 0x3fe3f3a0e28bedd1ULL);
}

}  // namespace
}  // namespace callsim::quality
