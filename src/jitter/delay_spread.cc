#include "jitter/delay_spread.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

DelaySpread::DelaySpread(size_t window, double limit_ms) : window_(window) {
  // The sums of squares stay below 2^63: 2000 x (6e7 us)^2 = 7.2e18.
  if (window < 2 || window > 2000) throw std::invalid_argument("DelaySpread: window of 2 to 2000 packets");
  if (!(limit_ms > 0 && limit_ms <= 60000)) throw std::invalid_argument("DelaySpread: limit in (0, 60000] ms");
  limit_us_ = static_cast<int64_t>(std::llround(limit_ms * 1000.0));
}

void DelaySpread::add(double delay_ms) {
  // NaN (never expected) counts as 0, like a delay below the fastest packet.
  const double us = std::isnan(delay_ms) ? 0.0 : std::clamp(delay_ms * 1000.0, 0.0, static_cast<double>(limit_us_));
  const int64_t v = static_cast<int64_t>(std::llround(us));
  if (!values_.empty()) diff_sq_ += (v - values_.back()) * (v - values_.back());
  values_.push_back(v);
  sum_ += v;
  sum_sq_ += v * v;
  while (!maxima_.empty() && maxima_.back() < v) maxima_.pop_back();
  maxima_.push_back(v);
  if (values_.size() > window_) {
    const int64_t old = values_.front();
    values_.pop_front();
    const int64_t d = values_.front() - old;
    sum_ -= old;
    sum_sq_ -= old * old;
    diff_sq_ -= d * d;
    if (maxima_.front() == old) maxima_.pop_front();
  }
}

double DelaySpread::mean_ms() const {
  return values_.empty() ? 0.0 : static_cast<double>(sum_) / static_cast<double>(values_.size()) / 1000.0;
}

double DelaySpread::sd_ms() const {
  if (values_.size() < 2) return 0.0;
  const double n = static_cast<double>(values_.size());
  const double mean = static_cast<double>(sum_) / n;
  const double var = std::max(0.0, static_cast<double>(sum_sq_) / n - mean * mean);
  const double var_diff = static_cast<double>(diff_sq_) / (n - 1) / 2.0;
  return std::sqrt(std::min(var, var_diff)) / 1000.0;
}

double DelaySpread::max_ms() const { return maxima_.empty() ? 0.0 : static_cast<double>(maxima_.front()) / 1000.0; }

}  // namespace callsim::jitter
