#include "sim/net/bottleneck.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace callsim::sim::net {

Timestamp opportunity_time(const DeliveryTrace& trace, int64_t index) {
  const auto n = static_cast<int64_t>(trace.opportunities.size());
  const int64_t period = trace.opportunities.back().ns();
  return Timestamp::from_ns((index / n) * period + trace.opportunities[static_cast<size_t>(index % n)].ns());
}

int64_t first_opportunity_after(const DeliveryTrace& trace, Timestamp t) {
  const auto& ops = trace.opportunities;
  const auto n = static_cast<int64_t>(ops.size());
  const int64_t period = ops.back().ns();
  const int64_t cycle = t.ns() >= 0 ? t.ns() / period : -1;
  for (int64_t c = std::max<int64_t>(cycle, 0);; ++c) {
    const Duration offset = Duration::nanos(t.ns() - c * period);
    const auto it = std::upper_bound(ops.begin(), ops.end(), offset);
    if (it != ops.end()) return c * n + (it - ops.begin());
  }
}

void Bottleneck::drain(Timestamp t) {
  while (count_ > 0 && ring_[head_].departure <= t) {
    bytes_ -= ring_[head_].bytes;
    head_ = (head_ + 1) % ring_.size();
    --count_;
  }
}

void Bottleneck::push(Queued q) {
  if (count_ == ring_.size()) {
    std::vector<Queued> bigger(ring_.size() * 2);
    for (size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) % ring_.size()];
    ring_ = std::move(bigger);
    head_ = 0;
  }
  ring_[(head_ + count_) % ring_.size()] = q;
  ++count_;
  bytes_ += q.bytes;
}

int64_t Bottleneck::packets_at(Timestamp t) {
  drain(t);
  return static_cast<int64_t>(count_);
}

bool Bottleneck::over_limit(Timestamp t, int64_t wire_bytes, const QueueConfig& q) const {
  if (q.limit_packets > 0 && static_cast<int64_t>(count_) >= q.limit_packets) return true;
  if (q.limit_bytes > 0 && bytes_ + wire_bytes > q.limit_bytes) return true;
  if (q.limit_ms > 0.0 && count_ > 0 && last_departure_ - t > Duration::from_ms(q.limit_ms)) return true;
  return false;
}

Timestamp Bottleneck::serve_constant(Timestamp t, int64_t wire_bytes, double kbps) const {
  const Timestamp start = std::max(t, last_departure_);
  // bits / (kbit/s) = ms; ×1e6 → ns.
  return start + Duration::nanos(std::llround(static_cast<double>(wire_bytes) * 8e6 / kbps));
}

Timestamp Bottleneck::serve_trace(Timestamp t, int64_t wire_bytes, const RateConfig& rate) {
  const DeliveryTrace& trace = *rate.trace;
  const int64_t full = rate.bytes_per_opportunity;
  if (cursor_trace_ != &trace) {
    cursor_trace_ = &trace;
    cursor_index_ = -1;
    cursor_bytes_left_ = 0;
  }
  // After a switch from a constant rate, the schedule starts behind the packets still queued.
  const Timestamp from = cursor_index_ < 0 && last_departure_ > t ? last_departure_ - Duration::nanos(1) : t;
  int64_t index = first_opportunity_after(trace, from);
  int64_t left = full;
  if (cursor_index_ >= 0 && cursor_bytes_left_ > 0 && opportunity_time(trace, cursor_index_) > t) {
    // The previous packet is still being delivered: share its last opportunity.
    index = cursor_index_;
    left = cursor_bytes_left_;
  } else if (cursor_index_ + 1 > index) {
    index = cursor_index_ + 1;
  }
  int64_t remaining = wire_bytes;
  while (remaining > left) {
    remaining -= left;
    ++index;
    left = full;
  }
  cursor_index_ = index;
  cursor_bytes_left_ = left - remaining;
  return opportunity_time(trace, index);
}

std::optional<Timestamp> Bottleneck::enqueue(Timestamp t, int64_t wire_bytes, const RateConfig& rate) {
  if (!rate.limited()) return t;
  drain(t);
  if (over_limit(t, wire_bytes, rate.queue)) {
    ++stats_.overflow_drops;
    return std::nullopt;
  }
  const Timestamp departure =
      rate.trace ? serve_trace(t, wire_bytes, rate) : serve_constant(t, wire_bytes, rate.kbps);
  last_departure_ = std::max(last_departure_, departure);
  push({departure, wire_bytes});
  stats_.max_packets = std::max(stats_.max_packets, static_cast<int64_t>(count_));
  stats_.max_bytes = std::max(stats_.max_bytes, bytes_);
  stats_.max_sojourn = std::max(stats_.max_sojourn, departure - t);
  return departure;
}

}  // namespace callsim::sim::net
