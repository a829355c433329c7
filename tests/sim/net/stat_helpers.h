// Test helpers: batch-means standard errors for autocorrelated sequences, and the stationary
// distribution of netem's correlated uniform V = (1-ρ)·U + ρ·V' computed numerically (an
// independent derivation the simulated values are checked against).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace callsim::sim::net::testing {

struct MeanSe {
  double mean = 0, se = 0;
};

// Mean of x and its standard error from `batches` batch means (valid when a batch is much longer
// than the correlation time of x).
inline MeanSe batch_means(const std::vector<double>& x, int batches = 100) {
  const size_t len = x.size() / static_cast<size_t>(batches);
  std::vector<double> m(static_cast<size_t>(batches), 0.0);
  for (int b = 0; b < batches; ++b) {
    for (size_t i = 0; i < len; ++i) m[static_cast<size_t>(b)] += x[static_cast<size_t>(b) * len + i];
    m[static_cast<size_t>(b)] /= static_cast<double>(len);
  }
  double mean = 0;
  for (double v : m) mean += v;
  mean /= batches;
  double var = 0;
  for (double v : m) var += (v - mean) * (v - mean);
  var /= (batches - 1);
  return {mean, std::sqrt(var / batches)};
}

// Stationary law of V = Σ_k (1-ρ)ρ^k U_k, by successive convolution with uniform boxes: adding
// w·U turns the CDF F into (1/w)·∫_{x-w}^{x} F, integrated exactly for F linear between the `n`
// grid points (the only error is that interpolation, O(1/n²) per step).
class NetemStationary {
 public:
  NetemStationary(double rho, int n = 100000) : rho_(rho), n_(n), cdf_(static_cast<size_t>(n) + 1) {
    const double h = 1.0 / n;
    double w = 1.0 - rho;
    for (int i = 0; i <= n; ++i) cdf_[static_cast<size_t>(i)] = std::min(1.0, i * h / w);
    std::vector<double> area(cdf_.size()), next(cdf_.size());
    for (w *= rho; w > 1e-13; w *= rho) {
      area[0] = 0;
      for (size_t i = 1; i < cdf_.size(); ++i) area[i] = area[i - 1] + 0.5 * h * (cdf_[i - 1] + cdf_[i]);
      auto integral = [&](double x) {  // ∫_0^x F
        if (x <= 0) return 0.0;
        if (x >= 1) return area.back() + (x - 1);
        const auto i = std::min(static_cast<size_t>(x * n_), cdf_.size() - 2);
        const double d = x - static_cast<double>(i) * h;
        return area[i] + d * cdf_[i] + d * d / (2 * h) * (cdf_[i + 1] - cdf_[i]);
      };
      for (int i = 0; i <= n; ++i) {
        // A box narrower than a cell lies in one linear piece: the mean of F over it is F at its
        // middle (and computing it so avoids the cancellation of the difference of integrals).
        next[static_cast<size_t>(i)] = w <= h ? cdf(i * h - w / 2) : (integral(i * h) - integral(i * h - w)) / w;
      }
      cdf_.swap(next);
    }
  }
  double cdf(double x) const {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const double pos = x * n_;
    const auto i = static_cast<size_t>(pos);
    const double frac = pos - static_cast<double>(i);
    return i >= static_cast<size_t>(n_) ? 1.0 : cdf_[i] + frac * (cdf_[i + 1] - cdf_[i]);
  }
  // E[g(V)] by the midpoint rule on the grid's cells.
  double expect(const std::function<double(double)>& g) const {
    double s = 0;
    for (int i = 0; i < n_; ++i)
      s += g((i + 0.5) / n_) * (cdf_[static_cast<size_t>(i) + 1] - cdf_[static_cast<size_t>(i)]);
    return s;
  }
  double rho() const { return rho_; }

 private:
  double rho_;
  int n_;
  std::vector<double> cdf_;
};

}  // namespace callsim::sim::net::testing
