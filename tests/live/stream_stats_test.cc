// Per-side statistics: RFC 3550 loss and jitter with the payload type's clock, sequence gaps,
// reordering and duplicates, plain counts by class, and no jitter figure without a clock rate.
#include <gtest/gtest.h>

#include "common/error.h"
#include "live/duration_histogram.h"
#include "live/stream_stats.h"

namespace callsim::live {
namespace {

Classified rtp(uint16_t seq, uint8_t pt = 0, uint32_t ssrc = 1) {
  Classified c;
  c.cls = PacketClass::kRtp;
  c.rtp = {seq, 160u * seq, ssrc, pt, false};
  return c;
}

sim::Timestamp at_ms(double ms) { return sim::Timestamp::from_ms(ms); }

TEST(StreamStats, LossGapsReorderAndDuplicates) {
  PayloadTypes types;
  SideStats s(&types);
  // PCMU (8 kHz, 160 ticks = 20 ms) 1..100 arriving every 20 ms; 10 and 20..22 lost; 51 before 50;
  // 70 twice.
  std::vector<uint16_t> order;
  for (uint16_t q = 1; q <= 100; ++q) {
    if (q == 10 || (q >= 20 && q <= 22) || q == 50) continue;
    order.push_back(q);
    if (q == 51) order.push_back(50);
    if (q == 70) order.push_back(70);
  }
  for (uint16_t q : order) s.on_packet(at_ms(q == 50 ? 20.0 * 51 + 5 : 20.0 * q), 172, rtp(q));
  ASSERT_EQ(s.streams().size(), 1u);
  const auto c = s.streams()[0]->counts();
  EXPECT_EQ(c.received, 97);  // 96 distinct + 1 duplicate
  EXPECT_EQ(c.expected, 100);
  EXPECT_EQ(c.lost, 3);       // 4 missing, minus the duplicate (RFC 3550 A.3)
  EXPECT_EQ(c.reordered, 1);
  EXPECT_EQ(c.duplicates, 1);
  const auto j = s.to_json();
  const auto& rfc = j["rtp_streams"][0]["rfc3550"];
  EXPECT_EQ(rfc["gaps"], 3);         // 9->11, 19->23, 49->51
  EXPECT_EQ(rfc["gap_packets"], 5);  // 10; 20, 21, 22; 50 (arrived later, still a gap in arrival order)
  EXPECT_EQ(rfc["max_gap_packets"], 3);
  // 50 arrives 25 ms after its slot: the transit time varies once.
  EXPECT_GT(rfc["jitter_max_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["packets"], order.size());
  EXPECT_EQ(j["by_class"]["rtp"]["bytes"], 172 * order.size());
}

// More duplicates than losses: RFC 3550's cumulative lost goes negative (A.3, kept as it is), its
// fraction lost is 0 (6.4.1), never a negative fraction.
TEST(StreamStats, DuplicatesBeyondLossesGiveLossFractionZero) {
  PayloadTypes types;
  SideStats s(&types);
  for (uint16_t q = 1; q <= 20; ++q) {
    if (q == 7) continue;  // one lost
    s.on_packet(at_ms(20.0 * q), 172, rtp(q));
    if (q >= 10 && q < 13) s.on_packet(at_ms(20.0 * q + 1), 172, rtp(q));  // three duplicated
  }
  const auto j = s.to_json();
  const auto& rfc = j["rtp_streams"][0]["rfc3550"];
  EXPECT_EQ(rfc["expected"], 20);
  EXPECT_EQ(rfc["received"], 22);
  EXPECT_EQ(rfc["lost"], -2);
  EXPECT_EQ(rfc["duplicates"], 3);
  EXPECT_EQ(rfc["loss_fraction"], 0.0);
}

TEST(StreamStats, SteadyStreamHasZeroJitterAndUnknownClockReportsNull) {
  PayloadTypes types;
  SideStats known(&types), unknown(&types);
  for (uint16_t q = 0; q < 50; ++q) {
    known.on_packet(at_ms(20.0 * q), 100, rtp(q, 8));      // PCMA: 8 kHz, 160 ticks per 20 ms
    unknown.on_packet(at_ms(20.0 * q), 100, rtp(q, 100));  // dynamic, no --rtpmap
  }
  const auto k = known.to_json()["rtp_streams"][0];
  EXPECT_EQ(k["clock_rate_hz"], 8000);
  EXPECT_DOUBLE_EQ(k["rfc3550"]["jitter_max_ms"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(k["rfc3550"]["jitter_mean_ms"].get<double>(), 0.0);
  const auto u = unknown.to_json()["rtp_streams"][0];
  EXPECT_TRUE(u["clock_rate_hz"].is_null());
  EXPECT_TRUE(u["rfc3550"]["jitter_ms"].is_null());
  EXPECT_TRUE(u["wireshark"]["max_jitter_ms"].is_null());
  EXPECT_EQ(u["rfc3550"]["lost"], 0);  // sequence accounting needs no clock
}

TEST(StreamStats, ClassesAndStreamLimit) {
  PayloadTypes types;
  SideStats s(&types);
  Classified other;
  s.on_packet(at_ms(1), 5, other);
  Classified stun;
  stun.cls = PacketClass::kStun;
  s.on_packet(at_ms(2), 20, stun);
  for (uint32_t ssrc = 0; ssrc < SideStats::kMaxStreams + 3; ++ssrc) s.on_packet(at_ms(3), 50, rtp(1, 0, ssrc));
  const auto j = s.to_json();
  EXPECT_EQ(j["by_class"]["other"]["packets"], 1);
  EXPECT_EQ(j["by_class"]["stun"]["bytes"], 20);
  EXPECT_EQ(j["rtp_streams"].size(), SideStats::kMaxStreams);
  EXPECT_EQ(j["rtp_untracked_packets"], 3);
}

TEST(PayloadTypes, RtpmapOption) {
  PayloadTypes t;
  EXPECT_EQ(t.clock_rate_hz(0), 8000);
  EXPECT_EQ(t.clock_rate_hz(111), 0);
  t.add("111=opus/48000/2", "--rtpmap");
  EXPECT_EQ(t.clock_rate_hz(111), 48000);
  t.add("97=telephone-event/8000", "--rtpmap");
  EXPECT_EQ(t.clock_rate_hz(97), 8000);
  EXPECT_EQ(t.rtpmap(111), "opus/48000/2");
  for (const char* bad : {"111", "128=opus/48000", "111=opus", "111=opus/0", "x=opus/8000", "=a/8000", "96=/8000",
                          "4294967296=opus/48000", "111=opus/99999999999", "+96=opus/48000", "96=opus/48000x",
                          // the channel count and the encoding name were not checked
                          "111=opus/48000/abc", "111=opus/48000/0", "111=opus/48000/2/1", "111=op us/48000",
                          "111=opus/48000/", "111=\xFFopus/48000"})
    EXPECT_THROW(t.add(bad, "--rtpmap"), InputError) << bad;
  // A payload type beyond the integer range was read as 0 and replaced PCMU's entry.
  EXPECT_EQ(t.rtpmap(0), "PCMU/8000");
}

TEST(DurationHistogram, PercentilesAndResolution) {
  DurationHistogram h;
  EXPECT_TRUE(h.to_json()["p50_us"].is_null());
  for (int us = 1; us <= 100; ++us) h.add(us * 1000 + 500);  // 1.5 µs .. 100.5 µs
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile_ns(0.5), 51000);   // bucket [50 µs, 51 µs) holds the 50th value
  EXPECT_EQ(h.percentile_ns(0.99), 100000);
  EXPECT_EQ(h.percentile_ns(1.0), 100500);  // capped at the maximum
  h.add(-2000);
  EXPECT_EQ(h.early(), 1u);
  DurationHistogram big;
  big.add(5'000'000);  // 5 ms: a 1/64-relative bucket
  EXPECT_GE(big.percentile_ns(0.5), 5'000'000);
  EXPECT_LE(big.percentile_ns(0.5), 5'000'000 * 65 / 64);
  big.merge(h);
  EXPECT_EQ(big.count(), 102u);
  EXPECT_EQ(big.to_json()["over_1ms"], 1);
}

}  // namespace
}  // namespace callsim::live
