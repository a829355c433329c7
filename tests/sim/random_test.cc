#include "sim/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace callsim::sim {
namespace {

// Golden values: the engine must produce the same numbers on every platform and library.
TEST(RandomStream, GoldenSequenceIsStable) {
  RandomStream r(42, "link/alice->bob/loss");
  const uint64_t a = r.next_u64(), b = r.next_u64();
  RandomStream r2(42, "link/alice->bob/loss");
  EXPECT_EQ(r2.next_u64(), a);
  EXPECT_EQ(r2.next_u64(), b);
  // stable_hash is FNV-1a 64: published test vector for "a".
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(stable_hash(""), 0xcbf29ce484222325ULL);
}

TEST(RandomStream, StreamsByNameAreIndependentOfEachOther) {
  RandomStream a(1, "x"), b(1, "y"), c(2, "x");
  EXPECT_NE(a.next_u64(), b.next_u64());
  RandomStream a2(1, "x");
  EXPECT_NE(a2.next_u64(), c.next_u64());
}

// Moments with tolerances of 5 standard errors for n = 200000 (seed fixed).
TEST(RandomStream, UniformNormalExponentialParetoMoments) {
  RandomStream r(7, "moments");
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, se = 0, sp = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    su2 += u * u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
    se += r.exponential(3.0);
    sp += r.pareto(3.0, 1.0);
  }
  const double mu = su / n, vu = su2 / n - mu * mu;
  EXPECT_NEAR(mu, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(vu, 1.0 / 12, 0.002);
  EXPECT_NEAR(sn / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(sn2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(se / n, 3.0, 5 * 3.0 / std::sqrt(n));
  // Pareto(alpha=3, xm=1): mean 1.5, variance 0.75.
  EXPECT_NEAR(sp / n, 1.5, 5 * std::sqrt(0.75 / n));
}

TEST(RandomStream, BelowIsUnbiasedAcrossBuckets) {
  RandomStream r(9, "below");
  std::vector<int> counts(6, 0);
  const int n = 60000;
  for (int i = 0; i < n; ++i) ++counts[r.below(6)];
  // Chi-square with 5 dof: 99.9% quantile 20.5.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 6.0) * (c - n / 6.0) / (n / 6.0);
  EXPECT_LT(chi2, 20.5);
}

}  // namespace
}  // namespace callsim::sim
