#include "jitter/delay_histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

DelayHistogram::DelayHistogram(double bucket_ms, int buckets, double forget_factor)
    : bucket_ms_(bucket_ms), forget_factor_(forget_factor), mass_(static_cast<size_t>(buckets), 0.0) {
  if (!(bucket_ms > 0) || buckets < 1) throw std::invalid_argument("DelayHistogram: bad bucket layout");
  if (!(forget_factor > 0 && forget_factor < 1))
    throw std::invalid_argument("DelayHistogram: forget_factor in (0, 1)");
}

void DelayHistogram::add(double delay_ms, double forget_factor) {
  const double n = static_cast<double>(count_);
  const double f = std::min(forget_factor, n / (n + 1.0));
  for (double& m : mass_) m *= f;
  const double pos = std::max(0.0, delay_ms) / bucket_ms_;
  const size_t bucket = std::min(mass_.size() - 1, static_cast<size_t>(pos));
  mass_[bucket] += 1.0 - f;
  ++count_;
}

double DelayHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  double total = 0;
  for (double m : mass_) total += m;
  const double goal = q * total;
  double seen = 0;
  for (size_t i = 0; i < mass_.size(); ++i) {
    if (mass_[i] > 0 && seen + mass_[i] >= goal) {
      const double frac = std::clamp((goal - seen) / mass_[i], 0.0, 1.0);
      return (static_cast<double>(i) + frac) * bucket_ms_;
    }
    seen += mass_[i];
  }
  return static_cast<double>(mass_.size()) * bucket_ms_;
}

double DelayHistogram::mass_above(double delay_ms) const {
  double total = 0, above = 0;
  const double pos = std::max(0.0, delay_ms) / bucket_ms_;
  for (size_t i = 0; i < mass_.size(); ++i) {
    total += mass_[i];
    const double lo = static_cast<double>(i), hi = lo + 1.0;
    if (lo >= pos)
      above += mass_[i];
    else if (hi > pos)
      above += mass_[i] * (hi - pos);
  }
  return total > 0 ? above / total : 0.0;
}

void DelayHistogram::reset() {
  std::fill(mass_.begin(), mass_.end(), 0.0);
  count_ = 0;
}

}  // namespace callsim::jitter
