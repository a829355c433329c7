// SlackTracker: how much lower the playout delay could have been without any recent packet
// arriving too late, measured where it matters. Playout pulls 10 ms at each tick; a packet is
// needed at the first tick at which the queued audio would be shorter than a frame. When the
// buffer takes a packet with q ms queued, s ms after it arrived, removing L ms of audio makes it
// needed ceil((L - q) / 10) ticks earlier, so it would still have been in time for any
// L <= q + 10 floor(s / 10): that is the packet's headroom (the same at whichever tick it is
// computed). The minimum over the last `window` is the buffer's headroom. Being measured, it
// includes what the playout grid and the packet size do to the achievable delay: on a steady
// path the floor is set by where the packets land between two ticks, not by the target.
// Time stretching changes every recorded headroom by the amount stretched (shift()).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "sim/time.h"

namespace callsim::jitter {

class SlackTracker {
 public:
  explicit SlackTracker(sim::Duration tick = sim::Duration::millis(10),
                        sim::Duration window = sim::Duration::millis(500))
      : tick_(tick), window_(window) {}

  // A packet that arrived at `arrival` is taken for decoding at tick `now`, with `queued` audio
  // still to play before it.
  void taken(sim::Timestamp now, sim::Timestamp arrival, sim::Duration queued);
  // The smallest headroom (ms) recorded within the window before `now`; nullopt when none.
  std::optional<double> headroom_ms(sim::Timestamp now) const;
  // After the delay was changed by `ms` (positive: grown), every recorded headroom changes by it.
  void shift(double ms) { offset_ns_ += static_cast<int64_t>(ms * 1e6); }

 private:
  struct Entry {
    int64_t time_ns;
    int64_t headroom_ns;  // minus offset_ns_ at the time of recording
  };
  sim::Duration tick_, window_;
  std::deque<Entry> min_queue_;  // increasing headroom, increasing time
  int64_t offset_ns_ = 0;
};

}  // namespace callsim::jitter
