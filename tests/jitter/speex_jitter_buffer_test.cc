#include "jitter/speex_jitter_buffer.h"

#include <gtest/gtest.h>

#include <set>

#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<JitterBuffer> make_speex(double margin_ms = 40, bool fec = true) {
  JitterBufferConfig c;
  c.kind = JitterBufferKind::kSpeex;
  c.speex.margin_ms = margin_ms;
  c.speex.use_fec = fec;
  c.fec_probe = fake_has_fec;
  return make_jitter_buffer(c, std::make_unique<FakeDecoder>(kRate), kRate);
}

// Constant delay: speexdsp plays the first packet at once, inserts its 40 ms margin (PLC: four whole
// 10 ms requests, so nothing is cross-faded: the decoder continues from its own concealment) and
// from then on plays the decoded stream exactly, 40 ms later.
TEST(SpeexJitterBuffer, PerfectNetworkPlaysTheDecodedStreamAfterItsMargin) {
  const auto signal = harmonic_signal(kRate, 5.0);
  const auto sent = make_stream(signal, kRate, {});
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  auto jb = make_speex();
  const auto r = run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(37); }),
                     sim::Duration::seconds(5));
  size_t last_inserted = 0;
  for (size_t i = 0; i < r.frames.size(); ++i) {
    EXPECT_NE(r.frames[i].type, PlayoutFrame::kMerge) << i;
    if (r.frames[i].type != PlayoutFrame::kNormal && r.frames[i].type != PlayoutFrame::kSilence) last_inserted = i;
  }
  ASSERT_GT(last_inserted, 0u);
  ASSERT_LT(last_inserted, 20u);
  const size_t first_audio = 4 * 160;                     // first packet at 37 ms, played from the 40 ms pull
  const size_t offset = first_audio + 40 * kRate / 1000;  // + the 40 ms insertion
  const auto out = r.audio();
  for (size_t i = (last_inserted + 1) * 160; i < out.size(); ++i) ASSERT_EQ(out[i], reference[i - offset]) << i;
  const auto s = jb->stats();
  EXPECT_EQ(s.inserted_samples_for_deceleration, 640u);
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_NEAR(jb->current_delay_ms(), 40.0 + 10.0, 10.0);  // margin + frame granularity
}

// Margins beyond 682 ms: speexdsp keeps its delays in 16-bit integers of the timestamp unit, and
// in 48 kHz RTP ticks a margin of 700 ms overflowed (played at 36 ms with 16 % of the packets
// dropped late, with libspeexdsp's "negative buffering" warnings). In 1/8 ms units every margin
// the scenario accepts (up to 4000 ms) is inserted once and held.
TEST(SpeexJitterBuffer, LargeMarginsAreHeldWithoutDroppingPackets) {
  for (const double margin_ms : {700.0, 2000.0, 3000.0}) {
    const auto signal = harmonic_signal(kRate, 8.0);
    const auto sent = make_stream(signal, kRate, {});
    auto jb = make_speex(margin_ms);
    (void)run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(37); }),
              sim::Duration::seconds(8));
    const auto s = jb->stats();
    EXPECT_EQ(s.packets_discarded, 0u) << margin_ms;
    EXPECT_EQ(s.concealed_samples, 0u) << margin_ms;
    EXPECT_EQ(s.inserted_samples_for_deceleration, static_cast<uint64_t>(margin_ms * kRate / 1000)) << margin_ms;
    EXPECT_NEAR(jb->current_delay_ms(), margin_ms + 10.0, 10.0) << margin_ms;
  }
}

// speexdsp on jittery streams: its own estimator keeps late packets rare (its default allows
// 4 % late); the stream carries no FEC, so none is used.
TEST(SpeexJitterBuffer, PlaysJitteryStreamsWithFewLosses) {
  const auto signal = harmonic_signal(kRate, 30.0);
  const auto sent = make_stream(signal, kRate, {});
  for (double sd : {10.0, 20.0}) {
    auto jb = make_speex();
    const auto r = run(*jb, deliver(sent, normal_delay(50, sd, 3)), sim::Duration::seconds(30));
    const auto s = jb->stats();
    EXPECT_LE(static_cast<double>(s.concealed_samples), 0.04 * static_cast<double>(s.total_samples_received))
        << sd;
    EXPECT_LE(static_cast<double>(s.packets_discarded), 0.04 * static_cast<double>(s.packets_received)) << sd;
    const auto m2e = mouth_to_ear_ms(r, sent[0].packet.rtp_timestamp, sim::Timestamp::from_ms(5000));
    EXPECT_GT(mean(m2e), 50.0 + sd) << sd;  // it buffers for the jitter
    EXPECT_LT(mean(m2e), 50.0 + 10 * sd) << sd;
    EXPECT_EQ(s.fec_packets_used, 0u);
  }
}

