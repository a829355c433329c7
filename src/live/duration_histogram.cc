#include "live/duration_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

namespace callsim::live {
namespace {

constexpr int64_t kLinearUs = 1024;  // exact 1 µs buckets below this
constexpr int kSubBuckets = 64;      // per power of two above it
constexpr int kMaxPower = 30;        // up to 1024 µs · 2^30 (12 days); beyond: the last bucket
constexpr size_t kBuckets = kLinearUs + static_cast<size_t>(kMaxPower) * kSubBuckets + 1;

double in_unit(int64_t ns, double scale) { return static_cast<double>(ns) / scale; }

}  // namespace

DurationHistogram::DurationHistogram() : buckets_(kBuckets, 0) {}

size_t DurationHistogram::bucket(int64_t ns) {
  // Bucket k < 1024 holds errors in [k µs, k+1 µs).
  const int64_t u = ns / 1000;
  if (u < kLinearUs) return static_cast<size_t>(u);
  const int power = std::bit_width(static_cast<uint64_t>(u)) - 11;  // u in [1024·2^power, 1024·2^(power+1))
  if (power >= kMaxPower) return kBuckets - 1;
  const int64_t base = kLinearUs << power;
  const int64_t sub = (u - base) * kSubBuckets / base;
  return static_cast<size_t>(kLinearUs + power * kSubBuckets + sub);
}

int64_t DurationHistogram::upper_edge_ns(size_t b) {
  if (b < static_cast<size_t>(kLinearUs)) return (static_cast<int64_t>(b) + 1) * 1000;
  const size_t k = b - static_cast<size_t>(kLinearUs);
  const int power = static_cast<int>(k / kSubBuckets);
  if (power >= kMaxPower) return INT64_MAX;
  const int64_t base = kLinearUs << power;
  return (base + (static_cast<int64_t>(k % kSubBuckets) + 1) * base / kSubBuckets) * 1000;
}

void DurationHistogram::add(int64_t error_ns) {
  ++count_;
  sum_ns_ += static_cast<double>(error_ns);
  max_ns_ = count_ == 1 ? error_ns : std::max(max_ns_, error_ns);
  min_ns_ = std::min(min_ns_, error_ns);
  if (error_ns < 0) {
    ++early_;
    error_ns = 0;
  }
  over_1ms_ += error_ns > 1000000;
  ++buckets_[bucket(error_ns)];
}

void DurationHistogram::merge(const DurationHistogram& o) {
  if (o.count_ == 0) return;
  for (size_t k = 0; k < kBuckets; ++k) buckets_[k] += o.buckets_[k];
  max_ns_ = count_ == 0 ? o.max_ns_ : std::max(max_ns_, o.max_ns_);
  min_ns_ = std::min(min_ns_, o.min_ns_);
  count_ += o.count_;
  early_ += o.early_;
  over_1ms_ += o.over_1ms_;
  sum_ns_ += o.sum_ns_;
}

void DurationHistogram::clear() { *this = DurationHistogram(); }

int64_t DurationHistogram::percentile_ns(double q) const {
  if (count_ == 0) return 0;
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t k = 0; k < kBuckets; ++k) {
    seen += buckets_[k];
    if (seen >= rank) return std::min(upper_edge_ns(k), std::max<int64_t>(max_ns_, 0));
  }
  return max_ns_;
}

nlohmann::json DurationHistogram::to_json(const char* unit, bool over_1ms) const {
  using nlohmann::json;
  const std::string u = unit;
  const double scale = u == "ms" ? 1e6 : 1e3;
  json out = {{"count", count_}, {"early", early_}};
  if (over_1ms) out["over_1ms"] = over_1ms_;
  // The percentiles are bucket upper edges (see the header): their keys say "at most", and the
  // bucket widths that bound how far above the true value they may be are stated.
  const std::string keys[] = {"mean_", "min_", "p50_at_most_", "p90_at_most_", "p99_at_most_", "p999_at_most_", "max_"};
  out["bucket_width_us_below_1024us"] = 1;
  out["bucket_width_relative_above"] = 1.0 / kSubBuckets;
  if (count_ == 0) {
    for (const auto& k : keys) out[k + u] = nullptr;  // nothing measured
    return out;
  }
  const int64_t values[] = {static_cast<int64_t>(std::llround(sum_ns_ / static_cast<double>(count_))),
                            min_ns_,
                            percentile_ns(0.5),
                            percentile_ns(0.9),
                            percentile_ns(0.99),
                            percentile_ns(0.999),
                            max_ns_};
  for (size_t k = 0; k < 7; ++k) out[keys[k] + u] = in_unit(values[k], scale);
  return out;
}

}  // namespace callsim::live
