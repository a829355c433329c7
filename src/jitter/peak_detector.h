// PeakDetector: recognises repeated delay spikes (e.g. a Wi-Fi scan every few seconds). A peak
// is a relative delay well above the quantile target (> 2 x target and > target + 60 ms); the
// packets of one spike (within 500 ms) form one peak. Once two peaks are at most
// `max_period` apart the detector is "active" and reports the largest recent peak height, which
// the delay manager holds as a floor for the target, until no peak has been seen for twice the
// longest observed period.
#pragma once

#include <deque>
#include <optional>

#include "sim/time.h"

namespace callsim::jitter {

class PeakDetector {
 public:
  explicit PeakDetector(sim::Duration max_period = sim::Duration::seconds(10)) : max_period_(max_period) {}

  void update(double relative_delay_ms, double target_ms, sim::Timestamp now);
  // The delay to hold while repeated peaks are seen.
  std::optional<double> peak_height_ms(sim::Timestamp now) const;
  void reset() { peaks_.clear(); }

 private:
  struct Peak {
    sim::Timestamp time;
    double height_ms;
  };
  sim::Duration max_period_;
  std::deque<Peak> peaks_;  // newest last
};

}  // namespace callsim::jitter
