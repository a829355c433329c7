// Signal quality through the Opus wrapper: round trips at every rate and frame size, and in-band
// FEC versus plain concealment. Thresholds are floors set about 0.02 (correlation) / 1.5 dB (SNR)
// below the minimum measured with libopus 1.3.1 over all cases; the codec is deterministic, so a
// failure means the wrapper (or the library) changed behaviour.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "codec/opus_codec.h"
#include "codec/opus_packet.h"
#include "codec/round_trip.h"
#include "test_signals.h"

namespace callsim::codec {
namespace {

struct Alignment {
  int lag = 0;
  double corr = -1;
};

// Best lag within ±0.5 ms of the encoder's lookahead: Hybrid and SILK resampling shift the output
// by a few samples against OPUS_GET_LOOKAHEAD (measured 0..4 samples at 48 kHz).
Alignment align(std::span<const float> ref, std::span<const float> out, int lookahead, int rate) {
  Alignment best;
  const int slack = rate / 2000;
  for (int lag = lookahead - slack; lag <= lookahead + slack; ++lag) {
    const double c = testing::correlation(ref, out, lag, static_cast<size_t>(rate / 5), ref.size());
    if (c > best.corr) best = {lag, c};
  }
  return best;
}

class RoundTrip : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(RoundTrip, DecodedSignalMatchesInputAfterCodecDelay) {
  const auto [rate, frame_ms] = GetParam();
  EncoderConfig c;
  c.sample_rate_hz = rate;
  c.frame_ms = frame_ms;
  c.bitrate_bps = rate <= 16000 ? 32000 : rate == 24000 ? 48000 : 64000;
  const double freqs[] = {300, 700, 1300, 2100, 2900};
  const auto tones = testing::tones(rate, 1.0, freqs, 0.5);
  const auto speech = testing::speech_like(rate, 2.0, 1);

  const RoundTripResult rt = codec_only_round_trip(c, tones);
  const size_t frame = static_cast<size_t>(rate / 1000 * frame_ms);
  ASSERT_EQ(rt.decoded.size(), (tones.size() + frame - 1) / frame * frame);
  const Alignment at = align(tones, rt.decoded, rt.lookahead_samples, rate);
  // Measured minimum: correlation 0.946, SNR 9.6 dB (8 kHz, 10 ms); most cases >= 0.98 / 14 dB.
  EXPECT_GE(at.corr, 0.93);
  EXPECT_GE(testing::snr_db(tones, rt.decoded, at.lag, rate / 5, tones.size()), 8.0);

