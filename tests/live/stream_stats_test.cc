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

Classified rtp_at(uint16_t seq, uint32_t timestamp, uint8_t pt) {
  Classified c = rtp(seq, pt);
  c.rtp.timestamp = timestamp;
  return c;
}

// Before A.1 validates a source nothing of A.1/A.3 is measured: null, not a plausible 0 (one
// packet read "received 0, expected 0, lost 0, jitter_ms 0.0" next to validated:false). The
// datagrams are counted in `packets`.
TEST(StreamStats, NotValidatedStreamReportsNullNotZero) {
  PayloadTypes types;
  SideStats one(&types), two(&types);
  one.on_packet(at_ms(0), 100, rtp(7));
  two.on_packet(at_ms(0), 100, rtp(7));
  two.on_packet(at_ms(21), 100, rtp(8));
  const auto o = one.to_json()["rtp_streams"][0];
  EXPECT_EQ(o["packets"], 1);
  EXPECT_EQ(o["rfc3550"]["validated"], false);
  for (const char* key : {"received", "expected", "lost", "loss_fraction", "duplicates", "reordered", "gaps",
                          "gap_packets", "max_gap_packets", "jitter_ms", "jitter_mean_ms", "jitter_max_ms"})
    EXPECT_TRUE(o["rfc3550"][key].is_null()) << key << ": " << o["rfc3550"][key];
  EXPECT_EQ(o["rfc3550"]["ignored"], 0);
  // Two in sequence: validated, and the jitter, its mean and its maximum all have the one estimate
  // (the mean was null next to a jitter value).
  const auto t = two.to_json()["rtp_streams"][0]["rfc3550"];
  EXPECT_EQ(t["received"], 2);
  EXPECT_EQ(t["expected"], 2);
  EXPECT_DOUBLE_EQ(t["jitter_ms"].get<double>(), 1.0 / 16);  // |21 - 20| ms / 16
  EXPECT_DOUBLE_EQ(t["jitter_mean_ms"].get<double>(), 1.0 / 16);
  EXPECT_DOUBLE_EQ(t["jitter_max_ms"].get<double>(), 1.0 / 16);
}

