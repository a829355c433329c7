// RFC 3550 A.1 / A.3 / A.8 receive statistics: sequences with loss, duplicates, reordering,
// wrap-around, probation, bad jumps and restarts; jitter against closed-form values.
#include "rtp/receive_statistics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace callsim::rtp {
namespace {

// Feeds packets of a 20 ms / 960-tick stream: packet k has timestamp ts0 + 960 k.
struct Feeder {
  explicit Feeder(ReceiveConfig c = {}, uint32_t first_timestamp = 1000) : stats(c), ts0(first_timestamp) {}
  // `seq` of the packet with index k (timestamp from k), arriving at `ms`.
  Arrival feed(uint16_t seq, int64_t k, double ms) {
    return stats.on_packet(seq, ts0 + static_cast<uint32_t>(960 * k), sim::Timestamp::from_ms(ms));
  }
  ReceiveStatistics stats;
  uint32_t ts0;
};

TEST(ReceiveStatistics, CleanStreamAcrossSequenceWrap) {
  Feeder f;
  for (int k = 0; k < 100; ++k) {
    const Arrival a = f.feed(static_cast<uint16_t>(65500 + k), k, 20.0 * k);
    EXPECT_EQ(a.kind, k == 0 ? ArrivalKind::kProbation : ArrivalKind::kInOrder) << k;
    if (k > 0) {
      EXPECT_EQ(a.extended_sequence, 65500 + k);
    }
  }
  const ReceiveCounts c = f.stats.counts();
  EXPECT_EQ(c.received, 100);
  EXPECT_EQ(c.expected, 100);
  EXPECT_EQ(c.lost, 0);
  EXPECT_EQ(c.highest_extended_sequence, 65536 + 63);
  EXPECT_EQ(c.jitter_ticks, 0.0);
  EXPECT_EQ(c.duplicates + c.reordered + c.ignored, 0);
}

TEST(ReceiveStatistics, LossDuplicatesAndReordering) {
  Feeder f;
  double t = 0;
  // 0..49 in order except: 10-14 lost, 20 duplicated twice, 30/31 swapped, 40 arrives after 45.
  std::vector<int> order;
  for (int k = 0; k < 50; ++k) {
    if (k >= 10 && k <= 14) continue;
    if (k == 30 || k == 40) continue;
    order.push_back(k);
    if (k == 20) order.insert(order.end(), {20, 20});
    if (k == 31) order.push_back(30);
    if (k == 45) order.push_back(40);
  }
  int dup = 0, reord = 0;
  for (int k : order) {
    const Arrival a = f.feed(static_cast<uint16_t>(1000 + k), k, t += 20);
    dup += a.kind == ArrivalKind::kDuplicate;
    reord += a.kind == ArrivalKind::kReordered;
    if (a.kind == ArrivalKind::kReordered) {
      EXPECT_EQ(a.extended_sequence, 1000 + k);
    }
  }
  const ReceiveCounts c = f.stats.counts();
  EXPECT_EQ(dup, 2);
  EXPECT_EQ(reord, 2);
  EXPECT_EQ(c.duplicates, 2);
  EXPECT_EQ(c.reordered, 2);
  EXPECT_EQ(c.expected, 50);
  EXPECT_EQ(c.received, 47);  // 45 distinct + 2 duplicates
  EXPECT_EQ(c.lost, 3);       // 5 lost, offset by 2 duplicates (A.3)
}

TEST(ReceiveStatistics, DuplicatesCanMakeLossNegative) {
  Feeder f;
  for (int k = 0; k < 10; ++k) {
    f.feed(static_cast<uint16_t>(k), k, 20.0 * k);
    f.feed(static_cast<uint16_t>(k), k, 20.0 * k + 1);
  }
  const ReceiveCounts c = f.stats.counts();
  EXPECT_EQ(c.lost, -9);  // the copy of packet 0 came during probation and just restarted it
  EXPECT_EQ(c.duplicates, 9);
  EXPECT_EQ(c.rtcp_cumulative_lost(), -9);
}

TEST(ReceiveStatistics, LatePacketFromBeforeTheWrap) {
  Feeder f;
  const std::vector<int> ks = {0, 1, 2, 4, 5, 3};  // seq 65533, 65534, 65535, 1, 2, 0
  std::vector<Arrival> a;
  for (int k : ks) a.push_back(f.feed(static_cast<uint16_t>(65533 + k), k, 20.0 * a.size()));
  EXPECT_EQ(a[3].extended_sequence, 65536 + 1);
  EXPECT_EQ(a[5].kind, ArrivalKind::kReordered);
  EXPECT_EQ(a[5].extended_sequence, 65536);
  EXPECT_EQ(f.stats.counts().lost, 0);
}

TEST(ReceiveStatistics, ProbationNeedsMinSequentialPackets) {
  Feeder rfc;  // MIN_SEQUENTIAL = 2: 10 alone, then 12,13 validate
  EXPECT_EQ(rfc.feed(10, 0, 0).kind, ArrivalKind::kProbation);
  EXPECT_EQ(rfc.feed(12, 2, 40).kind, ArrivalKind::kProbation);
  EXPECT_FALSE(rfc.stats.validated());
  EXPECT_EQ(rfc.stats.counts().received, 0);
  EXPECT_EQ(rfc.feed(13, 3, 60).kind, ArrivalKind::kInOrder);
  EXPECT_EQ(rfc.feed(14, 4, 80).kind, ArrivalKind::kInOrder);
  ReceiveCounts c = rfc.stats.counts();
  EXPECT_EQ(c.received, 3);
  EXPECT_EQ(c.expected, 3);
  EXPECT_EQ(c.ignored, 1);

  ReceiveConfig immediate;
  immediate.min_sequential = 1;
  Feeder now(immediate);
  EXPECT_EQ(now.feed(10, 0, 0).kind, ArrivalKind::kInOrder);
  now.feed(12, 2, 40);
  now.feed(13, 3, 60);
  now.feed(14, 4, 80);
  c = now.stats.counts();
  EXPECT_EQ(c.received, 4);
  EXPECT_EQ(c.expected, 5);
  EXPECT_EQ(c.lost, 1);

  ReceiveConfig three;
  three.min_sequential = 3;
  Feeder slow(three);
  EXPECT_EQ(slow.feed(65535, 0, 0).kind, ArrivalKind::kProbation);
  EXPECT_EQ(slow.feed(0, 1, 20).kind, ArrivalKind::kProbation);
  const Arrival a = slow.feed(1, 2, 40);  // validates a run that wrapped
  EXPECT_EQ(a.kind, ArrivalKind::kInOrder);
  EXPECT_EQ(a.extended_sequence, 65536 + 1);
  EXPECT_EQ(slow.stats.counts().received, 3);
  EXPECT_EQ(slow.stats.counts().expected, 3);
}

TEST(ReceiveStatistics, BadJumpsAreIgnoredAndTwoInSequenceRestart) {
  Feeder f;
  for (int k = 0; k < 10; ++k) f.feed(static_cast<uint16_t>(100 + k), k, 20.0 * k);
  EXPECT_EQ(f.feed(5000, 10, 200).kind, ArrivalKind::kBadJump);  // 4891 ahead >= MAX_DROPOUT
  EXPECT_EQ(f.feed(10, 10, 201).kind, ArrivalKind::kReordered);  // 99 behind: within MAX_MISORDER
  EXPECT_EQ(f.feed(9, 10, 202).kind, ArrivalKind::kBadJump);     // 100 behind: beyond it
  EXPECT_EQ(f.feed(110, 10, 203).kind, ArrivalKind::kInOrder);
  ReceiveCounts c = f.stats.counts();
  EXPECT_EQ(c.ignored, 2);
  EXPECT_EQ(c.received, 12);  // 100..110 plus the misordered packet 10
  EXPECT_EQ(f.feed(20000, 11, 220).kind, ArrivalKind::kBadJump);
  const Arrival r = f.feed(20001, 12, 240);
  EXPECT_EQ(r.kind, ArrivalKind::kRestart);
  c = f.stats.counts();
  EXPECT_EQ(c.restarts, 1);
  EXPECT_EQ(c.received, 1);
  EXPECT_EQ(c.expected, 1);
  EXPECT_EQ(f.feed(20002, 13, 260).kind, ArrivalKind::kInOrder);
  EXPECT_EQ(f.stats.counts().expected, 2);
}

// Transit alternating between +0 and +1 ms: every |D| is 48 ticks, so after n updates
// J = 48 (1 - (15/16)^n) exactly (up to rounding of the recursion).
TEST(ReceiveStatistics, JitterFollowsTheA8Recursion) {
  Feeder f;
  const int packets = 100;
  for (int k = 0; k < packets; ++k) f.feed(static_cast<uint16_t>(k), k, 20.0 * k + (k % 2 ? 1.0 : 0.0));
  const ReceiveCounts c = f.stats.counts();
  const double expected = 48.0 * (1 - std::pow(15.0 / 16.0, packets - 1));
  EXPECT_NEAR(c.jitter_ticks, expected, 1e-9);
  EXPECT_NEAR(c.jitter_ms, expected / 48.0, 1e-12);
  EXPECT_NEAR(c.max_jitter_ms, c.jitter_ms, 1e-12);  // increasing sequence: the last is the max
  EXPECT_EQ(c.rtcp_jitter(), 47u);
}

// A hand-computed series for the mean / max / final figures: transit alternates 10, 30, 10, ... ms
// for packets 0..19 (|D| = 20 ms, 960 ticks, at every step), then stays at 10 ms for packets
// 20..39 (the step 19 -> 20 is the last |D| = 20 ms, then D = 0). With q = 15/16:
//   J_k = 20 (1 - q^k) ms for k = 1..20, J_{20+m} = J_20 q^m for m = 1..19,
//   max = J_20, final = J_20 q^19, mean = (sum_k J_k + sum_m J_{20+m}) / 39, with
//   sum_{k=1..n} q^k = q (1 - q^n) / (1 - q).
TEST(ReceiveStatistics, JitterMeanMaxAndFinalOfAHandComputedSeries) {
  Feeder f;
  for (int k = 0; k < 40; ++k) f.feed(static_cast<uint16_t>(k), k, 20.0 * k + (k < 20 && k % 2 ? 30.0 : 10.0));
  const ReceiveCounts c = f.stats.counts();
  const double q = 15.0 / 16.0;
  auto geometric = [&](int n) { return q * (1 - std::pow(q, n)) / (1 - q); };
  const double j20 = 20.0 * (1 - std::pow(q, 20));
  const double sum_rise = 20.0 * (20 - geometric(20));
  const double sum_decay = j20 * geometric(19);
  EXPECT_EQ(c.jitter_updates, 39);
  EXPECT_NEAR(c.max_jitter_ms, j20, 1e-9);
  EXPECT_NEAR(c.jitter_ms, j20 * std::pow(q, 19), 1e-9);
  EXPECT_NEAR(c.mean_jitter_ms, (sum_rise + sum_decay) / 39.0, 1e-9);
  // The three differ: the final value alone says little about the call.
  EXPECT_GT(c.max_jitter_ms, c.mean_jitter_ms + 2.0);
  EXPECT_GT(c.mean_jitter_ms, c.jitter_ms + 2.0);
}

TEST(ReceiveStatistics, JitterIgnoresTimestampWrap) {
  Feeder f({}, 0xFFFFFFFFu - 960 * 3);  // timestamps wrap after the 4th packet
  for (int k = 0; k < 10; ++k) f.feed(static_cast<uint16_t>(k), k, 20.0 * k + 35.0);
  EXPECT_EQ(f.stats.counts().jitter_ticks, 0.0);
}

TEST(ReceiveStatistics, IntervalFractionLost) {
  Feeder f;
  int k = 0;
  for (; k < 256; ++k)
    if (k % 4 != 1 || k == 1) f.feed(static_cast<uint16_t>(k), k, 20.0 * k);  // 63 of 256 lost
  IntervalLoss i = f.stats.take_interval();
  EXPECT_EQ(i.expected, 256);
  EXPECT_EQ(i.lost, 63);
  EXPECT_EQ(i.fraction_lost, 63);  // 63 * 256 / 256
  for (int j = 0; j < 10; ++j) {
    f.feed(static_cast<uint16_t>(k), k, 20.0 * k);
    f.feed(static_cast<uint16_t>(k), k, 20.0 * k + 1);  // duplicates: negative interval loss
    ++k;
  }
  i = f.stats.take_interval();
  EXPECT_EQ(i.expected, 10);
  EXPECT_EQ(i.lost, -10);
  EXPECT_EQ(i.fraction_lost, 0);
}

TEST(ReceiveStatistics, RtcpFieldsClampAndConfigIsChecked) {
  ReceiveCounts c;
  c.lost = int64_t{1} << 30;
  EXPECT_EQ(c.rtcp_cumulative_lost(), 0x7FFFFF);
  c.lost = -(int64_t{1} << 30);
  EXPECT_EQ(c.rtcp_cumulative_lost(), -0x800000);
  ReceiveConfig bad;
  bad.min_sequential = 0;
  EXPECT_THROW(ReceiveStatistics{bad}, std::invalid_argument);
  bad = {};
  bad.max_dropout = 65500;
  EXPECT_THROW(ReceiveStatistics{bad}, std::invalid_argument);
}

}  // namespace
}  // namespace callsim::rtp
