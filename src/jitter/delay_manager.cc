#include "jitter/delay_manager.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

namespace {
constexpr double kLateRateAlpha = 1.0 / 200;  // EWMA memory in packets
constexpr double kMarginUpMs = 2.0;           // per late packet while too many are late
constexpr double kMarginDownMs = 0.01;        // per packet while few are late
constexpr double kHistogramHeadroomMs = 500;  // histogram range beyond max_delay
// A delay can be a peak once one interval of arrivals has closed (the first queue spike of a
// congested path often comes within the first second or two: counted in, it would set the start-up
// target to the spike's height).
constexpr uint64_t kIntervalsBeforePeaks = 1;
constexpr double kMinPeakAboveTargetMs = 60.0;
constexpr sim::Duration kFecSeenMemory = sim::Duration::seconds(2);
constexpr sim::Duration kMissingMemory = sim::Duration::seconds(10);

UnderrunConfig underrun_config(const DelayManagerConfig& c) {
  UnderrunConfig u;
  u.quantile = c.quantile;
  u.forget_factor = c.forget_factor;
  u.bucket_ms = c.bucket_ms;
  u.range_ms = c.max_delay_ms + kHistogramHeadroomMs;
  u.interval_ms = c.interval_ms;
  u.startup_intervals = c.startup_intervals;
  u.robust_quantile = c.robust_quantile;
  u.robust_factor = c.robust_factor;
  u.startup_sigmas = c.startup_sigmas;
  u.tail_sigmas = c.tail_sigmas;
  return u;
}
}  // namespace

DelayManager::DelayManager(const DelayManagerConfig& config)
    : config_(config), underrun_(underrun_config(config)) {
  if (config.min_delay_ms < 0 || config.max_delay_ms < config.min_delay_ms)
    throw std::invalid_argument("need 0 <= min_delay_ms <= max_delay_ms");
}

bool DelayManager::is_peak(double relative_delay_ms) const {
  if (!config_.peak_detection || underrun_.intervals() < kIntervalsBeforePeaks) return false;
  const double base = std::max(base_target_ms(), config_.min_delay_ms);
  return relative_delay_ms > 2.0 * base && relative_delay_ms > base + kMinPeakAboveTargetMs;
}

void DelayManager::packet_arrived(const PacketArrivalInfo& p) {
  if (p.duration_ms > 0) packet_ms_ = p.duration_ms;
  if (p.has_fec) {
    // A sender that adds FEC expects losses: until the stream has shown otherwise for the memory
    // period, count its start as a missing frame.
    if (!last_fec_ && !last_missing_) last_missing_ = p.arrival;
    last_fec_ = p.arrival;
  }
  trend_.add(p.arrival, p.offset_ms);
  if (config_.peak_detection && underrun_.intervals() >= kIntervalsBeforePeaks)
    peaks_.update(p.relative_delay_ms, std::max(base_target_ms(), config_.min_delay_ms), p.arrival);
  if (!is_peak(p.relative_delay_ms)) underrun_.add(p.relative_delay_ms, p.arrival);
  late_rate_ += kLateRateAlpha * ((p.late ? 1.0 : 0.0) - late_rate_);
  if (p.late && late_rate_ > config_.max_late_fraction)
    late_margin_ms_ = std::min(config_.max_delay_ms, late_margin_ms_ + kMarginUpMs);
  else if (late_rate_ < 0.5 * config_.max_late_fraction)
    late_margin_ms_ = std::max(0.0, late_margin_ms_ - kMarginDownMs);
}

double DelayManager::fec_margin_ms(sim::Timestamp now) const {
  if (!config_.fec_margin || !last_fec_ || !last_missing_) return 0.0;
  if (now - *last_fec_ > kFecSeenMemory || now - *last_missing_ > kMissingMemory) return 0.0;
  return packet_ms_;
}

double DelayManager::base_target_ms() const {
  const std::optional<double> underrun = underrun_.estimate_ms();
  if (!underrun) return config_.start_delay_ms;
  const double target = *underrun + late_margin_ms_ + trend_margin_ms();
  // Until the first interval closes the start delay is a floor (one packet: room for a first
  // late packet or FEC before anything is known).
  return underrun_.intervals() == 0 ? std::max(config_.start_delay_ms, target) : target;
}

double DelayManager::trend_margin_ms() const {
  const std::optional<double> slope = trend_.rising_slope_ms_per_s();
  return slope ? *slope * config_.trend_horizon_ms / 1000.0 : 0.0;
}

double DelayManager::target_delay_ms(sim::Timestamp now) const {
  double target = base_target_ms();
  if (auto peak = peaks_.peak_height_ms(now)) target = std::max(target, *peak);
  return std::clamp(target, config_.min_delay_ms, config_.max_delay_ms);
}

}  // namespace callsim::jitter
