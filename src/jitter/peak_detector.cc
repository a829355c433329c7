#include "jitter/peak_detector.h"

#include <algorithm>

namespace callsim::jitter {

namespace {
constexpr double kMinPeakAboveTargetMs = 60.0;
constexpr sim::Duration kSameSpike = sim::Duration::millis(500);
}  // namespace

void PeakDetector::update(double relative_delay_ms, double target_ms, sim::Timestamp now) {
  // Forget peaks that are too far apart to form a pattern.
  while (!peaks_.empty() && now - peaks_.front().time > max_period_ * 2) peaks_.pop_front();
  const bool is_peak =
      relative_delay_ms > 2.0 * target_ms && relative_delay_ms > target_ms + kMinPeakAboveTargetMs;
  if (!is_peak) return;
  if (!peaks_.empty() && now - peaks_.back().time <= kSameSpike) {
    peaks_.back().height_ms = std::max(peaks_.back().height_ms, relative_delay_ms);
    peaks_.back().time = now;
    return;
  }
  if (!peaks_.empty() && now - peaks_.back().time > max_period_) peaks_.clear();
  peaks_.push_back({now, relative_delay_ms});
  if (peaks_.size() > 8) peaks_.pop_front();
}

std::optional<double> PeakDetector::peak_height_ms(sim::Timestamp now) const {
  if (peaks_.size() < 2) return std::nullopt;
  sim::Duration longest = sim::Duration::zero();
  double height = 0;
  for (size_t i = 1; i < peaks_.size(); ++i) {
    const sim::Duration period = peaks_[i].time - peaks_[i - 1].time;
    if (period > max_period_) return std::nullopt;
    longest = std::max(longest, period);
  }
  for (const auto& p : peaks_) height = std::max(height, p.height_ms);
  if (now - peaks_.back().time > longest * 2) return std::nullopt;
  return height;
}

}  // namespace callsim::jitter
