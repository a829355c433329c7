// OpusEncoder/OpusDecoder API behaviour: configuration checks, determinism, bit-rate control,
// DTX, bandwidth caps, concealment lengths and robustness against garbage payloads.
#include "codec/opus_codec.h"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <string>

#include "codec/opus_packet.h"
#include "codec/round_trip.h"
#include "sim/random.h"
#include "test_signals.h"

namespace callsim::codec {
namespace {

std::vector<std::vector<uint8_t>> encode_all(OpusEncoder& encoder, std::span<const float> pcm) {
  std::vector<std::vector<uint8_t>> packets;
  const size_t frame = static_cast<size_t>(encoder.frame_samples());
  for (size_t pos = 0; pos + frame <= pcm.size(); pos += frame)
    packets.push_back(encoder.encode(pcm.subspan(pos, frame)));
  return packets;
}

std::string invalid_message(const EncoderConfig& config) {
  try {
    OpusEncoder encoder(config);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(OpusEncoder, RejectsInvalidConfigsNamingTheField) {
  EncoderConfig c;
  c.sample_rate_hz = 44100;
  EXPECT_NE(invalid_message(c).find("sample_rate_hz 44100"), std::string::npos);
  c = {};
  c.frame_ms = 30;
  EXPECT_NE(invalid_message(c).find("frame_ms 30"), std::string::npos);
  c = {};
  c.bitrate_bps = 5999;
  EXPECT_NE(invalid_message(c).find("bitrate_bps 5999"), std::string::npos);
  c = {};
  c.complexity = 11;
  EXPECT_NE(invalid_message(c).find("complexity 11"), std::string::npos);
  c = {};
  c.expected_loss_pct = -1;
  EXPECT_NE(invalid_message(c).find("expected_loss_pct -1"), std::string::npos);
  EXPECT_THROW(OpusDecoder(22050), std::invalid_argument);
  OpusEncoder ok({});
  EXPECT_THROW(ok.set_expected_loss_pct(101), std::invalid_argument);
  EXPECT_THROW(ok.encode(std::vector<float>(959)), std::invalid_argument);
}

TEST(OpusEncoder, FrameSizesAndLookaheadFollowTheRate) {
  for (int rate : {8000, 12000, 16000, 24000, 48000}) {
    for (int ms : {10, 20, 40, 60}) {
      EncoderConfig c;
      c.sample_rate_hz = rate;
      c.frame_ms = ms;
      OpusEncoder e(c);
      EXPECT_EQ(e.frame_samples(), rate / 1000 * ms);
      // VoIP/audio lookahead is 2.5 ms of analysis plus 4 ms of delay compensation: 6.5 ms.
      EXPECT_EQ(e.lookahead_samples(), rate * 65 / 10000) << rate;
    }
  }
}

TEST(OpusEncoder, SameInputAndSettingsGiveIdenticalBytes) {
  const auto pcm = testing::speech_like(48000, 3.0, 11);
  EncoderConfig c;
  c.inband_fec = true;
  c.expected_loss_pct = 10;
  OpusEncoder a(c), b(c);
  OpusDecoder d(48000);
  const auto pa = encode_all(a, pcm);
  const auto pb = encode_all(b, pcm);
  ASSERT_EQ(pa.size(), 150u);
  EXPECT_EQ(pa, pb);
  // The decoder's range-coder state after each packet equals the encoder's: the bitstream is
  // decoded exactly as it was written.
  OpusEncoder again(c);
  const size_t frame = 960;
  for (size_t i = 0; i < pa.size(); ++i) {
    again.encode(std::span<const float>(pcm).subspan(i * frame, frame));
    d.decode(pa[i]);
    ASSERT_EQ(again.final_range(), d.final_range()) << "packet " << i;
  }
}

TEST(OpusEncoder, CbrPayloadsAreExactlyBitrateTimesFrame) {
  struct Case {
    int rate, bitrate, ms;
  };
  for (const Case& k : {Case{48000, 32000, 20}, Case{16000, 24000, 10}, Case{48000, 64000, 60},
                        Case{8000, 12000, 40}, Case{24000, 40000, 20}}) {
    EncoderConfig c;
    c.sample_rate_hz = k.rate;
    c.bitrate_bps = k.bitrate;
    c.frame_ms = k.ms;
    c.rate_control = RateControl::kCbr;
    OpusEncoder e(c);
    const auto packets = encode_all(e, testing::speech_like(k.rate, 2.0, 3));
    const size_t expected = static_cast<size_t>(k.bitrate / 8 * k.ms / 1000);
    for (const auto& p : packets) ASSERT_EQ(p.size(), expected) << k.bitrate << " bps, " << k.ms << " ms";
  }
}

// VBR over 10 s of running speech-like signal (syllables with 30-80 ms gaps, no long pauses): the
// average must land within ±15 % of the target; libopus 1.3.1 measured -6 %..+6 % here. (Long
// pauses lower the average by design: VBR spends almost nothing on silence; with 15 % pauses the
// 8 kHz case drops to -21 %.)
TEST(OpusEncoder, VbrAverageBitrateIsNearTarget) {
  struct Case {
    int rate, bitrate;
    RateControl rc;
  };
  for (const Case& k :
       {Case{16000, 24000, RateControl::kVbr}, Case{48000, 32000, RateControl::kVbr},
        Case{48000, 16000, RateControl::kConstrainedVbr}, Case{8000, 12000, RateControl::kVbr}}) {
    EncoderConfig c;
    c.sample_rate_hz = k.rate;
    c.bitrate_bps = k.bitrate;
    c.rate_control = k.rc;
    const auto pcm = testing::speech_like(k.rate, 10.0, 5, 0.0);
    const RoundTripResult r = codec_only_round_trip(c, pcm);
    const double bps = static_cast<double>(r.payload_bytes) * 8 / 10.0;
    EXPECT_NEAR(bps / k.bitrate, 1.0, 0.15) << k.rate << " Hz, target " << k.bitrate << ", got " << bps;
  }
}

// After the 200 ms DTX hangover, silence is sent as 1-2 byte payloads except for one comfort-noise
// update every 420 ms (21 frames): measured 95 % in seconds 2-4; speech never is.
TEST(OpusEncoder, DtxGivesTinyPayloadsOnSilenceOnly) {
  for (Application app : {Application::kVoip, Application::kAudio}) {
    EncoderConfig c;
    c.sample_rate_hz = 16000;
    c.application = app;
    c.dtx = true;
    auto pcm = testing::speech_like(16000, 1.0, 2);
    pcm.resize(16000 * 4, 0.0f);
    OpusEncoder e(c);
    const auto packets = encode_all(e, pcm);
    ASSERT_EQ(packets.size(), 200u);
    int speech_dtx = 0, silence_dtx = 0;
    for (size_t i = 0; i < 50; ++i) speech_dtx += is_dtx_payload(packets[i]);
    for (size_t i = 100; i < 200; ++i) silence_dtx += is_dtx_payload(packets[i]);
    EXPECT_EQ(speech_dtx, 0);
    EXPECT_GE(silence_dtx, 90);
    // Without DTX, silence is still sent.
    c.dtx = false;
    OpusEncoder plain(c);
    for (const auto& p : encode_all(plain, pcm)) EXPECT_GT(p.size(), 2u);
  }
}

TEST(OpusEncoder, MaxBandwidthCapsTheTocBandwidth) {
  const auto pcm = testing::speech_like(48000, 2.0, 9);
  for (Bandwidth cap : {Bandwidth::kNarrowband, Bandwidth::kMediumband, Bandwidth::kWideband,
                        Bandwidth::kSuperwideband, Bandwidth::kFullband}) {
    EncoderConfig c;
    c.bitrate_bps = 64000;
    c.max_bandwidth = cap;
    OpusEncoder e(c);
    int at_cap = 0, total = 0;
    for (const auto& p : encode_all(e, pcm)) {
      const TocInfo toc = parse_toc(p[0]);
      ASSERT_LE(static_cast<int>(toc.bandwidth), static_cast<int>(cap));
      at_cap += toc.bandwidth == cap;
      ++total;
    }
    // At 64 kbps the encoder uses all the bandwidth it is allowed (after its first frames).
    EXPECT_GE(at_cap, total - 5) << static_cast<int>(cap);
  }
}

TEST(OpusEncoder, ModeFollowsApplicationAndRate) {
  const auto pcm16 = testing::speech_like(16000, 1.0, 4);
  const auto pcm48 = testing::speech_like(48000, 1.0, 4);
  EncoderConfig silk;
  silk.sample_rate_hz = 16000;
  silk.bitrate_bps = 24000;
  OpusEncoder s(silk);
  for (const auto& p : encode_all(s, pcm16)) EXPECT_EQ(parse_toc(p[0]).mode, OpusMode::kSilk);
  EncoderConfig hybrid;
  hybrid.bitrate_bps = 32000;
  OpusEncoder h(hybrid);
  for (const auto& p : encode_all(h, pcm48)) EXPECT_EQ(parse_toc(p[0]).mode, OpusMode::kHybrid);
  EncoderConfig celt;
  celt.application = Application::kAudio;
  celt.bitrate_bps = 128000;
  OpusEncoder a(celt);
  for (const auto& p : encode_all(a, pcm48)) EXPECT_EQ(parse_toc(p[0]).mode, OpusMode::kCelt);
}

TEST(OpusDecoder, ConcealProducesAnyMultipleOf2_5Ms) {
  OpusDecoder d(16000);
  for (int samples : {40, 80, 160, 320, 440, 960, 1920, 4000})
    EXPECT_EQ(d.conceal(samples).size(), size_t(samples));
  EXPECT_THROW(d.conceal(0), std::invalid_argument);
  EXPECT_THROW(d.conceal(100), std::invalid_argument);
  EXPECT_THROW(d.decode_fec(std::vector<uint8_t>{0x08, 1, 2}, 30), std::invalid_argument);
  // No next payload: concealment of the requested length, counted as invalid.
  EXPECT_EQ(d.decode_fec({}, 320).size(), 320u);
  EXPECT_EQ(d.invalid_payloads(), 1);
}

TEST(OpusDecoder, PayloadSamplesAndLastPacketDurationMatchTheFrame) {
  for (int ms : {10, 20, 40, 60}) {
    EncoderConfig c;
    c.sample_rate_hz = 24000;
    c.frame_ms = ms;
    OpusEncoder e(c);
    OpusDecoder d(16000);  // decoding at another rate: samples scale with the decoder's rate
    const auto packets = encode_all(e, testing::speech_like(24000, 0.5, 6));
    for (const auto& p : packets) {
      EXPECT_EQ(d.payload_samples(p), 16 * ms);
      EXPECT_EQ(d.decode(p).size(), size_t(16 * ms));
      EXPECT_EQ(d.last_packet_samples(), 16 * ms);
      EXPECT_EQ(packet_duration_samples_48k(p), 48 * ms);
    }
  }
}

// Random payloads: libopus accepts exactly the packets our RFC 6716 §3.4 parser accepts, with the
// same duration, and nothing crashes (also under ASan/UBSan). Seed printed for replay.
TEST(OpusDecoder, GarbageNeverCrashesAndAgreesWithOurParser) {
  const uint64_t seed = 20261126;
  SCOPED_TRACE("seed " + std::to_string(seed));
  sim::RandomStream rng(seed, "codec-test/garbage");
  OpusDecoder d(48000);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> p(rng.below(4) == 0 ? rng.below(8) : rng.below(1600));
    for (auto& b : p) b = static_cast<uint8_t>(rng.below(256));
    const auto layout = parse_packet(p);
    const auto out = d.decode(p);
    ASSERT_EQ(layout.has_value(), !out.empty()) << "payload " << i << " of " << p.size() << " bytes";
    if (layout) {
      ASSERT_EQ(static_cast<int>(out.size()), layout->duration_samples_48k());
    }
    accepted += layout.has_value();
    has_lbrr(p);
  }
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(d.invalid_payloads(), 1000);
  EXPECT_EQ(d.invalid_payloads() + accepted, 20000);
  // Still a working decoder afterwards.
  d.reset();
  OpusEncoder e({});
  const auto pcm = testing::speech_like(48000, 0.2, 1);
  for (const auto& p : encode_all(e, pcm)) EXPECT_EQ(d.decode(p).size(), 960u);
}

TEST(OpusDecoder, FactoriesReturnWorkingCodecs) {
  EncoderConfig c;
  c.sample_rate_hz = 12000;
  const auto enc = make_opus_encoder(c);
  const auto dec = make_opus_decoder(12000);
  EXPECT_EQ(enc->frame_samples(), 240);
  const auto payload = enc->encode(testing::speech_like(12000, 0.02, 1));
  EXPECT_EQ(dec->decode(payload).size(), 240u);
  enc->set_expected_loss_pct(30);
  EXPECT_EQ(dynamic_cast<OpusEncoder&>(*enc).expected_loss_pct(), 30);
}

}  // namespace
}  // namespace callsim::codec
