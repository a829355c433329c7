// Statistics of one link as a receiver sees them, from the Delivery records of Link::send (in send
// order). A packet counts as delivered when any copy arrived; its delay is that of the first copy
// to arrive. Delay percentiles are exact order statistics of the stored delays (nearest-rank:
// the ⌈q·n⌉-th smallest). Jitter is RFC 3550's interarrival jitter (J += (|D| - J)/16, with the send
// time as the RTP timestamp) over first copies in arrival order. PDV (RFC 5481 section 4.2, ITU-T
// Y.1540) is each delay minus the smallest delay; IPDV (RFC 3393) is the delay of a packet minus
// that of the packet sent just before it, for pairs where both arrived. A packet is "reordered" when a
// packet sent after it arrived before it. Burst lengths count consecutive lost packets in send
// order, whatever the cause.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/net/link.h"

namespace callsim::sim::net {

// The value of a figure that had no sample to be measured on (written null in JSON, n/a in text).
inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct LinkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t lost = 0;
  std::array<uint64_t, kDropCauseCount> lost_by_cause{};  // cause of the original copy
  uint64_t duplicated = 0;                                // extra copies made
  uint64_t duplicates_delivered = 0;                      // extra copies that arrived
  uint64_t corrupted_delivered = 0;                       // copies delivered with a flipped bit
  uint64_t reordered = 0;
  // Figures below are kNotMeasured (NaN) when there was no sample to measure them on: a link
  // that sent nothing has no loss rate, one that delivered nothing no delay or PDV, one that
  // delivered fewer than two no interarrival jitter, one with fewer than two consecutive arrivals
  // no IPDV, a lossless one no mean burst length.
  double loss_rate = kNotMeasured;  // lost / sent
  double delay_mean_ms = kNotMeasured, delay_p50_ms = kNotMeasured, delay_p95_ms = kNotMeasured;
  double delay_p99_ms = kNotMeasured, delay_min_ms = kNotMeasured, delay_max_ms = kNotMeasured;
  double jitter_ms = kNotMeasured;                                      // RFC 3550, final value
  double pdv_p95_ms = kNotMeasured, pdv_p99_ms = kNotMeasured;            // delay - min delay, percentiles
  double ipdv_abs_mean_ms = kNotMeasured, ipdv_abs_p99_ms = kNotMeasured;  // |IPDV| of consecutive sent pairs
  uint64_t ipdv_pairs = 0;                                                // pairs that both arrived
  std::vector<uint64_t> burst_histogram;  // [k] = number of loss bursts of length k (index 0 unused)
  double mean_burst_length = kNotMeasured;
  QueueStats queue;
  CrossTrafficStats cross_traffic;
};

// Accumulates Delivery records; finish() computes the statistics.
class LinkStatsCollector {
 public:
  void add(const Delivery& d);
  void add(const std::vector<Delivery>& records) {
    for (const auto& d : records) add(d);
  }
  LinkStats finish() const;
  // Adds the link's queue and cross-traffic figures.
  LinkStats finish(const Link& link) const;

 private:
  struct Packet {
    Timestamp sent;
    Timestamp arrival = Timestamp::infinite();  // first copy to arrive
    DropCause cause = DropCause::kNone;         // of the original copy
  };
  std::vector<Packet> packets_;  // in send order
  uint64_t duplicated_ = 0, duplicates_delivered_ = 0, corrupted_ = 0;
};

// Nearest-rank percentile of sorted values, q in [0, 1].
double percentile_sorted(const std::vector<double>& sorted, double q);

// Human-readable multi-line summary.
std::string format_stats(const LinkStats& stats);

}  // namespace callsim::sim::net
