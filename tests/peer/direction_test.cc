#include "peer/direction.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "codec/opus_codec.h"
#include "peer/talk_schedule.h"

namespace callsim::peer {
namespace {

struct Fixture {
  EncodedStream stream;
  audio::Signal talk;
};

Fixture make_stream(int rate, sim::Duration duration, codec::EncoderConfig cfg = {}) {
  const audio::Signal clip = audio::resample(audio::load_builtin_talker("en_female"), rate);
  Fixture f;
  f.talk = build_talk_signal(clip, {{sim::Duration::zero(), duration}}, duration, rate);
  cfg.sample_rate_hz = rate;
  f.stream = encode_talk(f.talk, cfg);
  return f;
}

std::vector<float> decode_all(const EncodedStream& s) {
  codec::OpusDecoder decoder(s.sample_rate_hz);
  std::vector<float> out;
  for (const auto& p : s.payloads) {
    auto pcm = decoder.decode(p);
    out.insert(out.end(), pcm.begin(), pcm.end());
  }
  return out;
}

// Perfect network: the played-out audio equals the plain decode of the encoded reference,
// sample for sample, after the buffer's delay (a whole number of 10 ms ticks).
TEST(Direction, PerfectNetworkPlaysTheExactDecodeAfterTheBufferDelay) {
  const auto duration = sim::Duration::seconds(4);
  Fixture f = make_stream(48000, duration);
  DirectionSetup setup;
  setup.name = "a->b";
  setup.stream = &f.stream;
  setup.jitter_buffer.kind = jitter::JitterBufferKind::kFixed;
  setup.jitter_buffer.fixed.delay_ms = 40;
  setup.duration = duration;
  sim::Simulator sim;
  Direction d(setup, sim);
  d.start();
  sim.run();

  const std::vector<float> expected = decode_all(f.stream);
  const std::vector<float>& got = d.receiver().output().samples;
  // First frame is sent at 20 ms (end of capture) and arrives at once; + 40 ms buffer → 60 ms.
  const size_t offset = 60 * 48;
  ASSERT_GE(got.size(), offset + expected.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < expected.size(); ++i) mismatches += got[offset + i] != expected[i];
  EXPECT_EQ(mismatches, 0u);
  for (size_t i = 0; i < offset; ++i) ASSERT_EQ(got[i], 0.0f) << i;

  // Mouth-to-ear of every real frame: 20 ms packetization + 40 ms buffer + codec lookahead.
  const double lookahead_ms = f.stream.lookahead_samples / 48.0;
  int real = 0;
  for (const auto& fr : d.receiver().frames()) {
    if (!fr.mouth_to_ear_ms) continue;
    ++real;
    EXPECT_NEAR(*fr.mouth_to_ear_ms, 60.0 + lookahead_ms, 1e-6);
  }
  EXPECT_GT(real, 390);
  EXPECT_EQ(d.link_stats().lost, 0u);
}

}  // namespace
}  // namespace callsim::peer
