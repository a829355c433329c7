// Expand, Merge, BackgroundNoise and AudioProducer.
#include <gtest/gtest.h>

#include <cmath>

#include "jitter/audio_producer.h"
#include "jitter/background_noise.h"
#include "jitter/expand.h"
#include "jitter/merge.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

constexpr int kRate = 16000;

TEST(BackgroundNoise, TracksTheQuietestLevelAndFlagsSilence) {
  BackgroundNoise bg(kRate, 1);
  std::vector<float> loud(160, 0.1f), quiet(160, 0.001f);
  bg.update(loud);
  EXPECT_FALSE(bg.last_block_silent());
  bg.update(quiet);
  EXPECT_NEAR(bg.level_rms(), 0.001, 1e-9);
  EXPECT_TRUE(bg.last_block_silent());
  // The level rises at 3 dB/s: after 1 s of loud blocks it is sqrt(2) x higher.
  for (int i = 0; i < 100; ++i) bg.update(loud);
  EXPECT_NEAR(bg.level_rms(), 0.001 * std::pow(10.0, 3.0 / 20), 1e-6);
  EXPECT_FALSE(bg.is_silent(0.0032));
  EXPECT_TRUE(bg.is_silent(0.0027));
}

// Talking has started at a non-silent block of -60 dBFS or more, or at five non-silent blocks in a
// row; a faint transient in the leading silence (what Opus decodes after concealment there: two
// blocks at about -69 and -83 dBFS over a -91 dBFS background) does not end it.
TEST(BackgroundNoise, LeadingSilenceEndsAtAudibleSoundNotAFaintTransient) {
  BackgroundNoise bg(kRate, 1);
  const std::vector<float> background(160, 2.8e-5f), transient(160, 3.4e-4f), faint(160, 7e-5f);
  for (int i = 0; i < 5; ++i) bg.update(background);
  EXPECT_FALSE(bg.heard_sound());
  bg.update(transient);
  EXPECT_FALSE(bg.last_block_silent());  // above twice the background: not silent
  bg.update(faint);
  EXPECT_FALSE(bg.heard_sound());
  for (int i = 0; i < 3; ++i) bg.update(background);
  EXPECT_FALSE(bg.heard_sound());
  // Just below -60 dBFS for four blocks: still not; the fifth in a row is talking.
  const std::vector<float> quiet_talk(160, 9e-4f);
  for (int i = 0; i < 4; ++i) bg.update(quiet_talk);
  EXPECT_FALSE(bg.heard_sound());
  bg.update(quiet_talk);
  EXPECT_TRUE(bg.heard_sound());
  // One block at -60 dBFS is enough.
  BackgroundNoise other(kRate, 1);
  other.update(background);
  other.update(std::vector<float>(160, 1e-3f));
  EXPECT_TRUE(other.heard_sound());
}

// Comfort noise: RMS equals the background level within 3 % (n = 48000 correlated samples, a
// one-pole with a = 0.5 has ~3 x fewer independent samples; relative SE of the RMS ~0.6 %, so 3 %
// is 5 SE).
TEST(BackgroundNoise, ComfortNoiseHasTheBackgroundLevelAndIsSeeded) {
  BackgroundNoise a(kRate, 7), b(kRate, 7), c(kRate, 8);
  std::vector<float> quiet(1600, 0.0005f);  // below the initial -60 dBFS: tracked at once
  a.update(quiet);
  EXPECT_NEAR(a.level_rms(), 0.0005, 1e-9);
  const auto n = a.comfort_noise(48000);
  EXPECT_NEAR(BackgroundNoise::rms(n), 0.0005, 0.03 * 0.0005);
  b.update(quiet);
  c.update(quiet);
  EXPECT_EQ(b.comfort_noise(480), std::vector<float>(n.begin(), n.begin() + 480));
  EXPECT_NE(c.comfort_noise(480), std::vector<float>(n.begin(), n.begin() + 480));
}

TEST(Expand, FullLevelPlcThenFadeToComfortNoise) {
  testing::FakeDecoder decoder(kRate), reference(kRate);
  const auto speech = testing::harmonic_signal(kRate, 0.02);
  std::vector<uint8_t> payload = testing::fake_encode(speech, {}, false);
  decoder.decode(payload);
  reference.decode(payload);
  BackgroundNoise bg(kRate, 1);
  Expand expand(decoder, bg, kRate);  // fade 60..100 ms
  std::vector<float> out;
  size_t first_silent = SIZE_MAX;
  for (int i = 0; i < 12; ++i) {
    const auto block = expand.conceal(160);
    if (block.first_silent < 160 && first_silent == SIZE_MAX) first_silent = out.size() + block.first_silent;
    out.insert(out.end(), block.pcm.begin(), block.pcm.end());
  }
  // The first 60 ms are the decoder's PLC exactly.
  std::vector<float> plc;
  for (int i = 0; i < 6; ++i) {
    const auto p = reference.conceal(160);
    plc.insert(plc.end(), p.begin(), p.end());
  }
  for (size_t i = 0; i < plc.size(); ++i) ASSERT_FLOAT_EQ(out[i], plc[i]) << i;
  EXPECT_EQ(first_silent, 1600u);  // silent from 100 ms
  EXPECT_TRUE(expand.faded_out());
  EXPECT_EQ(decoder.conceals, 10);  // no PLC once faded out
  expand.reset();
  EXPECT_EQ(expand.concealed_in_row(), 0);
}

