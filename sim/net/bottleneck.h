// The bottleneck of a link: a drop-tail FIFO queue served at a constant rate (kbit/s) or by a
// Mahimahi delivery-opportunity schedule. It is a virtual queue: a packet's departure time is
// computed when it arrives (constant rate: departure = max(arrival, previous departure) +
// wire_bytes·8/rate), and the queue at time t holds the packets whose departure is later than t
// (the one being serialized included). Limits: packets, bytes (wire sizes) and backlog time (the
// wait behind the packets already queued, in ms). No clock inside: times are passed in and must
// not decrease.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/net/link_config.h"
#include "sim/time.h"

namespace callsim::sim::net {

struct QueueStats {
  int64_t max_packets = 0;  // including the packet being serialized
  int64_t max_bytes = 0;
  // Of every packet the queue saw: the stream's, its duplicate copies and cross traffic.
  Duration max_sojourn;  // longest departure - arrival of an accepted packet
  uint64_t overflow_drops = 0;
};

class Bottleneck {
 public:
  // The departure time of a packet of `wire_bytes` arriving at `t`, or nullopt when a queue limit
  // drops it. Unlimited rate: departs at t, nothing is queued.
  std::optional<Timestamp> enqueue(Timestamp t, int64_t wire_bytes, const RateConfig& rate);

  // Packets in the queue at t (after departures up to t).
  int64_t packets_at(Timestamp t);
  const QueueStats& stats() const { return stats_; }

 private:
  struct Queued {
    Timestamp departure;
    int64_t bytes;
  };
  void drain(Timestamp t);
  bool over_limit(Timestamp t, int64_t wire_bytes, const QueueConfig& q) const;
  Timestamp serve_constant(Timestamp t, int64_t wire_bytes, double kbps) const;
  Timestamp serve_trace(Timestamp t, int64_t wire_bytes, const RateConfig& rate);
  void push(Queued q);

  // Ring buffer of queued packets, oldest at head_.
  std::vector<Queued> ring_ = std::vector<Queued>(64);
  size_t head_ = 0, count_ = 0;
  int64_t bytes_ = 0;
  Timestamp last_departure_;
  // Mahimahi cursor: the opportunity last used and the bytes it has left.
  const DeliveryTrace* cursor_trace_ = nullptr;
  int64_t cursor_index_ = -1;
  int64_t cursor_bytes_left_ = 0;
  QueueStats stats_;
};

// Time of the i-th delivery opportunity of a looping Mahimahi schedule, and the first one strictly
// after t (Mahimahi spends the opportunities at or before a packet's arrival before queueing it).
Timestamp opportunity_time(const DeliveryTrace& trace, int64_t index);
int64_t first_opportunity_after(const DeliveryTrace& trace, Timestamp t);

}  // namespace callsim::sim::net
