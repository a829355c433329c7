#include "sim/net/cross_traffic.h"

#include <cmath>

namespace callsim::sim::net {

Timestamp CrossTraffic::next_on_time(const CrossTrafficConfig& c, Timestamp t) {
  if (c.pattern == CrossPattern::kConstant) return t;
  const int64_t on = Duration::from_ms(c.on_ms).ns(), off = Duration::from_ms(c.off_ms).ns();
  if (on <= 0) return Timestamp::infinite();
  const int64_t cycle = on + off;
  const int64_t phase = ((t.ns() % cycle) + cycle) % cycle;
  return phase < on ? t : t + Duration::nanos(cycle - phase);
}

void CrossTraffic::advance(Timestamp now, PhaseSchedule& schedule, Bottleneck& bottleneck) {
  while (next_ <= now) {
    const LinkModels& m = schedule.at(next_);
    const CrossTrafficConfig& c = m.cross_traffic;
    if (c.kbps <= 0.0 || c.packet_bytes <= 0) {
      // Idle until the conditions may change.
      next_ = schedule.next_change_after(next_);
      waiting_ = true;
      continue;
    }
    const Timestamp send = next_on_time(c, next_);
    if (send > next_) {
      // In an "off" period: resume at the next "on" time (or an earlier phase change).
      const Timestamp change = schedule.next_change_after(next_);
      next_ = change < send ? change : send;
      waiting_ = true;
      continue;
    }
    ++stats_.sent;
    stats_.bytes_sent += c.packet_bytes;
    if (!bottleneck.enqueue(send, c.packet_bytes, m.rate)) ++stats_.dropped;
    waiting_ = false;
    next_ = send + Duration::nanos(std::llround(static_cast<double>(c.packet_bytes) * 8e6 / c.kbps));
  }
}

}  // namespace callsim::sim::net