// libopus conceals worse in 2.5 or 5 ms requests than in 10 ms ones, so Expand asks the decoder
// for whole 10 ms chunks and keeps what it has not used yet (until real audio resumes).
TEST(Expand, AsksTheDecoderForWholeTenMillisecondChunks) {
  testing::FakeDecoder decoder(kRate), reference(kRate);
  const auto speech = testing::harmonic_signal(kRate, 0.02);
  const std::vector<uint8_t> payload = testing::fake_encode(speech, {}, false);
  decoder.decode(payload);
  reference.decode(payload);
  BackgroundNoise bg(kRate, 1);
  Expand expand(decoder, bg, kRate);
  std::vector<float> out;
  for (int n : {40, 80, 80, 120}) {  // 2.5 + 5 + 5 + 7.5 ms
    const auto block = expand.conceal(n);
    out.insert(out.end(), block.pcm.begin(), block.pcm.end());
  }
  EXPECT_EQ(decoder.conceals, 2);  // 20 ms asked for in two 10 ms requests
  std::vector<float> plc = reference.conceal(160), second = reference.conceal(160);
  plc.insert(plc.end(), second.begin(), second.end());
  ASSERT_EQ(out.size(), 320u);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_FLOAT_EQ(out[i], plc[i]) << i;
  expand.conceal(40);  // from a fresh chunk
  EXPECT_EQ(decoder.conceals, 3);
  expand.reset();  // real audio resumed: the unused 7.5 ms are dropped
  expand.conceal(40);
  EXPECT_EQ(decoder.conceals, 4);
}

TEST(Merge, CrossFadesWithoutAStep) {
  Merge m(kRate);  // 2.5 ms = 40 samples
  std::vector<float> decoded(160, 1.0f), continuation(40, -1.0f);
  EXPECT_EQ(m.apply(decoded, continuation), 40u);
  EXPECT_NEAR(decoded[0], -1.0f, 0.01f);
  for (size_t i = 1; i < decoded.size(); ++i) EXPECT_LE(std::abs(decoded[i] - decoded[i - 1]), 0.08f) << i;
  EXPECT_EQ(decoded[40], 1.0f);
}

// The seam after concealment is the decoder's own (libopus continues from its PLC state): a
// continuation is cross-faded in only where the decoder has already made it (the rest of its last
// 10 ms PLC request). It is never asked to conceal audio that is not played: that would advance its
// state past what was heard, and the next packet would be decoded as after a longer loss.
TEST(AudioProducer, LabelsWhatItMakesAndMergesOnlyAContinuationAlreadyMade) {
  const auto pcm = testing::harmonic_signal(kRate, 0.04);
  const auto packet = [&](int seq, int64_t position, size_t from, sim::Timestamp arrival) {
    return StoredPacket{static_cast<int64_t>(seq),
                        position,
                        320,
                        false,
                        false,
                        testing::fake_encode(std::span(pcm).subspan(from, 320), {}, false),
                        arrival};
  };
  {
    // 10 ms concealed: one whole PLC request, nothing left over, no merge.
    testing::FakeDecoder decoder(kRate);
    AudioProducer producer(decoder, kRate, 1);
    PlayoutQueue q;
    EXPECT_EQ(producer.decode(packet(1, 0, 0, sim::Timestamp::from_ms(5)), 100, q), 220);  // from 100
    EXPECT_EQ(q.metas()[0].position, 100);
    EXPECT_EQ(q.metas()[0].kind, SampleKind::kNormal);
    EXPECT_EQ(q.metas()[0].arrival_ns, 5000000);
    producer.conceal(160, q);
    EXPECT_TRUE(producer.synthetic());
    producer.decode(packet(2, 480, 320, sim::Timestamp::from_ms(30)), 480, q);
    EXPECT_EQ(decoder.conceals, 1);  // only the 10 ms that is played
    const auto m = q.metas();
    ASSERT_EQ(m.size(), 220u + 160u + 320u);
    EXPECT_EQ(m[220].kind, SampleKind::kExpand);
    EXPECT_EQ(m[380].kind, SampleKind::kNormal);
    EXPECT_EQ(m[380].position, 480);
    EXPECT_EQ(frame_type(m.subspan(200, 160)), PlayoutFrame::kExpand);
    EXPECT_EQ(frame_type(m.subspan(380, 160)), PlayoutFrame::kNormal);
  }
  {
    // 7.5 ms concealed: the PLC made 10 ms; its last 2.5 ms is the continuation cross-faded in.
    testing::FakeDecoder decoder(kRate);
    AudioProducer producer(decoder, kRate, 1);
    PlayoutQueue q;
    producer.decode(packet(1, 0, 0, sim::Timestamp::from_ms(5)), 100, q);
    producer.conceal(120, q);
    producer.decode(packet(2, 480, 320, sim::Timestamp::from_ms(30)), 480, q);
    EXPECT_EQ(decoder.conceals, 1);
    const auto m = q.metas();
    ASSERT_EQ(m.size(), 220u + 120u + 320u);
    EXPECT_EQ(m[220].kind, SampleKind::kExpand);
    EXPECT_EQ(m[340].kind, SampleKind::kMerge);
    EXPECT_EQ(m[340 + 39].kind, SampleKind::kMerge);
    EXPECT_EQ(m[340 + 40].kind, SampleKind::kNormal);
    EXPECT_EQ(m[340 + 40].position, 520);
    EXPECT_EQ(frame_type(m.subspan(340, 160)), PlayoutFrame::kMerge);
    EXPECT_EQ(frame_type(m.subspan(460, 160)), PlayoutFrame::kNormal);
  }
}

}  // namespace
}  // namespace callsim::jitter
