// Jitter distributions of the delay model, as standardized quantile functions of one uniform draw
// per packet (so netem's correlated uniform can drive them), and the per-link jitter source.
//
//   uniform       Z = 2u - 1                         (netem: mu ± sigma; sd = 1/√3)
//   normal        Z = Φ⁻¹(u)                         (netem normal table)
//   pareto        Z = ((1-u)^(-1/3) - 3/2) / √(3/4)  (Pareto α = 3, x_m = 1: mean 3/2, var 3/4)
//   paretonormal  Z = (Φ⁻¹(u)/4 + 3·Zpareto(u)/4) / s (netem's paretonormal.c adds the two
//                 quantiles of the same u; s = 0.9377538568735655 rescales the sum to sd 1)
// netem builds pareto/paretonormal from tables scaled by 4/3 and clipped at +4σ; here they are the
// exact analytic distributions, scaled so that jitter_ms is their standard deviation.
#pragma once

#include "sim/net/correlated.h"
#include "sim/net/link_config.h"
#include "sim/random.h"

namespace callsim::sim::net {

// Standard normal CDF and its inverse (Acklam's rational approximation + one Halley step,
// |error| < 1e-14 over (0, 1)).
double normal_cdf(double z);
double normal_quantile(double u);

// The standardized quantile of `distribution` at u ∈ (0, 1) (clamped away from 0 and 1).
double jitter_quantile(JitterDistribution distribution, double u);

// E[Φ⁻¹(U)·Zpareto(U)] and the resulting paretonormal scale s = √(1/16 + 9/16 + 3/8·c).
inline constexpr double kNormalParetoComonotonicCorrelation = 0.67835278954999374;
inline constexpr double kParetoNormalScale = 0.93775385687356554;

// Draws one standardized jitter value per call, with the correlation of the DelayConfig.
class JitterSource {
 public:
  explicit JitterSource(RandomStream rng);
  double next(const DelayConfig& delay);

 private:
  RandomStream rng_;
  NetemCorrelated netem_;
  GaussianAr1 gauss_;
};

}  // namespace callsim::sim::net
