#include "jitter/underrun_estimator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

namespace {
// A quantile never exceeds the largest sample it is taken from: the histogram's interpolation
// inside a bucket would otherwise put a path whose delays are all 0 at 0.95 x bucket width.
// The largest of the last ~memory worth of maxima (60 intervals of 25 packets at f = 0.9993).
constexpr size_t kKeptMaxima = 60;

DelayHistogram make_histogram(const UnderrunConfig& c) {
  if (!(c.quantile > 0 && c.quantile < 1)) throw std::invalid_argument("UnderrunEstimator: quantile in (0, 1)");
  if (!(c.forget_factor > 0 && c.forget_factor < 1))
    throw std::invalid_argument("UnderrunEstimator: forget_factor in (0, 1)");
  if (!(c.interval_ms > 0) || !(c.bucket_ms > 0) || !(c.range_ms > c.bucket_ms))
    throw std::invalid_argument("UnderrunEstimator: interval, bucket and range must be positive");
  if (!(c.tail_sigmas >= 0) || !(c.tail_max_sigmas >= 0) || c.tail_min_packets < 0)
    throw std::invalid_argument("UnderrunEstimator: tail settings must not be negative");
  return DelayHistogram(c.bucket_ms, static_cast<int>(std::ceil(c.range_ms / c.bucket_ms)), c.forget_factor);
}
}  // namespace

UnderrunEstimator::UnderrunEstimator(const UnderrunConfig& config)
    : config_(config),
      histogram_(make_histogram(config)),
      spread_(static_cast<size_t>(std::max(0, config.tail_window)), config.range_ms) {}

void UnderrunEstimator::add(double relative_delay_ms, sim::Timestamp arrival) {
  if (interval_start_ && (arrival - *interval_start_).to_ms() >= config_.interval_ms) close_interval();
  if (!interval_start_) interval_start_ = arrival;
  if (intervals_ < static_cast<uint64_t>(config_.startup_intervals)) {
    n_ += 1;
    sum_ += relative_delay_ms;
    sum_sq_ += relative_delay_ms * relative_delay_ms;
  }
  spread_.add(relative_delay_ms);
  interval_max_ = interval_packets_ == 0 ? relative_delay_ms : std::max(interval_max_, relative_delay_ms);
  ++interval_packets_;
}

void UnderrunEstimator::close_interval() {
  histogram_.add(interval_max_, std::pow(config_.forget_factor, interval_packets_));
  recent_maxima_.push_back(interval_max_);
  if (recent_maxima_.size() > kKeptMaxima) recent_maxima_.pop_front();
  ++intervals_;
  interval_start_.reset();
  interval_packets_ = 0;
}

std::optional<double> UnderrunEstimator::estimate_ms() const {
  if (intervals_ == 0 && interval_packets_ == 0) return std::nullopt;
  double estimate = interval_max_;
  if (intervals_ > 0) {
    const double largest = *std::max_element(recent_maxima_.begin(), recent_maxima_.end());
    estimate = std::min(histogram_.quantile(config_.quantile), largest);
    if (config_.robust_factor > 0)
      estimate = std::max(estimate,
                          config_.robust_factor * std::min(histogram_.quantile(config_.robust_quantile), largest));
  }
  if (intervals_ < static_cast<uint64_t>(config_.startup_intervals) && n_ > 0) {
    const double mean = sum_ / n_, var = std::max(0.0, sum_sq_ / n_ - mean * mean);
    estimate = std::max(estimate, config_.startup_sigmas * std::sqrt(var));
  }
  if (config_.tail_sigmas > 0 && spread_.size() >= static_cast<size_t>(config_.tail_min_packets)) {
    const double sd = spread_.sd_ms();
    estimate = std::max(estimate, std::min(spread_.mean_ms() + config_.tail_sigmas * sd,
                                           spread_.max_ms() + config_.tail_max_sigmas * sd));
  }
  return estimate;
}

}  // namespace callsim::jitter
