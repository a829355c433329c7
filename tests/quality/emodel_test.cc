// E-model (ITU-T G.107 / G.107.1), burst ratio and the Opus impairment table.
#include "quality/emodel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/random.h"

namespace callsim::quality {
namespace {

EModelParams with_delay(double ta_ms) {
  EModelParams p;
  p.ta_ms = ta_ms;
  p.t_ms = ta_ms;
  p.tr_ms = 2.0 * ta_ms;
  return p;
}

TEST(EModelTest, DefaultsGiveR932AndMos441) {
  // G.107 section 7.7: with all Table 3 defaults, R = 93.2 (Annex B: MOS-CQE 4.41).
  const EModelResult r = evaluate_g107(EModelParams{});
  EXPECT_NEAR(r.r, 93.2, 0.05);
  EXPECT_NEAR(r.mos, 4.41, 0.01);
  // The terms add up, and with T = Ta = 0 only the listener echo of the finite WEPL remains.
  EXPECT_DOUBLE_EQ(r.r, r.ro - r.is - r.id - r.ie_eff + r.a);
  EXPECT_DOUBLE_EQ(r.is, r.iolr + r.ist + r.iq);
  EXPECT_DOUBLE_EQ(r.id, r.idte + r.idle + r.idd);
  EXPECT_EQ(r.idte, 0.0);
  EXPECT_EQ(r.idd, 0.0);
  EXPECT_GT(r.idle, 0.0);
}

TEST(EModelTest, MosMatchesAnnexBTable) {
  // G.107 Table B.1: the lower MOS-CQE limits of the R categories 90, 80, 70, 60, 50, as printed
  // (two decimals; at R = 80 the polynomial gives 4.024, printed as 4.03).
  EXPECT_NEAR(mos_from_r(90.0), 4.34, 0.006);
  EXPECT_NEAR(mos_from_r(80.0), 4.03, 0.007);
  EXPECT_NEAR(mos_from_r(70.0), 3.60, 0.006);
  EXPECT_NEAR(mos_from_r(60.0), 3.10, 0.006);
  EXPECT_NEAR(mos_from_r(50.0), 2.58, 0.006);
  EXPECT_EQ(mos_from_r(-3.0), 1.0);
  EXPECT_EQ(mos_from_r(0.0), 1.0);
  EXPECT_EQ(mos_from_r(100.0), 4.5);
  EXPECT_EQ(mos_from_r(120.0), 4.5);
  // The Annex B polynomial dips below 1 for 0 < R < 6.5 (R = 1 gives 0.994): clamped to 1.
  EXPECT_LT(1.0 + 0.035 + 1.0 * (1.0 - 60.0) * 99.0 * 7e-6, 1.0);
  EXPECT_EQ(mos_from_r(1.0), 1.0);
  EXPECT_EQ(mos_from_r(3.0), 1.0);
  EXPECT_GT(mos_from_r(7.0), 1.0);
  for (double r = -50; r <= 150; r += 0.25) {
    EXPECT_GE(mos_from_r(r), 1.0) << r;
    EXPECT_LE(mos_from_r(r), 4.5) << r;
  }
}

TEST(EModelTest, G729AtTwoPercentRandomLossFromG113) {
  // G.113 Appendix I: G.729A + VAD has Ie = 11, Bpl = 19; at Ppl = 2 % random loss
  // Ie,eff = 11 + (95 - 11) * 2 / (2 + 19) = 19 exactly.
  EXPECT_NEAR(effective_ie(11.0, 19.0, 2.0, 1.0), 19.0, 1e-12);
  EModelParams p;
  p.ie = 11.0;
  p.bpl = 19.0;
  p.ppl_pct = 2.0;
  EXPECT_NEAR(evaluate_g107(p).r, evaluate_g107(EModelParams{}).r - 19.0, 1e-9);
  // Burstier loss at the same rate is worse: 95 * 5 / (5 / 2 + 25.1) = 17.21 for G.711 + PLC.
  EXPECT_NEAR(effective_ie(0.0, 25.1, 5.0, 2.0), 475.0 / 27.6, 1e-9);
  EXPECT_EQ(effective_ie(0.0, 25.1, 5.0, 0.5), effective_ie(0.0, 25.1, 5.0, 1.0));  // BurstR >= 1
  EXPECT_EQ(effective_ie(7.0, 10.0, 0.0, 3.0), 7.0);
}

TEST(EModelTest, PureDelayImpairment) {
  EXPECT_EQ(delay_impairment_idd(100.0), 0.0);  // Ta <= mT = 100 ms: no impairment
  // Ta = 200 ms: X = 1, Idd = 25 (2^(1/6) - 3 (1 + 3^-6)^(1/6) + 2) = 25 * 0.121776 = 3.0444.
  EXPECT_NEAR(delay_impairment_idd(200.0), 3.0444, 1e-3);
  // Ta = 400 ms: X = 2, Idd = 25 (65^(1/6) - 3 (1 + (2/3)^6)^(1/6) + 2) = 25 * 0.962804 = 24.070.
  EXPECT_NEAR(delay_impairment_idd(400.0), 24.070, 1e-3);
}

TEST(EModelTest, TalkerEchoAt150Ms) {
  // Hand computation, T = Ta = 150 ms, Tr = 300 ms, defaults otherwise:
  // TERV = 65 - 40 log10(16 / 2) = 28.876, Re = 80 + 2.5 (TERV - 14) = 117.19,
  // Roe = -1.5 (No - RLR) = 94.77 (No = -61.18) -> Idte = -11.21 + sqrt(11.21^2 + 100) - 1 = 2.81;
  // Rle = 10.5 * 117 / 301^0.25 = 294.95 -> Idle = 0.84; X = log2(1.5) -> Idd = 0.164.
  const EModelResult r = evaluate_g107(with_delay(150.0));
  EXPECT_NEAR(r.idte, 2.81, 0.01);
  EXPECT_NEAR(r.idle, 0.84, 0.01);
  EXPECT_NEAR(r.idd, 0.164, 0.002);
  // R = Ro 94.77 - Is 1.41 - Id 3.81 (Ist does not change: e^(-T/4) vanishes at 150 ms).
  EXPECT_NEAR(r.r, 89.54, 0.03);
}

TEST(EModelTest, RatingFallsWithDelayAndLoss) {
  double previous = INFINITY;
  for (double ta = 10.0; ta <= 600.0; ta += 20.0) {
    const double r = evaluate_g107(with_delay(ta)).r;
    EXPECT_LT(r, previous) << "Ta = " << ta;
    previous = r;
  }
  previous = INFINITY;
  for (double ppl : {0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0}) {
    EModelParams p;
    p.ie = 11.0;
    p.bpl = 19.0;
    p.ppl_pct = ppl;
    const double r = evaluate_g107(p).r;
    EXPECT_LT(r, previous) << "Ppl = " << ppl;
    previous = r;
  }
}

TEST(EModelTest, WidebandScale) {
  // G.107.1: Ro,WB = 129, Is,WB = 0; with no delay only the listener echo of WEPL 110 dB remains.
  const EModelResult clean = evaluate_g107_1(EModelParams{});
  EXPECT_EQ(clean.ro, 129.0);
  EXPECT_EQ(clean.is, 0.0);
  EXPECT_NEAR(clean.r, 129.0 - clean.idle, 1e-12);
  EXPECT_LT(clean.idle, 0.2);
  EXPECT_NEAR(clean.mos, 4.5, 0.002);
  // Annex A: MOS from R / 1.29. Ie,WB = 13 (G.722 at 64 kbit/s in G.113) -> Rx = 89.92 -> 4.337.
  EXPECT_NEAR(mos_from_r_wb(116.0), 4.3371, 1e-4);
  // Idd,WB = 1.29 Idd (eq. 7-13).
  EXPECT_NEAR(evaluate_g107_1(with_delay(300.0)).idd, 1.29 * delay_impairment_idd(300.0), 1e-12);
  double previous = INFINITY;
  for (double ta = 0.0; ta <= 500.0; ta += 50.0) {
    const double r = evaluate_g107_1(with_delay(ta)).r;
    EXPECT_LT(r, previous) << "Ta = " << ta;
    previous = r;
  }
}

TEST(BurstRatioTest, KnownSequences) {
  EXPECT_EQ(burst_ratio(std::vector<uint8_t>(100, 0)), 1.0);
  EXPECT_EQ(burst_ratio(std::vector<uint8_t>{}), 1.0);
  // Received 1 1 0 1 1 1 1 1 0 0 0 1 1 1 1 1 (0 = lost): runs of 1 and 3, mean 2, Ppl = 4/16,
  // BurstR = 2 * (1 - 0.25) = 1.5.
  const std::vector<uint8_t> lost = {0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(burst_ratio(lost), 1.5);
  // Every other packet lost: runs of 1 at Ppl 0.5 -> 0.5 (less bursty than random).
  std::vector<uint8_t> alternate(1000);
  for (size_t i = 0; i < alternate.size(); ++i) alternate[i] = i % 2;
  EXPECT_DOUBLE_EQ(burst_ratio(alternate), 0.5);
}

// Loss sequence from a two-state Markov chain (seeded, so the test is repeatable).
std::vector<uint8_t> gilbert(double p, double q, size_t n, uint64_t seed) {
  sim::RandomStream rng(seed, "emodel-test/gilbert");
  std::vector<uint8_t> lost(n);
  bool in_loss = false;
  for (auto& l : lost) {
    in_loss = in_loss ? !rng.bernoulli(q) : rng.bernoulli(p);
    l = in_loss ? 1 : 0;
  }
  return lost;
}

TEST(BurstRatioTest, MatchesTheGilbertModel) {
  // p = 0.02, q = 0.25: BurstR = 1 / (p + q) = 3.704, Ppl = p / (p + q) = 7.4 %. Over 200 000
  // packets there are ~3 700 bursts of mean length 4 (sd 3.5): the mean is known to 1.4 % (1 sd),
  // so 5 % is a 3.5-sigma bound.
  EXPECT_NEAR(burst_ratio_markov(0.02, 0.25), 3.7037, 1e-4);
  EXPECT_NEAR(burst_ratio(gilbert(0.02, 0.25, 200000, 1)) / 3.7037, 1.0, 0.05);
  // Random loss is the p + q = 1 case: BurstR = 1 (10 % loss, ~18 000 runs: 2 % is > 5 sigma).
  EXPECT_NEAR(burst_ratio(gilbert(0.1, 0.9, 200000, 2)), 1.0, 0.02);
}

TEST(OpusImpairmentTest, TablePointsInterpolationAndBands) {
  using enum OpusRateMode;
  const auto swb = OpusMaxBand::kSuperwideband;
  const OpusImpairment wb13 = opus_impairment(13000, kVbr, swb);
  EXPECT_EQ(wb13.scale, EModelScale::kWideband);
  EXPECT_DOUBLE_EQ(wb13.ie, 19.96);
  EXPECT_DOUBLE_EQ(wb13.bpl_random, 19.50);
  EXPECT_EQ(opus_impairment(9000, kVbr, swb).scale, EModelScale::kNarrowband);
  EXPECT_DOUBLE_EQ(opus_impairment(6000, kCbr, swb).ie, 46.27);
  // Halfway between the 16 and 19 kbit/s VBR rows: (30.16 + 23.81) / 2.
  const OpusImpairment mid = opus_impairment(17500, kVbr, swb);
  EXPECT_EQ(mid.scale, EModelScale::kSuperwideband);
  EXPECT_NEAR(mid.ie, 26.985, 1e-9);
  // Above the highest measured bitrate the last row holds; below the lowest, the first.
  EXPECT_DOUBLE_EQ(opus_impairment(64000, kVbr, swb).ie, 10.67);
  EXPECT_DOUBLE_EQ(opus_impairment(4000, kVbr, swb).ie, 23.00);
  // A band cap keeps the narrower table (clamped at its highest row).
  const OpusImpairment capped = opus_impairment(32000, kVbr, OpusMaxBand::kWideband);
  EXPECT_EQ(capped.scale, EModelScale::kWideband);
  EXPECT_DOUBLE_EQ(capped.ie, 19.96);
  EXPECT_EQ(opus_impairment(32000, kCbr, OpusMaxBand::kNarrowband).scale, EModelScale::kNarrowband);
}

TEST(RateCallTest, UsesTheModelOfTheCodedBand) {
  CallMeasurements m;
  m.bitrate_bps = 8000;
  EXPECT_EQ(rate_call(m).model, "G.107");
  m.bitrate_bps = 12000;
  EXPECT_EQ(rate_call(m).model, "G.107.1");
  m.bitrate_bps = 32000;
  const CallRating swb = rate_call(m);
  EXPECT_EQ(swb.scale, EModelScale::kSuperwideband);
  EXPECT_NEAR(swb.result.r, 148.0 - swb.result.idle - swb.codec.ie, 1e-9);
  EXPECT_NEAR(swb.result.mos, mos_from_r(swb.result.r / 1.48), 1e-12);
}

TEST(RateCallTest, RatingStaysOnItsScaleAndMosInItsRange) {
  // Total loss and a long delay drive R far below 0 (the unclamped sum is kept for auditing).
  CallMeasurements dead;
  dead.mouth_to_ear_delay_ms = 1500.0;
  dead.packet_loss_pct = 100.0;
  dead.burst_ratio = 8.0;
  for (int kbps : {8, 12, 32}) {
    dead.bitrate_bps = kbps * 1000;
    const CallRating c = rate_call(dead);
    EXPECT_LT(c.r_unclamped, -20.0) << kbps;
    EXPECT_EQ(c.result.r, 0.0) << kbps;
    EXPECT_EQ(c.result.mos, 1.0) << kbps;
    EXPECT_EQ(c.inputs.packet_loss_pct, 100.0);
  }
  EXPECT_EQ(scale_max(EModelScale::kNarrowband), 100.0);
  EXPECT_EQ(scale_max(EModelScale::kWideband), 129.0);
  EXPECT_EQ(scale_max(EModelScale::kSuperwideband), 148.0);
}

TEST(RateCallTest, MosFallsWithDelayLossAndBurstiness) {
  CallMeasurements base;
  base.mouth_to_ear_delay_ms = 80.0;
  const double mos0 = rate_call(base).result.mos;
  CallMeasurements delayed = base, lossy = base, bursty = base, richer = base;
  delayed.mouth_to_ear_delay_ms = 300.0;
  lossy.packet_loss_pct = 3.0;
  bursty.packet_loss_pct = 3.0;
  bursty.burst_ratio = 3.0;
  richer.bitrate_bps = 40000;
  EXPECT_LT(rate_call(delayed).result.mos, mos0);
  EXPECT_LT(rate_call(lossy).result.mos, mos0);
  EXPECT_LT(rate_call(bursty).result.mos, rate_call(lossy).result.mos);
  EXPECT_GT(rate_call(richer).result.mos, mos0);
  for (const auto& m : {base, delayed, lossy, bursty, richer}) {
    const double mos = rate_call(m).result.mos;
    EXPECT_GE(mos, 1.0);
    EXPECT_LE(mos, 4.5);
  }
}

}  // namespace
}  // namespace callsim::quality
