// DelayManager: the adaptive buffer's target delay (ms, relative to the fastest recent packet).
//   target = clamp(max(underrun + late margin + FEC margin, held peak), min_delay, max_delay)
//   underrun    UnderrunEstimator: q-quantile of the per-500-ms maximum relative delay (before the
//               first interval closes: the running maximum, but at least start_delay), and at
//               least the tail floor, the largest delay of a normal tail fitted to the last 500
//               (capped a little above the largest of them)
//   late margin a slow integral controller: each late packet raises it by 2 ms while the recent
//               fraction of late packets (EWMA over ~200 packets) exceeds max_late_fraction; it
//               decays by 0.01 ms per packet while that fraction is below half of the maximum
//   FEC margin  one packet's duration while packets carry in-band FEC (seen within 2 s) and a
//               frame went missing at playout within the last 10 s: the FEC copy of a lost frame
//               rides in the next packet, which arrives one packet later than the lost one would
//               have, so it can only be used if the buffer holds that much more (NetEq gets there
//               by its 20 ms delay granularity)
//   held peak   PeakDetector: repeated spikes hold the target at the spike height
// A delay far above the current target (> 2 x target and > target + 60 ms, once the first 500 ms
// interval of arrivals has closed) is a peak: it goes to the PeakDetector, not into the underrun estimate, so one
// spike is ridden over instead of raising the target for the rest of the call.
#pragma once

#include <optional>

#include "jitter/delay_trend.h"
#include "jitter/peak_detector.h"
#include "jitter/underrun_estimator.h"
#include "sim/time.h"

namespace callsim::jitter {

struct DelayManagerConfig {
  double quantile = 0.95;          // of the per-interval maximum relative delay
  double forget_factor = 0.9993;   // per packet (memory ~1/(1-f) packets)
  double bucket_ms = 2.0;
  double interval_ms = 500.0;
  double robust_quantile = 0.75;   // UnderrunEstimator: the target is at least
  double robust_factor = 1.2;      //   robust_factor x this quantile of the interval maxima
  int startup_intervals = 4;       // start-up: the first 2 s of arrivals
  double startup_sigmas = 5.5;     //   floor: this many standard deviations of the delay
  double tail_sigmas = 3.8;        // tail floor: mean + this many sd of the last 500 delays (0: off)
  double min_delay_ms = 0.0;
  double max_delay_ms = 2000.0;
  double start_delay_ms = 20.0;    // floor of the target until the first interval closes
  double max_late_fraction = 0.02;
  bool peak_detection = true;
  bool fec_margin = true;          // add the FEC margin (the buffer uses FEC)
  double trend_horizon_ms = 2500.0;  // a rising delay adds slope x this to the target
};

// What the buffer tells the delay manager about one arriving packet.
struct PacketArrivalInfo {
  double relative_delay_ms = 0;
  bool late = false;  // came after its playout slot
  sim::Timestamp arrival;
  double duration_ms = 20;  // audio it carries
  bool has_fec = false;     // carries in-band FEC for its predecessor
  double offset_ms = 0;     // arrival minus media time (network delay + a constant), for the trend
};

class DelayManager {
 public:
  explicit DelayManager(const DelayManagerConfig& config);

  void packet_arrived(const PacketArrivalInfo& packet);
  // Playout found the next frame missing (lost or late) at `now`.
  void frame_missing(sim::Timestamp now) { last_missing_ = now; }

  double target_delay_ms(sim::Timestamp now) const;
  // The parts of the target.
  std::optional<double> underrun_ms() const { return underrun_.estimate_ms(); }
  double late_margin_ms() const { return late_margin_ms_; }
  double fec_margin_ms(sim::Timestamp now) const;
  double trend_margin_ms() const;
  double late_rate() const { return late_rate_; }
  // The target still rests on a handful of packets (UnderrunEstimator::settling: fewer than 12).
  bool settling() const { return underrun_.settling(); }
  const DelayManagerConfig& config() const { return config_; }

 private:
  double base_target_ms() const;
  bool is_peak(double relative_delay_ms) const;

  DelayManagerConfig config_;
  UnderrunEstimator underrun_;
  PeakDetector peaks_;
  DelayTrend trend_;
  double late_rate_ = 0.0;
  double late_margin_ms_ = 0.0;
  double packet_ms_ = 20.0;
  std::optional<sim::Timestamp> last_fec_, last_missing_;
};

}  // namespace callsim::jitter
