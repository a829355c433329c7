// Time-varying conditions: phases start and end exactly on their window [start, end) (first and
// last affected packet), section overrides, outages, and linear ramps.
#include <gtest/gtest.h>

#include "sim/net/phase_schedule.h"
#include "sim/net/stream.h"

namespace callsim::sim::net {
namespace {

Phase window(double start_s, double end_s) {
  Phase p;
  p.start = Duration::from_seconds(start_s);
  p.end = Duration::from_seconds(end_s);
  return p;
}

// 50 pps: packet i is sent at 20·i ms.
TEST(Phases, OutageCoversExactlyItsWindow) {
  LinkConfig c;
  Phase outage = window(5.0, 5.3);
  outage.name = "handover";
  outage.outage = true;
  c.phases.push_back(outage);
  const auto r = run_link_stream(c, 1, "a->b", 50, 100, Duration::seconds(10));
  for (const auto& d : r.trace) {
    const bool inside = d.id >= 250 && d.id < 265;  // 5.000 s .. 5.280 s
    EXPECT_EQ(d.cause, inside ? DropCause::kOutage : DropCause::kNone) << d.id;
  }
  EXPECT_EQ(r.stats.lost_by_cause[static_cast<size_t>(DropCause::kOutage)], 15u);
  ASSERT_EQ(r.stats.burst_histogram.size(), 16u);
  EXPECT_EQ(r.stats.burst_histogram[15], 1u);
}

// A phase that ends with the call stays in force from its start on: [start, infinity).
TEST(Phases, APhaseEndingWithTheCallAlsoCoversItsLastInstantAndAfter) {
  for (const bool through : {false, true}) {
    LinkConfig c;
    Phase outage = window(9.0, 10.0);
    outage.outage = true;
    outage.through_call_end = through;
    c.phases.push_back(outage);
    PhaseSchedule s(c);
    s.at(Timestamp::zero() + Duration::millis(8999));
    EXPECT_FALSE(s.outage());
    s.at(Timestamp::zero() + Duration::millis(9999));
    EXPECT_TRUE(s.outage());
    s.at(Timestamp::zero() + Duration::seconds(10));
    EXPECT_EQ(s.outage(), through);
    // Through the call's end it stays in force after it: the last packet of a talk that is not a
    // whole number of frames leaves up to a frame later (60 ms frames in 10 s: 10.02 s).
    s.at(Timestamp::zero() + Duration::seconds(10) + Duration::nanos(1));
    EXPECT_EQ(s.outage(), through);
    s.at(Timestamp::zero() + Duration::millis(10020));
    EXPECT_EQ(s.outage(), through);
    EXPECT_EQ(s.next_change_after(Timestamp::zero() + Duration::millis(9500)),
              through ? Timestamp::infinite() : Timestamp::zero() + Duration::seconds(10));
  }
}

TEST(Phases, SetOverridesOnlyInsideTheWindowAndLaterPhasesWin) {
  LinkConfig c;
  c.delay.base_ms = 40;
  c.delay.reorder_by_jitter = true;
  Phase spike = window(2.0, 3.0);
  spike.delay = c.delay;
  spike.delay->base_ms = 300;
  Phase later = window(2.5, 2.6);
  later.delay = c.delay;
  later.delay->base_ms = 500;
  Phase lossy = window(4.0, 4.1);
  lossy.loss = LossConfig{LossModel::kBernoulli, 1.0};
  c.phases = {spike, later, lossy};
  const auto r = run_link_stream(c, 1, "a->b", 50, 100, Duration::seconds(6));
  for (const auto& d : r.trace) {
    const int64_t ms = d.sent.ns() / 1000000;
    if (ms >= 4000 && ms < 4100) {
      EXPECT_EQ(d.cause, DropCause::kRandomLoss) << ms;
      continue;
    }
    const int64_t want = ms >= 2500 && ms < 2600 ? 500 : ms >= 2000 && ms < 3000 ? 300 : 40;
    EXPECT_EQ(d.delay(), Duration::millis(want)) << ms;
  }
}

TEST(Phases, RampsInterpolateLinearly) {
  LinkConfig c;
  c.delay.base_ms = 40;
  c.delay.reorder_by_jitter = true;
  Phase ramp = window(10.0, 15.0);
  ramp.ramps.push_back({RampParam::kDelayBaseMs, 40, 400});
  c.phases.push_back(ramp);
  const auto r = run_link_stream(c, 1, "a->b", 50, 100, Duration::seconds(20));
  for (const auto& d : r.trace) {
    const double t = d.sent.to_seconds();
    const double want = t < 10 || t >= 15 ? 40 : 40 + 360 * (t - 10) / 5;
    EXPECT_NEAR(d.delay().to_ms(), want, 1e-6) << t;  // Duration::from_ms rounds to 1 ns
  }
}

// A ramp in a phase through the call's end holds its end value after it (the frame sent after the
// end of a talk that is not a whole number of frames): it is not extrapolated.
TEST(Phases, ARampThroughTheCallsEndHoldsItsEndValueAfterIt) {
  LinkConfig c;
  c.delay.base_ms = 40;
  c.delay.reorder_by_jitter = true;
  Phase ramp = window(5.0, 10.0);
  ramp.ramps.push_back({RampParam::kDelayBaseMs, 40, 400});
  ramp.through_call_end = true;
  c.phases.push_back(ramp);
  const auto r = run_link_stream(c, 1, "a->b", 50, 100, Duration::seconds(12));
  int after = 0;
  for (const auto& d : r.trace) {
    const double t = d.sent.to_seconds();
    if (t < 10) continue;
    EXPECT_NEAR(d.delay().to_ms(), 400, 1e-6) << t;
    ++after;
  }
  EXPECT_GT(after, 90);
}

TEST(Phases, RateRampIsAppliedAtEachPacket) {
  LinkConfig c;
  c.rate.kbps = 2000;
  Phase ramp = window(1.0, 2.0);
  ramp.ramps.push_back({RampParam::kRateKbps, 2000, 100});
  c.phases.push_back(ramp);
  PhaseSchedule s(c);
  EXPECT_EQ(s.at(Timestamp::from_ms(999)).rate.kbps, 2000);
  EXPECT_DOUBLE_EQ(s.at(Timestamp::from_ms(1500)).rate.kbps, 1050);
  EXPECT_DOUBLE_EQ(s.at(Timestamp::from_ms(1750)).rate.kbps, 575);
  EXPECT_EQ(s.at(Timestamp::from_ms(2000)).rate.kbps, 2000);
  EXPECT_EQ(s.next_change_after(Timestamp::from_ms(500)), Timestamp::from_ms(1000));
  EXPECT_TRUE(s.next_change_after(Timestamp::from_ms(2000)).is_infinite());
}

// A congestion burst: cross traffic switched on by a phase fills the queue only inside it.
TEST(Phases, PhaseCanSwitchCrossTrafficOn) {
  LinkConfig c;
  c.rate.kbps = 100;
  c.rate.overhead_bytes = 0;
  c.rate.queue.limit_packets = 0;
  c.rate.queue.limit_ms = 150;
  Phase burst = window(2.0, 4.0);
  burst.cross_traffic = CrossTrafficConfig{};
  burst.cross_traffic->kbps = 200;
  c.phases.push_back(burst);
  const auto r = run_link_stream(c, 1, "a->b", 50, 100, Duration::seconds(6));
  EXPECT_EQ(r.stats.cross_traffic.sent, 200u * 2000 / (1200 * 8) + 1);  // 2 s at one per 48 ms
  for (const auto& d : r.trace) {
    if (d.sent < Timestamp::from_ms(2000) || d.sent >= Timestamp::from_ms(4500)) {
      EXPECT_EQ(d.delay(), Duration::millis(8)) << d.id;  // 100 B at 100 kbit/s, empty queue
    }
  }
  EXPECT_GT(r.stats.delay_max_ms, 100.0);
}

}  // namespace
}  // namespace callsim::sim::net
