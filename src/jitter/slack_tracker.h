// SlackTracker: the lowest playout delay at which every recent packet would still have been in
// time, measured where it matters. Playout pulls 10 ms at each tick; a packet is needed at the
// first tick at which the queued audio would be shorter than a frame. When the buffer takes a
// packet with q ms queued, s ms after it arrived, removing L ms of audio makes it needed
// ceil((L - q) / 10) ticks earlier, so it would still have been in time for any
// L <= q + 10 floor(s / 10): that much lower is that packet's floor. Floors are kept as offsets
// "play time minus media time" (the same kind of value as ArrivalHistory's, so they do not move
// when the buffer stretches, stalls or skips); the highest over the last `window` is the buffer's
// floor, and the current playout delay minus it is the headroom. Being measured, it includes
// what the playout grid and the packet size do to the achievable delay: on a steady path the
// floor is set by where the packets land between two ticks, not by any target.
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
  // still to play before it; `media_ns` is its first sample's media time (position / rate).
  void taken(sim::Timestamp now, sim::Timestamp arrival, sim::Duration queued, int64_t media_ns);
  // The highest floor (play time minus media time, ns) recorded within the window before `now`.
  std::optional<int64_t> floor_ns(sim::Timestamp now) const;

 private:
  struct Entry {
    int64_t time_ns;
    int64_t floor_ns;
  };
  sim::Duration tick_, window_;
  std::deque<Entry> max_queue_;  // decreasing floor, increasing time
};

}  // namespace callsim::jitter