// 5 % i.i.d. loss on a 40 ms path with FEC in every packet: with its 40 ms margin speexdsp holds
// the next packet when a lost one is due, so the lost frames come from FEC instead of PLC (issue
// 12: speex ignored FEC, 2.10 against 3.14 for a fixed buffer at 5 % loss). Losses are isolated
// except the few back-to-back pairs (only the second of a pair has FEC for it): measured 126 of
// 132 losses rebuilt, concealment events 126 -> 6; asserted >= 85 % and <= a fifth.
TEST(SpeexJitterBuffer, RebuildsLostFramesFromTheNextPacketsFec) {
  const auto signal = harmonic_signal(kRate, 60.0);
  StreamOptions opt;
  opt.fec = true;
  const auto sent = make_stream(signal, kRate, opt);
  uint64_t events[2] = {}, used = 0;
  size_t lost = 0;
  for (int fec = 0; fec < 2; ++fec) {
    auto jb = make_speex(40, fec == 1);
    const auto arrivals = deliver(sent, normal_delay(40, 0, 21, 0.05));
    lost = sent.size() - arrivals.size();
    run(*jb, arrivals, sim::Duration::seconds(60));
    events[fec] = jb->stats().concealment_events;
    if (fec) used = jb->stats().fec_packets_used;
  }
  EXPECT_GE(static_cast<double>(used), 0.85 * static_cast<double>(lost));
  EXPECT_LE(5 * events[1], events[0]) << "off " << events[0] << " on " << events[1];
  RecordProperty("events_off", std::to_string(events[0]));
  RecordProperty("events_on", std::to_string(events[1]));
  RecordProperty("lost", std::to_string(lost));
  RecordProperty("fec_used", std::to_string(used));
}

TEST(SpeexJitterBuffer, CountsDuplicatesAndLatePackets) {
  const auto signal = harmonic_signal(kRate, 3.0);
  const auto sent = make_stream(signal, kRate, {});
  auto arrivals =
      deliver(sent, [](size_t i, sim::Timestamp) { return sim::Duration::millis(i == 50 ? 1000 : 20); });
  ReceivedPacket dup = sent[10].packet;
  dup.arrival = sent[10].send_time + sim::Duration::millis(25);
  arrivals.push_back(dup);
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
  auto jb = make_speex(20);
  run(*jb, arrivals, sim::Duration::seconds(3));
  const auto s = jb->stats();
  EXPECT_EQ(s.packets_duplicated, 1u);
  EXPECT_EQ(s.packets_discarded, 1u);  // packet 50, 1 s late
  EXPECT_GE(s.concealment_events, 1u);
}

// discarded_packets() names each packet counted in packetsDiscarded, and the count is what speexdsp
// itself says is gone (put, never returned, not held at its pointer).
TEST(SpeexJitterBuffer, NamesTheDiscardedPacketsSpeexdspCounts) {
  const auto signal = harmonic_signal(kRate, 6.0);
  const auto sent = make_stream(signal, kRate, {});
  auto arrivals = deliver(sent, [](size_t i, sim::Timestamp) {
    return sim::Duration::millis(20 + static_cast<int64_t>(((i * 37) % 11) * 9 + (i % 60 > 40 ? 120 : 0)));
  });
  for (size_t i = 0; i < arrivals.size(); ++i) arrivals[i].tag = 1000 + arrivals[i].sequence;
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
  auto jb = make_speex(20);
  run(*jb, arrivals, sim::Duration::seconds(7));
  const auto* speex = dynamic_cast<const SpeexJitterBuffer*>(jb.get());
  ASSERT_NE(speex, nullptr);
  const auto discarded = jb->discarded_packets();
  EXPECT_GE(discarded.size(), 5u) << "the case discards (almost) nothing";
  EXPECT_EQ(discarded.size(), jb->stats().packets_discarded);
  EXPECT_EQ(discarded.size(), speex->speexdsp_gone_count());
  std::set<uint64_t> tags;
  for (const auto& d : discarded) {
    EXPECT_EQ(d.reason, DiscardedPacket::Reason::kSpeexdsp);
    EXPECT_GE(d.tag, 1000u);
    tags.insert(d.tag);
  }
  EXPECT_EQ(tags.size(), discarded.size()) << "a packet named twice";
}

}  // namespace
}  // namespace callsim::jitter
