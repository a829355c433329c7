#include "jitter/delay_manager.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

namespace {
constexpr uint64_t kMinPacketsForEstimate = 25;
constexpr double kLateRateAlpha = 1.0 / 200;  // EWMA memory in packets
constexpr double kMarginUpMs = 2.0;           // per late packet while too many are late
constexpr double kMarginDownMs = 0.01;        // per packet while few are late
constexpr double kHistogramHeadroomMs = 500;  // histogram range beyond max_delay

int bucket_count(const DelayManagerConfig& c) {
  return static_cast<int>(std::ceil((c.max_delay_ms + kHistogramHeadroomMs) / c.bucket_ms));
}
}  // namespace

DelayManager::DelayManager(const DelayManagerConfig& config)
    : config_(config), histogram_(config.bucket_ms, bucket_count(config), config.forget_factor) {
  if (!(config.quantile > 0 && config.quantile < 1))
    throw std::invalid_argument("quantile must be in (0, 1)");
  if (config.min_delay_ms < 0 || config.max_delay_ms < config.min_delay_ms)
    throw std::invalid_argument("need 0 <= min_delay_ms <= max_delay_ms");
}

void DelayManager::packet_arrived(double relative_delay_ms, bool late, sim::Timestamp now) {
  const double before = quantile_delay_ms() + late_margin_ms_;
  histogram_.add(relative_delay_ms);
  if (config_.peak_detection && histogram_.count() >= kMinPacketsForEstimate)
    peaks_.update(relative_delay_ms, std::max(before, config_.min_delay_ms), now);
  late_rate_ += kLateRateAlpha * ((late ? 1.0 : 0.0) - late_rate_);
  if (late && late_rate_ > config_.max_late_fraction)
    late_margin_ms_ = std::min(config_.max_delay_ms, late_margin_ms_ + kMarginUpMs);
  else if (late_rate_ < 0.5 * config_.max_late_fraction)
    late_margin_ms_ = std::max(0.0, late_margin_ms_ - kMarginDownMs);
}

double DelayManager::target_delay_ms(sim::Timestamp now) const {
  double target = config_.start_delay_ms;
  if (histogram_.count() >= kMinPacketsForEstimate) {
    target = quantile_delay_ms() + late_margin_ms_;
    if (auto peak = peaks_.peak_height_ms(now)) target = std::max(target, *peak);
  }
  return std::clamp(target, config_.min_delay_ms, config_.max_delay_ms);
}

}  // namespace callsim::jitter
