// Correlated random sources used by the link models, each drawing from its own RandomStream.
//
// NetemCorrelated reproduces netem's get_crandom(): next = (1-ρ)·U + ρ·last, U uniform on [0, 1).
// Its consequences (derived in README.md): the values keep mean 1/2, their lag-k autocorrelation is
// exactly ρ^k, but their variance shrinks to (1-ρ)/(1+ρ)/12, so thresholding at p (loss) gives a
// loss rate below p for p < 1/2 (above for p > 1/2) and longer bursts.
//
// GaussianAr1 is the alternative used by the `marginal` correlation mode: g = ρ·g' + √(1-ρ²)·N(0,1)
// stays exactly N(0, 1) with lag-1 autocorrelation ρ.
#pragma once

#include <cmath>

#include "sim/random.h"

namespace callsim::sim::net {

class NetemCorrelated {
 public:
  // The first `last` is a draw of the same stream, as netem seeds it from its generator.
  explicit NetemCorrelated(RandomStream& rng) : last_(rng.uniform()) {}

  // A value in [0, 1) whose dependence on the previous one is `rho` (0 = plain uniform).
  double next(RandomStream& rng, double rho) {
    const double u = rng.uniform();
    if (rho <= 0.0) return u;
    last_ = (1.0 - rho) * u + rho * last_;
    return last_;
  }

 private:
  double last_;
};

class GaussianAr1 {
 public:
  explicit GaussianAr1(RandomStream& rng) : last_(rng.normal()) {}

  double next(RandomStream& rng, double rho) {
    const double z = rng.normal();
    if (rho <= 0.0) return z;
    last_ = rho * last_ + std::sqrt(1.0 - rho * rho) * z;
    return last_;
  }

 private:
  double last_;
};

}  // namespace callsim::sim::net
