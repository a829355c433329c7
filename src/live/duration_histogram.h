// A histogram of durations in nanoseconds: the relay's release-time error (actual send time minus
// the due time the link model computed) and its link delays. Log-linear (HdrHistogram-style): exact
// 1 µs buckets below 1024 µs, then 64 buckets per power of two (relative resolution ≤ 1/64) up to
// 12 days; a percentile is the upper edge of the bucket holding the nearest-rank value (capped at
// the maximum), so it is named for what it is: "p50_at_most_us": 12 means the median was at most
// 12 µs (and above 11 µs); the JSON states the bucket widths beside them. Memory stays bounded
// however long the relay runs, which exact percentiles would not. Mean, minimum and maximum are
// exact. Negative values (a release before its due time, which the scheduler never
// does) count in the first bucket and as `early`.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace callsim::live {

class DurationHistogram {
 public:
  DurationHistogram();
  void add(int64_t error_ns);
  void merge(const DurationHistogram& other);
  void clear();

  uint64_t count() const { return count_; }
  uint64_t early() const { return early_; }
  int64_t max_ns() const { return max_ns_; }
  // Upper edge of the bucket holding the nearest-rank q-quantile, in ns (0 when empty).
  int64_t percentile_ns(double q) const;
  // {"count", "early", ["over_1ms",] "mean_<unit>", "min_", "p50_at_most_", "p90_at_most_",
  // "p99_at_most_", "p999_at_most_", "max_", "bucket_width_us_below_1024us": 1,
  // "bucket_width_relative_above": 1/64}, unit "us" or "ms". `over_1ms` (values above 1 ms) only
  // with `over_1ms` true: it means something for release errors, not for link delays.
  nlohmann::json to_json(const char* unit = "us", bool over_1ms = true) const;

 private:
  static size_t bucket(int64_t ns);
  static int64_t upper_edge_ns(size_t bucket);
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0, early_ = 0, over_1ms_ = 0;
  int64_t max_ns_ = 0, min_ns_ = INT64_MAX;
  double sum_ns_ = 0;
};

}  // namespace callsim::live
