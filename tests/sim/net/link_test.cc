// The assembled Link: delay through the whole path, FIFO vs reorder-by-jitter, netem reordering,
// duplication, corruption, trace replay and determinism. Binomial counts are checked within
// 4 standard errors sqrt(p(1-p)/n).
#include "sim/net/link.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "sim/net/stream.h"

namespace callsim::sim::net {
namespace {

constexpr uint64_t kSeed = 20261126;

LinkConfig delay_link(double base_ms, double jitter_ms, JitterDistribution d, bool reorder_by_jitter) {
  LinkConfig c;
  c.delay.base_ms = base_ms;
  c.delay.jitter_ms = jitter_ms;
  c.delay.distribution = d;
  c.delay.reorder_by_jitter = reorder_by_jitter;
  return c;
}

std::vector<const Delivery*> originals(const std::vector<Delivery>& trace) {
  std::vector<const Delivery*> out;
  for (const auto& d : trace)
    if (!d.duplicate) out.push_back(&d);
  return out;
}

TEST(Link, PerfectWireByDefault) {
  const auto r = run_link_stream(LinkConfig{}, kSeed, "a->b", 50, 160, Duration::seconds(10));
  ASSERT_EQ(r.trace.size(), 500u);
  for (const auto& d : r.trace) {
    ASSERT_TRUE(d.delivered());
    ASSERT_EQ(d.arrival, d.sent);
  }
  EXPECT_EQ(r.stats.lost, 0u);
  EXPECT_EQ(r.stats.jitter_ms, 0.0);
}

// Whole-path delay moments with independent delays: n = 50000 packets, SE(mean) = sd/√n.
TEST(Link, DelayMeanAndSdThroughTheLink) {
  const int n = 50000;
  const auto r = run_link_stream(delay_link(100, 10, JitterDistribution::kNormal, true), kSeed, "a->b", 100,
                                 100, Duration::seconds(n / 100));
  double s = 0, s2 = 0;
  for (const auto& d : r.trace) {
    const double ms = d.delay().to_ms();
    s += ms;
    s2 += ms * ms;
  }
  const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
  EXPECT_NEAR(mean, 100.0, 4 * 10 / std::sqrt(n));
  EXPECT_NEAR(sd, 10.0, 4 * 10 / std::sqrt(2.0 * n));
  EXPECT_NEAR(r.stats.delay_p50_ms, 100.0, 0.5);
}

TEST(Link, FifoNeverReordersAndJitterModeDoes) {
  for (auto dist : {JitterDistribution::kUniform, JitterDistribution::kNormal, JitterDistribution::kPareto,
                    JitterDistribution::kParetoNormal}) {
    const auto fifo =
        run_link_stream(delay_link(50, 30, dist, false), kSeed, "a->b", 50, 100, Duration::seconds(60));
    Timestamp last;
    for (const auto& d : fifo.trace) {
      ASSERT_GE(d.arrival, last);
      last = d.arrival;
    }
    EXPECT_EQ(fifo.stats.reordered, 0u);
    const auto free =
        run_link_stream(delay_link(50, 30, dist, true), kSeed, "a->b", 50, 100, Duration::seconds(60));
    // 20 ms spacing against 30 ms of jitter: a sizeable fraction overtakes (≈ 20% for normal).
    EXPECT_GT(free.stats.reordered, 100u) << static_cast<int>(dist);
  }
}

// netem `reorder 25% gap 5`: packets 1..4 after a reordered one are always delayed; the 5th and
// later go ahead with probability 0.25 each. Reordered packets skip the 100 ms delay.
TEST(Link, NetemReorderGapSemantics) {
  LinkConfig c = delay_link(100, 0, JitterDistribution::kUniform, false);
  c.reorder.p = 0.25;
  c.reorder.gap = 5;
  const auto r = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(400));
  int since = 1000, eligible = 0, went = 0;
  for (const auto& d : r.trace) {
    if (since >= 4) {
      ++eligible;
      went += d.reordered;
    } else {
      ASSERT_FALSE(d.reordered) << d.id;
    }
    if (d.reordered) {
      ASSERT_EQ(d.arrival, d.sent);
      since = 0;
    } else {
      ASSERT_EQ(d.delay(), Duration::millis(100));
      ++since;
    }
  }
  EXPECT_NEAR(static_cast<double>(went) / eligible, 0.25, 4 * std::sqrt(0.25 * 0.75 / eligible));
  EXPECT_GT(r.stats.reordered, 0u);
}

// Switching duplication on must not change which packets are lost or the originals' delays.
TEST(Link, DuplicationDoesNotShiftLossOrDelay) {
  LinkConfig c = delay_link(40, 5, JitterDistribution::kNormal, true);
  c.loss.model = LossModel::kGilbertElliott;
  c.loss.p = 0.02;
  c.loss.r = 0.3;
  const auto base = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(200));
  c.duplicate.p = 0.1;
  const auto dup = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(200));
  const auto a = originals(base.trace), b = originals(dup.trace);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i]->cause, b[i]->cause) << i;
    ASSERT_EQ(a[i]->arrival, b[i]->arrival) << i;
  }
  const double n = static_cast<double>(dup.stats.sent - dup.stats.lost);  // duplicates only of survivors
  EXPECT_NEAR(static_cast<double>(dup.stats.duplicated) / n, 0.1, 4 * std::sqrt(0.09 / n));
  EXPECT_GT(base.stats.lost, 0u);
}

