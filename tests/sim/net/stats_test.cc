// LinkStatsCollector on hand-made delivery records: RFC 3550 jitter on a known pattern,
// nearest-rank percentiles, loss bursts, reordering, duplicates.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/net/link_stats.h"

namespace callsim::sim::net {
namespace {

Delivery packet(uint64_t id, double sent_ms, double delay_ms) {
  Delivery d;
  d.id = id;
  d.sent = Timestamp::from_ms(sent_ms);
  if (delay_ms < 0) {
    d.cause = DropCause::kRandomLoss;
  } else {
    d.arrival = d.sent + Duration::from_ms(delay_ms);
  }
  return d;
}

// Transit alternates 10, 30, 10, 30 ms (no reordering at 40 ms spacing): |D| = 20 ms each time,
// so after k differences J_k = 20·(1 - (15/16)^k).
TEST(LinkStats, Rfc3550JitterOnAlternatingTransit) {
  LinkStatsCollector c;
  const int n = 41;
  for (int i = 0; i < n; ++i) c.add(packet(static_cast<uint64_t>(i), 40.0 * i, i % 2 ? 30 : 10));
  const LinkStats s = c.finish();
  EXPECT_NEAR(s.jitter_ms, 20 * (1 - std::pow(15.0 / 16, n - 1)), 1e-9);
  EXPECT_EQ(s.reordered, 0u);
  EXPECT_DOUBLE_EQ(s.delay_min_ms, 10);
  EXPECT_DOUBLE_EQ(s.delay_max_ms, 30);
}

// One arrival is no interarrival pair: the estimate's initial 0 was reported as the final jitter
// (0.0 ms) where the RTP figures and the metric say "not measured". Two arrivals are a measurement.
TEST(LinkStats, JitterNeedsTwoArrivals) {
  LinkStatsCollector one;
  one.add(packet(0, 0, 40));
  one.add(packet(1, 20, -1));
  EXPECT_TRUE(std::isnan(one.finish().jitter_ms));
  EXPECT_DOUBLE_EQ(one.finish().delay_mean_ms, 40);
  LinkStatsCollector two;
  two.add(packet(0, 0, 40));
  two.add(packet(1, 20, 56));
  EXPECT_DOUBLE_EQ(two.finish().jitter_ms, 1.0);  // |D| = 16 ms, J = 16/16
}

TEST(LinkStats, NearestRankPercentiles) {
  LinkStatsCollector c;
  // Delays 1..100 ms, sent in a shuffled order (i·37 mod 100) with 1 s spacing.
  for (int i = 0; i < 100; ++i) c.add(packet(static_cast<uint64_t>(i), 1000.0 * i, 1 + (i * 37) % 100));
  const LinkStats s = c.finish();
  EXPECT_DOUBLE_EQ(s.delay_p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.delay_p95_ms, 95);
  EXPECT_DOUBLE_EQ(s.delay_p99_ms, 99);
  EXPECT_DOUBLE_EQ(s.delay_max_ms, 100);
  EXPECT_DOUBLE_EQ(s.delay_mean_ms, 50.5);
  EXPECT_DOUBLE_EQ(percentile_sorted({1, 2, 3}, 0.5), 2);
  EXPECT_DOUBLE_EQ(percentile_sorted({1, 2, 3, 4}, 0.5), 2);
  EXPECT_DOUBLE_EQ(percentile_sorted({7}, 0.99), 7);
}

TEST(LinkStats, BurstsReorderingAndDuplicates) {
  LinkStatsCollector c;
  // Send order 0..9; lost: 2 | 4 5 6 | 9; packet 7 arrives before 3 → 3 is reordered.
  const double delays[] = {5, 5, -1, 100, -1, -1, -1, 5, 5, -1};
  for (int i = 0; i < 10; ++i) c.add(packet(static_cast<uint64_t>(i), 20.0 * i, delays[i]));
  // A duplicate of packet 9 arrives: 9 counts as delivered after all.
  Delivery dup = packet(9, 180, 7);
  dup.duplicate = true;
  c.add(dup);
  const LinkStats s = c.finish();
  EXPECT_EQ(s.sent, 10u);
  EXPECT_EQ(s.delivered, 6u);
  EXPECT_EQ(s.lost, 4u);
  EXPECT_EQ(s.lost_by_cause[static_cast<size_t>(DropCause::kRandomLoss)], 4u);
  EXPECT_EQ(s.duplicated, 1u);
  EXPECT_EQ(s.duplicates_delivered, 1u);
  EXPECT_EQ(s.reordered, 1u);
  ASSERT_EQ(s.burst_histogram.size(), 4u);
  EXPECT_EQ(s.burst_histogram[1], 1u);
  EXPECT_EQ(s.burst_histogram[3], 1u);
  EXPECT_DOUBLE_EQ(s.mean_burst_length, 2.0);
  EXPECT_DOUBLE_EQ(s.loss_rate, 0.4);
}

// PDV (delay - min delay) and IPDV (delay difference of consecutively sent packets that both
// arrived, RFC 3393) on a hand-made series: delays 10, 14, lost, 30, 12, 11 ms.
// PDV values: 0, 4, 20, 2, 1 -> sorted 0, 1, 2, 4, 20: p95 = p99 = 20 (nearest rank 5 of 5).
// IPDV pairs (1,2): +4; (2,3) and (3,4): a packet lost, no pair; (4,5): -18; (5,6): -1 ->
// |IPDV| 4, 18, 1: mean 23/3, p99 18.
TEST(LinkStats, PdvAndIpdvOnAKnownSeries) {
  LinkStatsCollector c;
  const double delays[] = {10, 14, -1, 30, 12, 11};
  for (int i = 0; i < 6; ++i) c.add(packet(static_cast<uint64_t>(i), 20.0 * i, delays[i]));
  const LinkStats s = c.finish();
  EXPECT_NEAR(s.pdv_p95_ms, 20.0, 1e-9);
  EXPECT_NEAR(s.pdv_p99_ms, 20.0, 1e-9);
  EXPECT_EQ(s.ipdv_pairs, 3u);
  EXPECT_NEAR(s.ipdv_abs_mean_ms, 23.0 / 3.0, 1e-9);
  EXPECT_NEAR(s.ipdv_abs_p99_ms, 18.0, 1e-9);
  // A delay that grows steadily (a filling queue): small IPDV, large PDV.
  LinkStatsCollector ramp;
  for (int i = 0; i < 100; ++i) ramp.add(packet(static_cast<uint64_t>(i), 20.0 * i, 40.0 + 10.0 * i));
  const LinkStats r = ramp.finish();
  EXPECT_NEAR(r.ipdv_abs_mean_ms, 10.0, 1e-9);
  EXPECT_NEAR(r.pdv_p95_ms, 940.0, 1e-9);  // rank 95 of 100: delay 980 - 40
}

}  // namespace
}  // namespace callsim::sim::net
