// Competing traffic for a link's bottleneck: constant-bitrate or on/off packets of a fixed wire
// size, generated lazily up to the time of the link's next packet and pushed into the same virtual
// queue. Deterministic (no random stream); the parameters in force at each cross packet's own send
// time apply, so phases can switch the cross traffic on and off.
#pragma once

#include <cstdint>

#include "sim/net/bottleneck.h"
#include "sim/net/phase_schedule.h"
#include "sim/time.h"

namespace callsim::sim::net {

struct CrossTrafficStats {
  uint64_t sent = 0;
  uint64_t dropped = 0;
  int64_t bytes_sent = 0;
};

class CrossTraffic {
 public:
  // Sends every cross packet due at or before `now` (ties go before the link's own packet).
  void advance(Timestamp now, PhaseSchedule& schedule, Bottleneck& bottleneck);
  const CrossTrafficStats& stats() const { return stats_; }
  // The conditions may change at t (a phase added at run time): when idle or in an "off" period
  // (waiting for a change), look again from t at the latest. A packet's CBR spacing is kept.
  void wake_at(Timestamp t) {
    if (waiting_ && t < next_) next_ = t;
  }

 private:
  // The first time ≥ t at which `c` lets a packet out (skips "off" periods); infinite if never.
  static Timestamp next_on_time(const CrossTrafficConfig& c, Timestamp t);

  Timestamp next_;        // next candidate send time
  bool waiting_ = false;  // next_ is a wait for a change, not the spacing after a packet
  CrossTrafficStats stats_;
};

}  // namespace callsim::sim::net
