// ArrivalHistory: the reference for "relative delay". For each packet x = arrival - position / rate
// (ns) is the network delay plus an unknown clock offset; the fastest packet of the last
// `window` (the minimum x) is the best estimate of offset + minimum delay. Delays relative to it
// are what the delay manager learns from and what the decision logic controls (as NetEq's
// PacketArrivalHistory). A sliding-window minimum (monotonic deque) keeps it O(1) per packet and
// follows clock drift between sender and receiver. When no packet arrived within the window (DTX),
// the last one is kept.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "sim/time.h"

namespace callsim::jitter {

class ArrivalHistory {
 public:
  ArrivalHistory(int sample_rate_hz, sim::Duration window) : rate_(sample_rate_hz), window_(window) {}

  // Records a packet (arrivals come in non-decreasing order); returns its delay relative to the
  // fastest packet in the window, ms (>= 0).
  double insert(int64_t position, sim::Timestamp arrival);

  // Arrival minus media time of `position` arriving at `arrival`, ms, relative to the first packet
  // (network delay plus a constant).
  double offset_ms(int64_t position, sim::Timestamp arrival) const;
  // Media time of a timeline position, ns (position / rate).
  int64_t media_ns(int64_t position) const;
  // The relative delay (ms) of an offset "time minus media time" (ns), against the reference.
  double delay_of_offset_ms(int64_t offset_ns) const {
    return static_cast<double>(offset_ns - reference_ns_.value_or(0)) / 1e6;
  }

  bool empty() const { return !reference_ns_.has_value(); }
  // Delay (ms) of the sample at `position` if it is played at `playout_time`.
  double delay_ms(int64_t position, sim::Timestamp playout_time) const;
  // The time at which `position` would be played with the given relative delay.
  sim::Timestamp time_for(int64_t position, double delay_ms) const;

 private:
  struct Entry {
    int64_t arrival_ns;
    int64_t x_ns;
  };
  int64_t x_of(int64_t position, sim::Timestamp t) const;

  int rate_;
  sim::Duration window_;
  std::deque<Entry> min_queue_;  // increasing x, increasing arrival
  std::optional<int64_t> reference_ns_, origin_ns_;
};

}  // namespace callsim::jitter
