// Phases added while a link runs (the live relay's control commands): they apply from their start
// on, win over the configured phases, can be ended early, wake idle cross traffic, and never shift
// the random draws of the packets around them.
#include <gtest/gtest.h>

#include <functional>

#include "sim/net/link.h"

namespace callsim::sim::net {
namespace {

// Sends packet i at 10·i ms for i < n; a control hook runs before packet `at`.
std::vector<Delivery> run(Link& link, int n, int at = -1, const std::function<void(Timestamp)>& hook = {}) {
  std::vector<Delivery> out;
  for (int i = 0; i < n; ++i) {
    const Timestamp t = Timestamp::zero() + Duration::millis(10) * i;
    if (i == at && hook) hook(t);
    link.send(t, {static_cast<uint64_t>(i), 100}, out);
  }
  return out;
}

LinkConfig lossy() {
  LinkConfig c;
  c.loss = {LossModel::kBernoulli, 0.2};
  c.delay.base_ms = 30;
  c.delay.jitter_ms = 10;
  return c;
}

Phase from(Timestamp t, Duration length = Duration::max()) {
  Phase p;
  p.name = "control";
  p.start = t.since_start();
  p.end = length == Duration::max() ? length : p.start + length;
  return p;
}

TEST(RuntimePhases, ApplyFromTheirStartAndLeaveOtherPacketsDrawsAlone) {
  Link reference(lossy(), 7, "a->b"), controlled(lossy(), 7, "a->b");
  const auto want = run(reference, 400);
  const auto got = run(controlled, 400, 100, [&](Timestamp t) {
    Phase p = from(t, Duration::millis(500));  // packets 100..149
    p.loss = LossConfig{LossModel::kBernoulli, 1.0};
    controlled.add_phase(p);
  });
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (i >= 100 && i < 150) {
      EXPECT_EQ(got[i].cause, DropCause::kRandomLoss) << i;
    } else {
      EXPECT_EQ(got[i].cause, want[i].cause) << i;
      EXPECT_EQ(got[i].arrival, want[i].arrival) << i;
    }
  }
}

TEST(RuntimePhases, WinOverConfiguredPhasesAndEndWhenCleared) {
  LinkConfig c = lossy();
  Phase configured;
  configured.name = "spike";
  configured.start = Duration::seconds(1);
  configured.end = Duration::seconds(3);
  configured.delay = c.delay;
  configured.delay->base_ms = 300;
  configured.delay->jitter_ms = 0;
  c.phases.push_back(configured);
  Link link(c, 3, "a->b");
  const auto got = run(link, 250, 150, [&](Timestamp t) {
    Phase p = from(t);
    p.delay = DelayConfig{};
    p.delay->base_ms = 5;
    link.add_phase(p);
  });
  std::vector<Delivery> tail;
  ASSERT_EQ(link.end_added_phases(Timestamp::zero() + Duration::millis(2500)), 1u);
  for (int i = 250; i < 260; ++i) link.send(Timestamp::zero() + Duration::millis(10) * i, {static_cast<uint64_t>(i), 100}, tail);
  for (const Delivery& d : got) {
    if (!d.delivered() || d.id < 100) continue;
    // 1.0 s..1.5 s: the configured spike; from 1.5 s: the control phase (FIFO may hold a few
    // packets behind the spike's last ones).
    if (d.id < 150) {
      EXPECT_EQ(d.delay(), Duration::millis(300)) << d.id;
    }
    if (d.id >= 200) {
      EXPECT_EQ(d.delay(), Duration::millis(5)) << d.id;
    }
  }
  for (const Delivery& d : tail)
    if (d.delivered()) {
      EXPECT_EQ(d.delay(), Duration::millis(300)) << d.id;  // the spike is back
    }
  EXPECT_EQ(link.configured_phases(), 1u);
  EXPECT_EQ(link.phases().size(), 2u);
}

TEST(RuntimePhases, WakeIdleCrossTraffic) {
  LinkConfig c;
  c.rate.kbps = 1000;
  Link link(c, 1, "a->b");
  const auto got = run(link, 300, 100, [&](Timestamp t) {
    Phase p = from(t);
    p.cross_traffic = CrossTrafficConfig{};
    p.cross_traffic->kbps = 900;  // 1000 kbit/s shared with 900 kbit/s of cross traffic
    link.add_phase(p);
  });
  EXPECT_GT(link.cross_traffic_stats().sent, 0u);
  const Duration before = got[50].delay(), after = got[250].delay();
  EXPECT_EQ(before, Duration::micros(1024));  // (100 + 28) bytes at 1 Mbit/s
  EXPECT_GT(after, before);
}

}  // namespace
}  // namespace callsim::sim::net
