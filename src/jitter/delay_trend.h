// DelayTrend: is the network delay rising steadily (a queue filling, a bufferbloated uplink), and
// how fast? The offsets of the packets (arrival minus media time: network delay plus an unknown
// constant) are reduced to their minimum per block of arrival time (200 ms), the lower envelope
// of the delay. The delay is rising when the minima of the last `blocks` closed blocks never
// fall and climb by at least min_slope over their span; the slope is their least-squares line.
// Minima, not single delays: i.i.d. jitter moves them little (the minimum of ten packets), and a
// spike, whose late packets arrive in one burst that drains back to the base delay, leaves the
// minimum of its block at the base; only a rise of the whole distribution moves them all up.
// The adaptive buffer adds slope x horizon to its target: the relative delays it learns from are
// measured against the fastest packet of the last 2 s, which on a steady ramp stay constant while
// the absolute delay keeps climbing, so without this it tracks a ramp with no headroom.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "sim/time.h"

namespace callsim::jitter {

struct DelayTrendConfig {
  double block_ms = 200.0;
  int blocks = 5;
  double min_slope_ms_per_s = 10.0;
};

class DelayTrend {
 public:
  explicit DelayTrend(DelayTrendConfig config = {});

  // One packet: its arrival and its offset (arrival minus media time), ms (any constant origin).
  void add(sim::Timestamp arrival, double offset_ms);
  // The slope (ms of delay per s) while the delay is rising steadily, else nullopt.
  std::optional<double> rising_slope_ms_per_s() const { return rising_; }

 private:
  void close_block();
  void fit();

  DelayTrendConfig config_;
  struct Block {
    int64_t start_ns;
    double min_offset_ms;
  };
  std::deque<Block> closed_;
  std::optional<Block> open_;
  std::optional<double> rising_;
};

}  // namespace callsim::jitter
