// Soak: 10 minutes of Opus speech with the receiver's playout clock +-100 ppm off the sender's
// (60 ms of drift either way). The adaptive buffer must keep its delay within [min, max] and its
// concealment flat: no minute conceals more than twice the first minute plus 1 %.
#include <gtest/gtest.h>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "codec/codec.h"
#include "jitter/jitter_buffer.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 48000;

TEST(DriftSoak, TenMinutesAtPlusMinus100PpmStaysBounded) {
  const audio::Signal voice = audio::resample(audio::load_builtin_talker("en_male"), kRate);
  std::vector<float> speech;
  while (speech.size() < static_cast<size_t>(601 * kRate))
    speech.insert(speech.end(), voice.samples.begin(), voice.samples.end());
  speech.resize(static_cast<size_t>(601 * kRate));
  codec::EncoderConfig ec;
  ec.sample_rate_hz = kRate;
  auto encoder = codec::make_opus_encoder(ec);
  const auto sent = make_stream(speech, *encoder, {});
  for (double ppm : {-100.0, 100.0}) {
    JitterBufferConfig config;
    config.adaptive.min_delay_ms = 40;
    config.adaptive.max_delay_ms = 400;
    auto jb = make_jitter_buffer(config, codec::make_opus_decoder(kRate), kRate);
    const auto r = run(*jb, deliver(sent, normal_delay(50, 15, 31)), sim::Duration::seconds(600), ppm);
    std::vector<double> concealed_per_minute(10, 0.0);
    for (size_t i = 0; i < r.frames.size(); ++i) {
      if (i >= 500) {
        ASSERT_GE(r.delay_ms[i], config.adaptive.min_delay_ms - 10) << ppm << " frame " << i;
        ASSERT_LE(r.delay_ms[i], config.adaptive.max_delay_ms) << ppm << " frame " << i;
      }
      if (r.frames[i].type == PlayoutFrame::kExpand)
        concealed_per_minute[std::min<size_t>(9, i / 6000)] += 1.0 / 6000;
    }
    for (size_t m = 1; m < 10; ++m)
      EXPECT_LE(concealed_per_minute[m], 2 * concealed_per_minute[0] + 0.01) << ppm << " minute " << m;
    const auto s = jb->stats();
    EXPECT_LT(static_cast<double>(s.concealed_samples) / static_cast<double>(s.total_samples_received), 0.05)
        << ppm;
    if (ppm > 0) {
      EXPECT_GE(s.removed_samples_for_acceleration, static_cast<uint64_t>(0.06 * kRate)) << ppm;
    }
  }
}

}  // namespace
}  // namespace callsim::jitter
