// DelaySpread: the spread of the last `window` relative delays, for the UnderrunEstimator's tail
// floor. Mean, a trend-robust standard deviation and the largest value over a sliding window of
// packets. The standard deviation is the smaller of the plain one and the one implied by
// successive differences (var(x[i] - x[i-1]) / 2, which equals var(x) for independent delays but
// ignores a slow trend): a delay ramp of 100 ms over 10 s has a plain sd of ~29 ms and a
// difference sd near zero, and it is the packet-to-packet jitter, not the ramp, that the floor
// is about (the trend has its own margin, DelayTrend).
// Values are kept as integer microseconds (clamped to [0, limit]) so the running sums are exact:
// no drift over a long call and bit-identical results everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace callsim::jitter {

class DelaySpread {
 public:
  // Throws std::invalid_argument for a window below 2 or above 2000 packets or a limit outside
  // (0, 60000] ms (the integer sums stay exact).
  DelaySpread(size_t window, double limit_ms);

  void add(double delay_ms);

  size_t size() const { return values_.size(); }
  // Over the values in the window; 0 when it is empty (sd: fewer than 2 values).
  double mean_ms() const;
  double sd_ms() const;  // min(plain sd, sd of successive differences / sqrt 2)
  double max_ms() const;

 private:
  size_t window_;
  int64_t limit_us_;
  std::deque<int64_t> values_;
  std::deque<int64_t> maxima_;  // non-increasing candidates for the window maximum
  int64_t sum_ = 0, sum_sq_ = 0, diff_sq_ = 0;
};

}  // namespace callsim::jitter