TEST(Link, CorruptionDropsByDefaultOrFlipsOneBit) {
  LinkConfig c;
  c.corrupt.p = 0.05;
  const double n = 20000;
  const auto dropped = run_link_stream(c, kSeed, "a->b", 100, 120, Duration::seconds(200));
  const auto k =
      static_cast<double>(dropped.stats.lost_by_cause[static_cast<size_t>(DropCause::kCorruption)]);
  EXPECT_NEAR(k / n, 0.05, 4 * std::sqrt(0.05 * 0.95 / n));
  c.corrupt.deliver = true;
  const auto flipped = run_link_stream(c, kSeed, "a->b", 100, 120, Duration::seconds(200));
  EXPECT_EQ(flipped.stats.lost, 0u);
  EXPECT_EQ(static_cast<double>(flipped.stats.corrupted_delivered), k);  // same corrupt stream
  std::vector<int> per_bit(8, 0);
  for (const auto& d : flipped.trace) {
    if (!d.corrupted) continue;
    ASSERT_LT(d.corrupt_byte, 120u);
    ++per_bit[d.corrupt_bit];
  }
  for (int b : per_bit) EXPECT_GT(b, 0);
}

TEST(Link, DeterministicPerSeedAndLinkName) {
  LinkConfig c = delay_link(60, 15, JitterDistribution::kParetoNormal, false);
  c.loss.model = LossModel::kBernoulli;
  c.loss.p = 0.05;
  c.duplicate.p = 0.02;
  c.reorder.p = 0.01;
  c.corrupt.p = 0.01;
  c.rate.kbps = 100;
  auto csv = [&](uint64_t seed, const char* name) {
    return trace_to_csv(run_link_stream(c, seed, name, 50, 200, Duration::seconds(60)).trace);
  };
  const std::string first = csv(kSeed, "a->b");
  EXPECT_EQ(first, csv(kSeed, "a->b"));
  EXPECT_NE(first, csv(kSeed + 1, "a->b"));
  EXPECT_NE(first, csv(kSeed, "b->a"));
  EXPECT_EQ(first.substr(0, first.find('\n')), "id,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted");
}

TEST(Link, TraceReplayByIndexIsExact) {
  auto trace = std::make_shared<PacketTrace>();
  trace->key = PacketTrace::Key::kIndex;
  const std::vector<double> delays = {10, 25.5, -1, 40, 12.25, -1, -1, 30};
  for (size_t i = 0; i < delays.size(); ++i)
    trace->entries.push_back(
        {static_cast<int64_t>(i), Duration::from_ms(std::max(0.0, delays[i])), delays[i] < 0});
  LinkConfig c;
  c.trace = trace;
  c.loss.model = LossModel::kBernoulli;  // ignored while a trace is replayed
  c.loss.p = 1.0;
  const auto r = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(1));
  ASSERT_EQ(r.trace.size(), 50u);
  for (const auto& d : r.trace) {
    const double want = delays[d.id % delays.size()];  // loops
    if (want < 0) {
      EXPECT_EQ(d.cause, DropCause::kTrace) << d.id;
    } else {
      EXPECT_EQ(d.delay(), Duration::from_ms(want)) << d.id;
    }
  }
  trace->loop = false;
  const auto held = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(1));
  EXPECT_EQ(held.trace.back().delay(), Duration::millis(30));
}

TEST(Link, TraceReplayBySendTimeHoldsEachEntry) {
  auto trace = std::make_shared<PacketTrace>();
  trace->key = PacketTrace::Key::kSendTime;
  trace->entries = {{0, Duration::millis(20), false},
                    {Duration::millis(100).ns(), Duration::zero(), true},
                    {Duration::millis(160).ns(), Duration::millis(75), false}};
  LinkConfig c;
  c.trace = trace;
  const auto r = run_link_stream(c, kSeed, "a->b", 50, 100, Duration::seconds(1));
  for (const auto& d : r.trace) {
    const int64_t ms = d.sent.ns() / 1000000;
    if (ms < 100) {
      EXPECT_EQ(d.delay(), Duration::millis(20)) << ms;
    } else if (ms < 160) {
      EXPECT_EQ(d.cause, DropCause::kTrace) << ms;
    } else {
      EXPECT_EQ(d.delay(), Duration::millis(75)) << ms;
    }
  }
}

}  // namespace
}  // namespace callsim::sim::net
