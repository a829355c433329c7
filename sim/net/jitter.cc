#include "sim/net/jitter.h"

#include <algorithm>
#include <cmath>

namespace callsim::sim::net {
namespace {

constexpr double kMinU = 0x1.0p-60;
constexpr double kMaxU = 1.0 - 0x1.0p-53;

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9).
double acklam(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  if (p > 1.0 - kLow) return -acklam(1.0 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

double pareto_standardized(double u) {
  // Pareto(α = 3, x_m = 1) quantile (1-u)^(-1/3): mean 3/2, variance 3/4.
  return (std::cbrt(1.0 / (1.0 - u)) - 1.5) / std::sqrt(0.75);
}

}  // namespace

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double u) {
  u = std::clamp(u, kMinU, kMaxU);
  const double x = acklam(u);
  // One Halley step on e = Φ(x) - u; above the median e = (1 - u) - Φc(x) keeps the upper tail's
  // precision (1 - u is exact there).
  const double e = x < 0 ? normal_cdf(x) - u : (1.0 - u) - 0.5 * std::erfc(x / std::sqrt(2.0));
  const double t = e * std::sqrt(2.0 * M_PI) * std::exp(0.5 * x * x);
  return x - t / (1.0 + 0.5 * x * t);
}

double jitter_quantile(JitterDistribution distribution, double u) {
  u = std::clamp(u, kMinU, kMaxU);
  switch (distribution) {
    case JitterDistribution::kUniform:
      return 2.0 * u - 1.0;
    case JitterDistribution::kNormal:
      return normal_quantile(u);
    case JitterDistribution::kPareto:
      return pareto_standardized(u);
    case JitterDistribution::kParetoNormal:
      return (0.25 * normal_quantile(u) + 0.75 * pareto_standardized(u)) / kParetoNormalScale;
  }
  return 0.0;
}

JitterSource::JitterSource(RandomStream rng) : rng_(rng), netem_(rng_), gauss_(rng_) {}

double JitterSource::next(const DelayConfig& delay) {
  if (delay.correlation_mode == CorrelationMode::kMarginal && delay.correlation > 0.0) {
    const double g = gauss_.next(rng_, delay.correlation);
    if (delay.distribution == JitterDistribution::kNormal) return g;
    return jitter_quantile(delay.distribution, normal_cdf(g));
  }
  return jitter_quantile(delay.distribution, netem_.next(rng_, delay.correlation));
}

}  // namespace callsim::sim::net
