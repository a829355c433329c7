// The buffers with the real Opus codec (codec/opus_codec.h): in-band FEC and DTX.
#include <gtest/gtest.h>

#include <iostream>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "codec/codec.h"
#include "jitter/adaptive_jitter_buffer.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 48000;

std::vector<float> talker(double seconds) {
  const audio::Signal s = audio::resample(audio::load_builtin_talker("en_female"), kRate);
  std::vector<float> out;
  while (out.size() < static_cast<size_t>(seconds * kRate)) out.insert(out.end(), s.samples.begin(), s.samples.end());
  out.resize(static_cast<size_t>(seconds * kRate));
  return out;
}

JitterStats run_fec(bool fec, const std::vector<float>& speech) {
  codec::EncoderConfig ec;
  ec.sample_rate_hz = kRate;
  ec.bitrate_bps = 24000;
  ec.max_bandwidth = codec::Bandwidth::kWideband;
  ec.inband_fec = fec;
  ec.expected_loss_pct = fec ? 5 : 0;
  auto encoder = codec::make_opus_encoder(ec);
  const auto sent = make_stream(speech, *encoder, {});
  AdaptiveJitterConfig c;
  c.use_fec = fec;
  JitterBufferConfig config;
  config.kind = JitterBufferKind::kAdaptive;
  config.adaptive = c;
  auto jb = make_jitter_buffer(config, codec::make_opus_decoder(kRate), kRate);
  run(*jb, deliver(sent, normal_delay(40, 10, 21, 0.05)), sim::Duration::from_seconds(speech.size() / double(kRate)));
  return jb->stats();
}

TEST(OpusJitter, Explore) {
  const auto speech = talker(60.0);
  const auto off = run_fec(false, speech);
  const auto on = run_fec(true, speech);
  std::cout << "off: events " << off.concealment_events << " concealed " << off.concealed_samples << " fec used " << off.fec_packets_used << " fec recv " << off.fec_packets_received << "\n";
  std::cout << "on: events " << on.concealment_events << " concealed " << on.concealed_samples << " fec used " << on.fec_packets_used << " fec recv " << on.fec_packets_received << " recv " << on.packets_received << "\n";
}

}  // namespace
}  // namespace callsim::jitter
