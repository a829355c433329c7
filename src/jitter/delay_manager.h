// DelayManager: the adaptive buffer's target delay (ms, relative to the fastest recent packet).
//   target = clamp(max(q-quantile of relative arrival delays + late margin, held peak),
//                  min_delay, max_delay)
// The quantile comes from a forgetting histogram (NetEq's underrun optimizer idea). The late
// margin is a slow integral controller: each late packet raises it by 2 ms while the recent
// fraction of late packets (EWMA over ~200 packets) exceeds max_late_fraction; it decays by
// 0.01 ms per packet while that fraction is below half of the maximum. The held peak comes from
// the PeakDetector (repeated spikes). Until 25 packets have been seen the target is start_delay.
#pragma once

#include "jitter/delay_histogram.h"
#include "jitter/peak_detector.h"
#include "sim/time.h"

namespace callsim::jitter {

struct DelayManagerConfig {
  double quantile = 0.95;
  double forget_factor = 0.9993;
  double bucket_ms = 2.0;
  double min_delay_ms = 0.0;
  double max_delay_ms = 2000.0;
  double start_delay_ms = 80.0;
  double max_late_fraction = 0.02;
  bool peak_detection = true;
};

class DelayManager {
 public:
  explicit DelayManager(const DelayManagerConfig& config);

  // A packet arrived with `relative_delay_ms`; `late` when it came after its playout slot.
  void packet_arrived(double relative_delay_ms, bool late, sim::Timestamp now);

  double target_delay_ms(sim::Timestamp now) const;
  double quantile_delay_ms() const { return histogram_.quantile(config_.quantile); }
  double late_margin_ms() const { return late_margin_ms_; }
  double late_rate() const { return late_rate_; }
  const DelayManagerConfig& config() const { return config_; }

 private:
  DelayManagerConfig config_;
  DelayHistogram histogram_;
  PeakDetector peaks_;
  double late_rate_ = 0.0;
  double late_margin_ms_ = 0.0;
};

}  // namespace callsim::jitter
