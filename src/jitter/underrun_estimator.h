// UnderrunEstimator: the playout delay (ms above the fastest recent packet) that keeps the
// adaptive buffer from running dry, from the relative arrival delays of the packets.
// The delays are reduced to their maximum over each interval of arrival time (500 ms, 25 packets
// of 20 ms), and these maxima go into a forgetting DelayHistogram whose q-quantile is the
// estimate (the idea of NetEq's newer underrun optimizer). A quantile of interval maxima covers a
// far higher share of single packets than the same quantile of single delays (i.i.d. delays,
// n packets per interval: P(packet <= estimate) = q^(1/n), 0.95 -> 0.998 at n = 25), which is
// what a buffer needs when every late packet is an audible stall; and a burst of late packets
// (one spike) counts once, not once per packet.
// Forgetting is per packet, like the per-packet histogram it replaces: an interval that held n
// packets scales the old mass by f^n, so the memory stays ~1/(1-f) packets whatever the packet
// rate. Until the first interval closes, the quantile is replaced by the running maximum.
// Start-up: a few maxima say little about the tail, so during the first startup_intervals the
// estimate is at least startup_sigmas x the standard deviation of all delays so far. The delays
// are relative to the fastest packet, which among 8 to 100 normal delays lies 1.4 to 2.5 sd under
// their mean, so 5.5 sd above it is mean + 3 to 4 sd: a jittery path gets a safe target from
// its first packets instead of one stall per new maximum, a steady path stays at its minimum.
// The sd of a handful of delays is itself uncertain (one early large delay can raise it by half:
// 37.8 ms against 25 on jitter60_25 seed 27); scales less moved by one delay were measured and
// trade quality for delay along the same line as fewer sigmas (src/jitter/README.md).
// Tail floor: a call of ~10 s holds ~20 maxima, so the quantile above is in effect the largest
// maximum seen so far, and each new largest delay is a late packet (an audible stall) before the
// estimate learns it; the hindsight-best fixed buffer on the same path never has one. From the
// last tail_window packets (DelaySpread: mean, trend-robust sd, largest), once tail_min_packets
// have arrived, the estimate is at least
//     min(mean + tail_sigmas x sd,  largest + tail_max_sigmas x sd):
// the first term is a normal tail's one-in-14000 point (3.8 sd: about one packet in five
// minutes); the second keeps a short-tailed path (uniform jitter ends at mean + 1.7 sd) from
// paying for a normal tail it does not have. On ../shared/jb-frontier's jitter60_25 kind
// (normal 60 +- 25 ms) it takes the buffer from 10 to 16 of 24 unseen traces within reach of
// the hindsight-best fixed buffer (src/jitter/README.md has the figures and the commands).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "jitter/delay_histogram.h"
#include "jitter/delay_spread.h"
#include "sim/time.h"

namespace callsim::jitter {

struct UnderrunConfig {
  double quantile = 0.95;           // of the interval maxima
  double forget_factor = 0.9993;    // per packet
  double bucket_ms = 2.0;           // histogram resolution
  double range_ms = 2500.0;         // histogram range (larger delays land in the last bucket)
  double interval_ms = 500.0;       // arrival-time interval whose maximum is one sample
  double robust_quantile = 0.75;    // the estimate is at least robust_factor x this quantile
  double robust_factor = 1.2;       // (0: off)
  int startup_intervals = 4;        // start-up: until this many intervals have closed
  double startup_sigmas = 5.5;      // start-up floor: this many standard deviations of the delay
  int settle_packets = 12;          // settling(): fewer start-up packets than this
  double tail_sigmas = 3.8;         // tail floor: mean + this many sd of the recent delays (0: off)
  double tail_max_sigmas = 1.0;     //   but at most their largest + this many sd
  int tail_window = 500;            //   over this many packets (10 s of 20 ms packets)
  int tail_min_packets = 25;        //   once this many have arrived
};

class UnderrunEstimator {
 public:
  // Throws std::invalid_argument for a quantile outside (0, 1), a forget factor outside (0, 1),
  // a non-positive interval, bucket or range (or one above 60 s), a negative tail setting or a
  // tail window outside [2, 2000].
  explicit UnderrunEstimator(const UnderrunConfig& config);

  // One packet's relative delay (ms, >= 0) at its arrival time (non-decreasing).
  void add(double relative_delay_ms, sim::Timestamp arrival);

  // The estimate, ms; nullopt before the first packet.
  std::optional<double> estimate_ms() const;
  // Closed intervals so far.
  uint64_t intervals() const { return intervals_; }
  // The estimate still rests on a handful of packets: fewer than settle_packets have arrived in
  // the start-up (its standard deviation of n delays is off by ~1/sqrt(2n), a fifth at n = 12).
  bool settling() const {
    return intervals_ < static_cast<uint64_t>(config_.startup_intervals) && n_ < config_.settle_packets;
  }

 private:
  void close_interval();

  UnderrunConfig config_;
  DelayHistogram histogram_;
  std::optional<sim::Timestamp> interval_start_;
  double interval_max_ = 0;
  int interval_packets_ = 0;
  uint64_t intervals_ = 0;
  double n_ = 0, sum_ = 0, sum_sq_ = 0;  // start-up moments
  std::deque<double> recent_maxima_;     // the last kKeptMaxima interval maxima
  DelaySpread spread_;                   // the last tail_window delays, for the tail floor
};

}  // namespace callsim::jitter
