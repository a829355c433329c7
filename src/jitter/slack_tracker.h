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
// A second, higher floor says how close playout is to running dry: a packet is needed at the tick
// at which less than 10 ms is queued before it, (queued mod 10 ms) before it plays, so it would
// have been late at any play offset below arrival + (queued mod 10 ms) - media time. The current
// delay minus the highest of these is the margin: how much later the recent packets could have
// arrived (on a rising delay the next ones do). The removal floor above can be up to 10 ms lower:
// a packet taken on arrival with 8 ms queued could lose those 8 ms (it is needed at that same
// tick either way), yet one arriving a moment later would already miss it.
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
  // The highest running-dry floor (play time minus media time, ns) within the window.
  std::optional<int64_t> dry_floor_ns(sim::Timestamp now) const;

 private:
  struct Entry {
    int64_t time_ns;
    int64_t floor_ns;
  };
  sim::Duration tick_, window_;
  static void push(std::deque<Entry>& q, int64_t time_ns, int64_t floor_ns, int64_t oldest_ns);
  static std::optional<int64_t> highest(const std::deque<Entry>& q, int64_t oldest_ns);
  std::deque<Entry> max_queue_;  // decreasing floor, increasing time
  std::deque<Entry> dry_queue_;  // the same for the running-dry floors
};

}  // namespace callsim::jitter
