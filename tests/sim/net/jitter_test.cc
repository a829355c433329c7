// Jitter distributions: standardization constants (by quadrature), sample mean / standard
// deviation, Kolmogorov-Smirnov distance, and the lag-1 autocorrelation the correlation modes give.
// Tolerances: 4 standard errors (5 for the heavy-tailed variance, see there); KS bound from the
// Dvoretzky-Kiefer-Wolfowitz inequality at a 1e-6 false-alarm probability.
#include "sim/net/jitter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "stat_helpers.h"

namespace callsim::sim::net {
namespace {

std::vector<double> draws(const DelayConfig& d, int n, uint64_t seed = 3) {
  JitterSource src(RandomStream(seed, "link/test/delay"));
  std::vector<double> z(static_cast<size_t>(n));
  for (auto& v : z) v = src.next(d);
  return z;
}

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double var_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

double lag1(const std::vector<double>& x) {
  const double m = mean_of(x), v = var_of(x);
  double s = 0;
  for (size_t i = 1; i < x.size(); ++i) s += (x[i] - m) * (x[i - 1] - m);
  return s / static_cast<double>(x.size() - 1) / v;
}

// ∫_0^1 g(u) du by the midpoint rule after substituting u = 1 - t³ (du = 3t² dt), which tames the
// Pareto quantile's (1-u)^(-1/3) singularity.
double integrate_unit(const std::function<double(double)>& g, int n = 400000) {
  double s = 0;
  for (int i = 0; i < n; ++i) {
    const double t = (i + 0.5) / n;
    s += g(1 - t * t * t) * 3 * t * t;
  }
  return s / n;
}

TEST(Jitter, NormalQuantileInvertsTheCdf) {
  for (double u : {1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.5, 0.9, 0.97575, 0.999, 1 - 1e-9}) {
    const double x = normal_quantile(u);
    EXPECT_NEAR(normal_cdf(x), u, 1e-14 * std::max(1.0, u / (1 - u))) << u;
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
}

TEST(Jitter, ParetoNormalConstantsByQuadrature) {
  const double c = integrate_unit([](double u) {
    return normal_quantile(u) * (std::cbrt(1 / std::max(1 - u, 0x1.0p-53)) - 1.5) / std::sqrt(0.75);
  });
  EXPECT_NEAR(c, kNormalParetoComonotonicCorrelation, 1e-6);
  EXPECT_NEAR(std::sqrt(0.0625 + 0.5625 + 0.375 * kNormalParetoComonotonicCorrelation), kParetoNormalScale,
              1e-15);
  for (auto d :
       {JitterDistribution::kNormal, JitterDistribution::kPareto, JitterDistribution::kParetoNormal}) {
    const double m = integrate_unit([d](double u) { return jitter_quantile(d, u); });
    const double v = integrate_unit([d](double u) { return std::pow(jitter_quantile(d, u), 2); });
    EXPECT_NEAR(m, 0.0, 1e-6) << static_cast<int>(d);
    // Uniform draws stop at 1 - 2^-53, which truncates the Pareto tail: ≈ 2e-5 of the variance.
    EXPECT_NEAR(v, 1.0, 1e-4) << static_cast<int>(d);
  }
}

// Sample mean and sd: n = 1e6. Light tails: SE(mean) = sd/√n, SE(var) = sqrt((μ4 - σ⁴)/n).
// Pareto (α = 3) has no 4th moment: the sample variance's error is stable-law with index 3/2 and
// scale ≈ 1.33·n^(-1/3) (tail constant of Z² is 0.866^-3); we allow 5 scale units (6.7%).
TEST(Jitter, EachDistributionHasTheConfiguredMeanAndSd) {
  const int n = 1000000;
  struct Case {
    JitterDistribution d;
    double sd, var_tol;
  };
  const double heavy = 5 * 1.33 * std::cbrt(1.0 / n);
  for (const Case& c :
       {Case{JitterDistribution::kUniform, 1 / std::sqrt(3.0), 4 * std::sqrt((0.2 - 1.0 / 9) / n)},
        Case{JitterDistribution::kNormal, 1.0, 4 * std::sqrt(2.0 / n)},
        Case{JitterDistribution::kPareto, 1.0, heavy}, Case{JitterDistribution::kParetoNormal, 1.0, heavy}}) {
    DelayConfig d;
    d.distribution = c.d;
    const auto z = draws(d, n, 17 + static_cast<uint64_t>(c.d));
    SCOPED_TRACE(static_cast<int>(c.d));
    EXPECT_NEAR(mean_of(z), 0.0, 4 * c.sd / std::sqrt(n));
    EXPECT_NEAR(var_of(z) / (c.sd * c.sd), 1.0, c.var_tol);
  }
}

TEST(Jitter, KolmogorovSmirnovAgainstTheAnalyticCdf) {
  const int n = 200000;
  const double eps = std::sqrt(std::log(2 / 1e-6) / (2.0 * n));  // DKW: P(D > eps) <= 1e-6
  auto cdf_uniform = [](double z) { return std::clamp((z + 1) / 2, 0.0, 1.0); };
  auto cdf_pareto = [](double z) {
    const double x = 1.5 + std::sqrt(0.75) * z;  // back to Pareto(3, 1)
    return x <= 1 ? 0.0 : 1 - 1 / (x * x * x);
  };
  struct Case {
    JitterDistribution d;
    std::function<double(double)> cdf;
  };
  for (const Case& c :
       {Case{JitterDistribution::kUniform, cdf_uniform}, Case{JitterDistribution::kNormal, normal_cdf},
        Case{JitterDistribution::kPareto, cdf_pareto}}) {
    DelayConfig d;
    d.distribution = c.d;
    auto z = draws(d, n, 23);
    std::sort(z.begin(), z.end());
    double ks = 0;
    for (int i = 0; i < n; ++i) {
      const double f = c.cdf(z[static_cast<size_t>(i)]);
      ks = std::max(
          {ks, std::abs(f - static_cast<double>(i) / n), std::abs(f - static_cast<double>(i + 1) / n)});
    }
    EXPECT_LT(ks, eps) << static_cast<int>(c.d);
  }
}

// netem correlation on the uniform distribution: Z = 2V - 1 is affine in V, whose lag-1
// autocorrelation is exactly ρ and variance (1-ρ)/(1+ρ)/12, so sd(Z) = sqrt((1-ρ)/(1+ρ)/3).
// SE(lag-1) ≈ sqrt((1-ρ²)/n) (Bartlett); variance checked with a batch-means SE.
TEST(Jitter, NetemCorrelationOnUniformGivesRhoAndNarrowsTheSpread) {
  const int n = 400000;
  for (const double rho : {0.25, 0.5, 0.9}) {
    DelayConfig d;
    d.distribution = JitterDistribution::kUniform;
    d.correlation = rho;
    const auto z = draws(d, n, 29);
    std::vector<double> sq(z.size());
    for (size_t i = 0; i < z.size(); ++i) sq[i] = z[i] * z[i];
    const auto var = testing::batch_means(sq);
    SCOPED_TRACE(rho);
    EXPECT_NEAR(lag1(z), rho, 4 * std::sqrt((1 - rho * rho) / n));
    EXPECT_NEAR(var.mean, (1 - rho) / (1 + rho) / 3, 4 * var.se);
  }
}

// netem correlation on the normal table: Z = Φ⁻¹(V). Expected sd and lag-1 autocorrelation from
// the stationary law of V: E[Z Z'] = E[Φ⁻¹(V')·h(V')] with h(v) = E_U[Φ⁻¹(ρv + (1-ρ)U)]
// = (G(ρv + 1 - ρ) - G(ρv))/(1-ρ), G(s) = -φ(Φ⁻¹(s)) the antiderivative of Φ⁻¹.
TEST(Jitter, NetemCorrelationOnNormalMatchesTheStationaryLaw) {
  const double rho = 0.5;
  const testing::NetemStationary law(rho, 20000);
  auto G = [](double s) {
    if (s <= 0 || s >= 1) return 0.0;
    const double x = normal_quantile(s);
    return -std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
  };
  const double ez2 = law.expect([](double v) { return std::pow(normal_quantile(v), 2); });
  const double ezz = law.expect(
      [&](double v) { return normal_quantile(v) * (G(rho * v + 1 - rho) - G(rho * v)) / (1 - rho); });
  const double expected_lag1 = ezz / ez2;
  DelayConfig d;
  d.distribution = JitterDistribution::kNormal;
  d.correlation = rho;
  const int n = 400000;
  const auto z = draws(d, n, 31);
  std::vector<double> sq(z.size());
  for (size_t i = 0; i < z.size(); ++i) sq[i] = z[i] * z[i];
  const auto var = testing::batch_means(sq);
  EXPECT_LT(ez2, 0.5);  // netem's correlation shrinks the normal's sd well below the configured one
  EXPECT_NEAR(var.mean, ez2, 4 * var.se);
  EXPECT_NEAR(lag1(z), expected_lag1, 4 * std::sqrt((1 - rho * rho) / n));
}

// The marginal mode keeps N(0, 1) and gives lag-1 autocorrelation exactly ρ.
TEST(Jitter, MarginalCorrelationKeepsTheDistribution) {
  const int n = 400000;
  for (const double rho : {0.3, 0.8}) {
    DelayConfig d;
    d.distribution = JitterDistribution::kNormal;
    d.correlation = rho;
    d.correlation_mode = CorrelationMode::kMarginal;
    const auto z = draws(d, n, 37);
    std::vector<double> sq(z.size());
    for (size_t i = 0; i < z.size(); ++i) sq[i] = z[i] * z[i];
    const auto var = testing::batch_means(sq);
    SCOPED_TRACE(rho);
    EXPECT_NEAR(var.mean, 1.0, 4 * var.se);
    EXPECT_NEAR(lag1(z), rho, 4 * std::sqrt((1 - rho * rho) / n));
  }
  // Uniform through the Gaussian copula: still uniform on [-1, 1] (sd 1/√3).
  DelayConfig d;
  d.distribution = JitterDistribution::kUniform;
  d.correlation = 0.6;
  d.correlation_mode = CorrelationMode::kMarginal;
  const auto z = draws(d, n, 41);
  std::vector<double> sq(z.size());
  for (size_t i = 0; i < z.size(); ++i) sq[i] = z[i] * z[i];
  const auto var = testing::batch_means(sq);
  EXPECT_NEAR(var.mean, 1.0 / 3, 4 * var.se);
  EXPECT_GT(lag1(z), 0.5);  // Spearman-Pearson relation: (6/π)·asin(ρ/2) = 0.585
}

}  // namespace
}  // namespace callsim::sim::net
