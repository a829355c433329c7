#include "jitter/fixed_jitter_buffer.h"

#include <gtest/gtest.h>

#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<FixedJitterBuffer> make_fixed(double delay_ms, bool fec = true) {
  return std::make_unique<FixedJitterBuffer>(FixedJitterConfig{delay_ms, fec},
                                             std::make_unique<FakeDecoder>(kRate), kRate, fake_has_fec);
}

// Index of the first output sample that comes from the first packet.
size_t first_audio_index(const RunResult& r, uint32_t first_ts) {
  for (size_t i = 0; i < r.frames.size(); ++i)
    if (r.frames[i].playout_rtp_timestamp) {
      const auto offset = static_cast<size_t>((*r.frames[i].playout_rtp_timestamp - first_ts) / 3);
      return i * kRate / 100 - offset;
    }
  return SIZE_MAX;
}

TEST(FixedJitterBuffer, PerfectNetworkPlaysTheDecodedStreamAfterExactlyTheDelay) {
  const auto signal = harmonic_signal(kRate, 3.0);
  const auto sent = make_stream(signal, kRate, {});
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  auto jb = make_fixed(60.0);
  // Constant 37 ms network delay: the first packet arrives at 37 ms and plays at 97 ms.
  const auto r = run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(37); }),
                     sim::Duration::seconds(3));
  const auto out = r.audio();
  const size_t start = first_audio_index(r, sent[0].packet.rtp_timestamp);
  EXPECT_EQ(start, static_cast<size_t>(97 * kRate / 1000));  // 97 ms of leading silence
  for (size_t i = 0; i < start; ++i) ASSERT_EQ(out[i], 0.0f) << i;
  size_t compared = 0;
  for (size_t i = start; i < out.size() && i - start < reference.size(); ++i, ++compared)
    ASSERT_EQ(out[i], reference[i - start]) << "sample " << i;
  EXPECT_GT(compared, static_cast<size_t>(2.8 * kRate));
  const auto s = jb->stats();
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_EQ(s.packets_discarded, 0u);
  EXPECT_EQ(s.packets_received, sent.size() - 2);  // the last two arrive after 3 s
  // jitterBufferDelay counts each sample from its packet's arrival to the start of the frame that
  // emits it: samples of a packet play 60..80 ms after arrival, frames start 0..10 ms before the
  // sample; with this fixed phase (first sample 7 ms into a frame) the mean is exactly
  // (3 x 53 + 10 x 63 + 7 x 73) / 20 = 65 ms.
  EXPECT_NEAR(s.mean_delay_ms(), 65.0, 0.05);
  EXPECT_NEAR(jb->current_delay_ms(), 60.0, 0.5);
}

// Jitter bounded below 60 ms (uniform 0..59 ms on top of 20 ms): an 80 ms buffer loses nothing.
TEST(FixedJitterBuffer, EightyMsBufferHasNoLateDiscardsWithJitterBelowSixtyMs) {
  const auto signal = harmonic_signal(kRate, 20.0);
  const auto sent = make_stream(signal, kRate, {});
  sim::RandomStream rng(11, "test/uniform-jitter");
  auto jb = make_fixed(80.0);
  const auto arrivals = deliver(
      sent, [&](size_t, sim::Timestamp) { return sim::Duration::from_ms(20 + rng.uniform(0, 59.9)); });
  // Pull until 20 s: the audio needed by then was sent before 19.9 s (no end-of-stream tail).
  run(*jb, arrivals, sim::Duration::seconds(20));
  const auto s = jb->stats();
  EXPECT_EQ(s.packets_discarded, 0u);
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_GE(s.packets_received, sent.size() - 4);
}

TEST(FixedJitterBuffer, LatePacketsAreDiscardedAndConcealed) {
  const auto signal = harmonic_signal(kRate, 2.0);
  const auto sent = make_stream(signal, kRate, {});
  auto jb = make_fixed(40.0, false);
  // Packets 10, 20 and 30 are 100 ms late: past a 40 ms buffer.
  const auto arrivals = deliver(
      sent, [](size_t i, sim::Timestamp) { return sim::Duration::millis(i % 10 == 0 && i > 0 ? 110 : 10); });
  run(*jb, arrivals, sim::Duration::seconds(2));
  const auto s = jb->stats();
  const uint64_t late = (sent.size() - 1) / 10;
  EXPECT_EQ(s.packets_discarded, late);
  EXPECT_EQ(s.concealment_events, late);
  EXPECT_EQ(s.concealed_samples, late * 320);  // one 20 ms frame each
}

TEST(FixedJitterBuffer, FecRebuildsASingleLossWhenTheNextPacketIsThere) {
  const auto signal = harmonic_signal(kRate, 2.0);
  StreamOptions opt;
  opt.fec = true;
  const auto sent = make_stream(signal, kRate, opt);
  auto jb = make_fixed(60.0, true);
  const auto arrivals = deliver(sent, [](size_t i, sim::Timestamp) -> std::optional<sim::Duration> {
    if (i == 20 || i == 50) return std::nullopt;
    return sim::Duration::millis(10);
  });
  const auto r = run(*jb, arrivals, sim::Duration::seconds(2));
  const auto s = jb->stats();
  EXPECT_EQ(s.fec_packets_used, 2u);
  EXPECT_EQ(s.concealed_samples, 0u);
  int fec_frames = 0;
  for (const auto& f : r.frames) fec_frames += f.type == PlayoutFrame::kFecRecovered;
  EXPECT_GE(fec_frames, 2);
}

}  // namespace
}  // namespace callsim::jitter
