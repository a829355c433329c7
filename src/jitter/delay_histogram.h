// DelayHistogram: an exponentially forgetting histogram of delays (ms) with a quantile query.
// Each add() scales the existing mass by the forget factor f and adds (1 - f) to the new value's
// bucket, so the memory is about 1/(1-f) samples. At start-up f ramps as n/(n+1) (a plain
// average of the first samples) until it reaches the configured factor, so early quantiles are
// not biased towards zero (the idea of NetEq's start_forget_weight).
#pragma once

#include <cstdint>
#include <vector>

namespace callsim::jitter {

class DelayHistogram {
 public:
  // Buckets of `bucket_ms` covering [0, bucket_ms * buckets); larger values land in the last one.
  DelayHistogram(double bucket_ms, int buckets, double forget_factor);

  void add(double delay_ms) { add(delay_ms, forget_factor_); }
  // Same with another forget factor for this sample (e.g. f^n for a sample standing for n packets).
  void add(double delay_ms, double forget_factor);
  // Smallest delay d with P(delay <= d) >= q, interpolated linearly inside the bucket.
  // Returns 0 before the first add().
  double quantile(double q) const;
  // Probability mass above `delay_ms`.
  double mass_above(double delay_ms) const;
  uint64_t count() const { return count_; }
  void reset();

 private:
  double bucket_ms_;
  double forget_factor_;
  std::vector<double> mass_;
  uint64_t count_ = 0;
};

}  // namespace callsim::jitter