  const RoundTripResult rs = codec_only_round_trip(c, speech);
  const Alignment as = align(speech, rs.decoded, rs.lookahead_samples, rate);
  // Measured minimum: correlation 0.909, SNR 7.4 dB (48 kHz Hybrid, 10 ms).
  EXPECT_GE(as.corr, 0.89);
  EXPECT_GE(testing::snr_db(speech, rs.decoded, as.lag, rate / 5, speech.size()), 6.0);
}

INSTANTIATE_TEST_SUITE_P(AllRatesAndFrames, RoundTrip,
                         ::testing::Combine(::testing::Values(8000, 12000, 16000, 24000, 48000),
                                            ::testing::Values(10, 20, 40, 60)),
                         [](const ::testing::TestParamInfo<std::tuple<int, int>>& p) {
                           return std::to_string(std::get<0>(p.param)) + "Hz_" +
                                  std::to_string(std::get<1>(p.param)) + "ms";
                         });

std::vector<std::vector<uint8_t>> encode_all(const EncoderConfig& c, std::span<const float> pcm) {
  OpusEncoder e(c);
  std::vector<std::vector<uint8_t>> packets;
  const size_t frame = static_cast<size_t>(e.frame_samples());
  for (size_t pos = 0; pos + frame <= pcm.size(); pos += frame)
    packets.push_back(e.encode(pcm.subspan(pos, frame)));
  return packets;
}

struct LossResult {
  double fec_snr_db = 0, plc_snr_db = 0;
  int lost = 0, lost_without_lbrr = 0;
};

// Drops every 5th packet (isolated losses, so packet n+1 always arrives). Decoder A repairs with
// decode_fec(n+1), decoder B conceals; both are scored against a loss-free decode of the same
// stream over the lost frames only.
LossResult compare_fec_and_plc(const std::vector<std::vector<uint8_t>>& packets, int rate, int frame) {
  OpusDecoder clean(rate), fec(rate), plc(rate);
  double signal = 0, fec_err = 0, plc_err = 0;
  LossResult r;
  for (size_t n = 0; n < packets.size(); ++n) {
    const auto ref = clean.decode(packets[n]);
    if (n % 5 != 2 || n + 1 == packets.size()) {
      fec.decode(packets[n]);
      plc.decode(packets[n]);
      continue;
    }
    ++r.lost;
    r.lost_without_lbrr += !has_lbrr(packets[n + 1]);
    const auto a = fec.decode_fec(packets[n + 1], frame);
    const auto b = plc.conceal(frame);
    for (size_t i = 0; i < ref.size(); ++i) {
      signal += double(ref[i]) * ref[i];
      fec_err += (a[i] - ref[i]) * double(a[i] - ref[i]);
      plc_err += (b[i] - ref[i]) * double(b[i] - ref[i]);
    }
  }
  r.fec_snr_db = 10 * std::log10(signal / fec_err);
  r.plc_snr_db = 10 * std::log10(signal / plc_err);
  return r;
}

// SILK at 16 kHz, 24 kbps, FEC with 20 % expected loss, 10 s of speech-like signal, 100 isolated
// losses. Measured: FEC 12.3 dB, PLC 4.0 dB. Threshold: FEC at least 5 dB better than PLC and at
// least 9 dB absolute.
TEST(OpusFec, DecodeFecOfNextPacketBeatsConcealment) {
  EncoderConfig c;
  c.sample_rate_hz = 16000;
  c.bitrate_bps = 24000;
  c.max_bandwidth = Bandwidth::kWideband;
  c.inband_fec = true;
  c.expected_loss_pct = 20;
  const auto packets = encode_all(c, testing::speech_like(16000, 10.0, 7));
  ASSERT_EQ(packets.size(), 500u);
  for (const auto& p : packets) ASSERT_EQ(parse_toc(p[0]).mode, OpusMode::kSilk);
  const LossResult r = compare_fec_and_plc(packets, 16000, 320);
  EXPECT_EQ(r.lost, 100);
  EXPECT_GE(r.fec_snr_db, r.plc_snr_db + 5.0)
      << "FEC " << r.fec_snr_db << " dB, PLC " << r.plc_snr_db << " dB";
  EXPECT_GE(r.fec_snr_db, 9.0);
  // Most repairing packets carry LBRR (the rest follow silence): measured 18 of 100 without.
  EXPECT_LE(r.lost_without_lbrr, 30);
}

// has_lbrr() reads the real flag: libopus 1.3.1 writes no LBRR while expected loss is 0, even with
// FEC on, and starts as soon as set_expected_loss_pct() raises it. may_have_fec() only looks at the
// mode. Without LBRR, decode_fec() gives exactly plain concealment.
TEST(OpusFec, HasLbrrFollowsExpectedLossAndPredictsDecodeFec) {
  EncoderConfig c;
  c.sample_rate_hz = 16000;
  c.bitrate_bps = 24000;
  c.inband_fec = true;
  c.expected_loss_pct = 0;
  const auto pcm = testing::speech_like(16000, 4.0, 8, 0.0);
  OpusEncoder e(c);
  int lbrr_before = 0, lbrr_after = 0, fec_capable = 0;
  std::vector<std::vector<uint8_t>> packets;
  for (size_t i = 0; i < 200; ++i) {
    if (i == 100) e.set_expected_loss_pct(20);
    packets.push_back(e.encode(std::span<const float>(pcm).subspan(i * 320, 320)));
    fec_capable += may_have_fec(packets.back());
    (i < 100 ? lbrr_before : lbrr_after) += has_lbrr(packets.back());
  }
  EXPECT_EQ(fec_capable, 200);
  EXPECT_EQ(lbrr_before, 0);
  EXPECT_GE(lbrr_after, 75);  // measured 87 of 100: not in the gaps between syllables
  // A packet without LBRR: FEC decoding equals concealment bit for bit.
  OpusDecoder a(16000), b(16000);
  for (size_t i = 0; i < 50; ++i) {
    a.decode(packets[i]);
    b.decode(packets[i]);
  }
  ASSERT_FALSE(has_lbrr(packets[51]));
  EXPECT_EQ(a.decode_fec(packets[51], 320), b.conceal(320));
}

}  // namespace
}  // namespace callsim::codec