// One comfort-noise packet (PT 13, 8 kHz) then Opus (PT 111, 48 kHz) on one SSRC, every 20 ms on
// time: the jitter estimate restarts on the 48 kHz clock, so a clean stream has no jitter (it
// compared 48 kHz timestamps at 8 kHz: 95.9 ms), and the stream lists both payload types.
TEST(StreamStats, PayloadTypeWithAnotherClockRestartsTheJitterEstimate) {
  PayloadTypes types;
  types.add("111=opus/48000/2", "--rtpmap");
  SideStats s(&types);
  s.on_packet(at_ms(0), 20, rtp_at(99, 0, 13));
  for (uint16_t i = 1; i <= 50; ++i) s.on_packet(at_ms(20.0 * i), 100, rtp_at(uint16_t(99 + i), 960u * i, 111));
  const auto j = s.to_json()["rtp_streams"][0];
  EXPECT_EQ(j["payload_type"], 111);
  EXPECT_EQ(j["payload_types"], nlohmann::json({13, 111}));
  EXPECT_EQ(j["clock_rate_hz"], 48000);
  EXPECT_EQ(j["rfc3550"]["jitter_restarts"], 1);
  EXPECT_DOUBLE_EQ(j["rfc3550"]["jitter_ms"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["rfc3550"]["jitter_max_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["rfc3550"]["received"], 51);  // sequence accounting goes on across the switch
  EXPECT_TRUE(j["wireshark"]["max_jitter_ms"].is_null());  // its clock stays the first type's
}

// A sender that restarts its sequence numbers: A.1 re-synchronises, and received/expected still
// cover the whole stream (they covered only the last segment: received 49 of 100), like
// duplicates and reordered; received + ignored = packets.
TEST(StreamStats, CountsCoverTheWholeStreamAcrossASequenceRestart) {
  PayloadTypes types;
  SideStats s(&types);
  for (uint16_t i = 0; i < 50; ++i) s.on_packet(at_ms(20.0 * i), 100, rtp(uint16_t(100 + i)));
  s.on_packet(at_ms(1000), 100, rtp(149));  // a duplicate in the first segment
  for (uint16_t i = 0; i < 50; ++i) s.on_packet(at_ms(1020 + 20.0 * i), 100, rtp(uint16_t(20000 + i)));
  const auto j = s.to_json()["rtp_streams"][0];
  const auto& rfc = j["rfc3550"];
  EXPECT_EQ(j["packets"], 101);
  EXPECT_EQ(rfc["restarts"], 1);
  EXPECT_EQ(rfc["ignored"], 1);  // the first packet of the new numbering (A.1's bad jump)
  EXPECT_EQ(rfc["received"], 100);  // 50 + 1 duplicate + 49
  EXPECT_EQ(rfc["expected"], 99);
  EXPECT_EQ(rfc["lost"], -1);
  EXPECT_EQ(rfc["duplicates"], 1);
  EXPECT_EQ(rfc["received"].get<int64_t>() + rfc["ignored"].get<int64_t>(), j["packets"].get<int64_t>());
  EXPECT_EQ(rfc["resync_skipped_sequence_numbers"], 20000 - 149 - 1);  // 150 .. 19999
}

// An outage that eats more than A.1's 3000-number dropout is a re-synchronisation: its packets
// are in neither segment's expected, so `lost` said 0 for a stream that lost 3496 packets. The
// block now says how many sequence numbers the jump skipped.
TEST(StreamStats, AReSynchronisedJumpReportsTheNumbersItSkipped) {
  PayloadTypes types;
  SideStats s(&types);
  for (uint16_t seq = 0; seq < 4000; ++seq) {
    if (seq >= 100 && seq < 3596) continue;  // 3496 packets lost in an outage
    s.on_packet(at_ms(20.0 * seq), 100, rtp(seq));
  }
  const auto j = s.to_json();
  const auto& rfc = j["rtp_streams"][0]["rfc3550"];
  EXPECT_EQ(rfc["restarts"], 1);
  EXPECT_EQ(rfc["lost"], 0);
  EXPECT_EQ(rfc["ignored"], 1);  // 3596, the packet that began the new run
  EXPECT_EQ(rfc["resync_skipped_sequence_numbers"], 3496);
}

TEST(StreamStats, ClassesAndStreamLimit) {
  PayloadTypes types;
  SideStats s(&types);
  Classified other;
  s.on_packet(at_ms(1), 5, other);
  Classified stun;
  stun.cls = PacketClass::kStun;
  s.on_packet(at_ms(2), 20, stun);
  // Validated streams (two packets in sequence) keep their slots: the 17th to 19th are untracked.
  for (uint32_t ssrc = 0; ssrc < SideStats::kMaxStreams + 3; ++ssrc)
    for (uint16_t seq = 1; seq <= 2; ++seq) s.on_packet(at_ms(3), 50, rtp(seq, 0, ssrc));
  const auto j = s.to_json();
  EXPECT_EQ(j["by_class"]["other"]["packets"], 1);
  EXPECT_EQ(j["by_class"]["stun"]["bytes"], 20);
  EXPECT_EQ(j["rtp_streams"].size(), SideStats::kMaxStreams);
  EXPECT_EQ(j["rtp_untracked_packets"], 6);
  EXPECT_EQ(j["rtp_unvalidated_evicted_packets"], 0);
}

// Stray RTP-looking datagrams with random SSRCs (one each, never validated) used to take all 16
// slots, so the real stream that followed got no figures, only rtp_untracked_packets. A slot is
// now kept only by a validated source; the garbage gives its slots up and stays counted.
TEST(StreamStats, UnvalidatedStraySsrcsGiveTheirSlotsToARealStream) {
  PayloadTypes types;
  SideStats s(&types);
  for (uint32_t ssrc = 0; ssrc < SideStats::kMaxStreams; ++ssrc)
    s.on_packet(at_ms(1), 50, rtp(static_cast<uint16_t>(ssrc * 977), 0, 0x5000 + ssrc));
  // The real stream, with a new stray SSRC between each of its packets.
  for (uint16_t seq = 100; seq < 150; ++seq) {
    s.on_packet(at_ms(20.0 * seq), 172, rtp(seq, 0, 0xA11CE));
    s.on_packet(at_ms(20.0 * seq + 1), 50, rtp(static_cast<uint16_t>(seq * 31), 0, 0x9000u + seq));
  }
  const auto j = s.to_json();
  EXPECT_EQ(j["rtp_streams"].size(), SideStats::kMaxStreams);
  const nlohmann::json* real = nullptr;
  for (const auto& stream : j["rtp_streams"])
    if (stream["ssrc"] == "0x000a11ce") real = &stream;
  ASSERT_TRUE(real) << "the real stream got no slot: " << j.dump();
  EXPECT_EQ((*real)["packets"], 50);
  EXPECT_EQ((*real)["rfc3550"]["validated"], true);
  EXPECT_EQ((*real)["rfc3550"]["received"], 50);
  EXPECT_EQ((*real)["rfc3550"]["lost"], 0);
  EXPECT_EQ(j["rtp_untracked_packets"], 0);
  // 16 + 50 stray datagrams, 15 of them still in a slot: the other 51 gave theirs up.
  EXPECT_EQ(j["rtp_unvalidated_evicted_packets"], 51);
  EXPECT_EQ(j["rtp_unvalidated_evicted_ssrcs"], 51);
  uint64_t in_streams = 0;
  for (const auto& stream : j["rtp_streams"]) in_streams += stream["packets"].get<uint64_t>();
  EXPECT_EQ(in_streams + j["rtp_unvalidated_evicted_packets"].get<uint64_t>() +
                j["rtp_untracked_packets"].get<uint64_t>(),
            j["by_class"]["rtp"]["packets"].get<uint64_t>());
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
  EXPECT_TRUE(h.to_json()["p50_at_most_us"].is_null());
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

// The percentiles are bucket upper edges, not the values: they were reported as "p50_us" (a
// link delay's p50 39.936 ms where the exact median was 39.783). The keys say "at most" and the
// bucket widths are given; a link delay has no "over_1ms" (a release-error threshold).
TEST(DurationHistogram, PercentilesAreNamedAsUpperBoundsWithTheirResolution) {
  DurationHistogram h;
  for (int k = 0; k < 101; ++k) h.add(39'700'000 + k * 1'000);  // 39.700 .. 39.800 ms, median 39.750
  const auto j = h.to_json("ms", false);
  EXPECT_FALSE(j.contains("p50_ms"));
  EXPECT_FALSE(j.contains("over_1ms"));
  const double p50 = j["p50_at_most_ms"].get<double>();
  EXPECT_GE(p50, 39.750);
  EXPECT_LE(p50, 39.750 * (1 + j["bucket_width_relative_above"].get<double>()));
  EXPECT_EQ(j["bucket_width_relative_above"], 1.0 / 64);
  EXPECT_EQ(j["bucket_width_us_below_1024us"], 1);
  EXPECT_EQ(j["min_ms"], 39.7);
  EXPECT_EQ(j["max_ms"], 39.8);
  EXPECT_TRUE(h.to_json()["over_1ms"].is_number());
}

}  // namespace
}  // namespace callsim::live
