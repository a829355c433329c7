// Building blocks of the P.862 implementation: mappings, tables, FFT, filters, envelope, delay
// histogram.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "quality/pesq.h"
#include "quality/pesq_align.h"
#include "quality/pesq_fft.h"
#include "quality/pesq_filter.h"
#include "quality/pesq_tables.h"
#include "quality/pesq_vad.h"
#include "sim/random.h"

namespace callsim::quality {
namespace {

using namespace pesq_detail;

std::vector<double> random_vector(size_t n, uint64_t seed) {
  sim::RandomStream rng(seed, "pesq-unit");
  std::vector<double> v(n);
  for (double& x : v) x = rng.normal();
  return v;
}

TEST(PesqMapping, KnownPoints) {
  // P.862.1: 0.999 + 4 / (1 + exp(-1.4945 x + 4.6607)); P.862.2: -1.3669 x + 3.8224.
  EXPECT_NEAR(mos_lqo_from_raw(4.5, PesqMode::kNarrowband), 4.5486, 5e-5);  // reference prints 4.549
  EXPECT_NEAR(mos_lqo_from_raw(4.5, PesqMode::kWideband), 4.6439, 5e-5);    // reference prints 4.644
  // At the logistic's midpoint the mapping is 0.999 + 2 exactly (up to rounding).
  EXPECT_NEAR(mos_lqo_from_raw(4.6607 / 1.4945, PesqMode::kNarrowband), 2.999, 1e-12);
  EXPECT_NEAR(mos_lqo_from_raw(3.8224 / 1.3669, PesqMode::kWideband), 2.999, 1e-12);
  // Limits and monotonicity over the raw range.
  EXPECT_NEAR(mos_lqo_from_raw(-50, PesqMode::kNarrowband), 0.999, 1e-12);
  EXPECT_NEAR(mos_lqo_from_raw(50, PesqMode::kWideband), 4.999, 1e-12);
  for (double x = -0.5; x < 4.5; x += 0.01)
    EXPECT_LT(mos_lqo_from_raw(x, PesqMode::kNarrowband), mos_lqo_from_raw(x + 0.01, PesqMode::kNarrowband));
}

TEST(PesqTables, BarkBandLayout) {
  for (int rate : {8000, 16000}) {
    const BarkScale& s = bark_scale(rate);
    EXPECT_EQ(s.bands, rate == 8000 ? 42 : 49);
    int bins = 0;
    for (int b = 0; b < s.bands; ++b) bins += s.bins_per_band[b];
    EXPECT_EQ(bins, RateSetup::for_rate(rate).frame / 2) << "bands must tile the spectrum below Nyquist";
    for (int b = 1; b < s.bands; ++b) {
      // Contiguous bands whose widths grow slowly with frequency (critical bands widen).
      EXPECT_NEAR(s.centre_bark[b] - s.width_bark[b] / 2, s.centre_bark[b - 1] + s.width_bark[b - 1] / 2,
                  1e-12);
      if (b > 1) {
        EXPECT_GT(s.width_bark[b], s.width_bark[b - 1]);
      }
    }
    // Derived centres agree with the Recommendation's printed table (6 decimals).
    EXPECT_NEAR(s.centre_bark[0], 0.078672, 1e-6);
    EXPECT_NEAR(s.centre_bark[41], 17.117382, 2e-5);
    // Zwicker exponent: 0.23 from 4 Bark up; raised below, capped at 0.23 * 2^0.15.
    EXPECT_DOUBLE_EQ(s.zwicker_exponent[20], 0.23);
    EXPECT_NEAR(s.zwicker_exponent[0], 0.23 * std::pow(2.0, 0.15), 1e-12);
    EXPECT_NEAR(s.zwicker_exponent[11], 0.23 * std::pow(6.0 / (s.centre_bark[11] + 2), 0.15), 1e-12);
    // Hearing threshold falls steeply from the lowest band to its minimum in the 2-4 kHz region.
    EXPECT_GT(s.hearing_threshold[0], 1e7 * s.hearing_threshold[24]);
  }
  EXPECT_EQ(bark_scale(16000).bins_per_band[41], 12);
  EXPECT_EQ(bark_scale(8000).bins_per_band[41], 11);
}

TEST(PesqTables, WidebandFilterMatchesP8622Coefficients) {
  // Coefficients printed in P.862.2 (single precision); ours are derived from the design.
  const Biquad f16 = wideband_input_filter(16000), f8 = wideband_input_filter(8000);
  EXPECT_NEAR(f16.b0, 2.740826, 2e-6);
  EXPECT_NEAR(f16.b1, -5.4816519, 2e-6);
  EXPECT_NEAR(f16.a1, -1.9444777, 2e-7);
  EXPECT_NEAR(f16.a2, 0.94597794, 2e-7);
  EXPECT_NEAR(f8.b0, 2.6657628, 2e-6);
  EXPECT_NEAR(f8.a1, -1.8890331, 2e-7);
  EXPECT_NEAR(f8.a2, 0.89487434, 2e-7);
  // Magnitude response: +9 dB (gain 2.818) in the pass band, -3 dB re pass band at 100 Hz.
  auto gain_at = [&](double hz) {
    const std::complex<double> z = std::polar(1.0, -2.0 * std::numbers::pi * hz / 16000.0);
    return std::abs((f16.b0 + f16.b1 * z + f16.b2 * z * z) / (1.0 + f16.a1 * z + f16.a2 * z * z));
  };
  EXPECT_NEAR(gain_at(4000), 2.818, 1e-3);
  EXPECT_NEAR(20 * std::log10(gain_at(100) / 2.818), -3.0103, 1e-3);
}

TEST(PesqFft, ForwardMatchesDirectDftAndInverts) {
  for (int n : {4, 8, 16, 32, 256, 512, 1024, 2048}) {  // odd and even powers of 4 (radix-2 stage)
    FftSet ffts;
    RealFft& fft = ffts.get(n);
    const std::vector<double> x = random_vector(static_cast<size_t>(n), static_cast<uint64_t>(n));
    const std::span<const Complex> spec = fft.forward(x);
    ASSERT_EQ(spec.size(), static_cast<size_t>(n / 2 + 1));
    for (int k = 0; k <= n / 2; k += std::max(1, n / 32)) {
      std::complex<long double> sum = 0;  // reference in extended precision, exact angle reduction
      for (int t = 0; t < n; ++t)
        sum += static_cast<long double>(x[t]) *
               std::polar(1.0L, -2.0L * std::numbers::pi_v<long double> * ((k * t) % n) / n);
      const std::complex<double> direct(static_cast<double>(sum.real()), static_cast<double>(sum.imag()));
      // Rounding of an n-point transform of unit-variance data: ~1e-15 * sqrt(n) * log2(n).
      EXPECT_NEAR(std::abs(spec[k] - direct), 0.0, 1e-11) << "n=" << n << " k=" << k;
    }
    const std::span<const double> back = fft.inverse();
    for (int t = 0; t < n; ++t) EXPECT_NEAR(back[t], x[t], 1e-12);
  }
}

TEST(PesqFft, ShortInputIsZeroPadded) {
  FftSet ffts;
  const std::vector<double> x = {1.0, 2.0, 3.0};
  const std::span<const Complex> s = ffts.get(8).forward(x);
  EXPECT_NEAR(s[0].real(), 6.0, 1e-12);
  EXPECT_NEAR(s[4].real(), 2.0, 1e-12);  // 1 - 2 + 3
}

TEST(PesqFft, CrossCorrelationMatchesDirectSum) {
  FftSet ffts;
  const std::vector<double> a = random_vector(37, 1), b = random_vector(50, 2);
  const std::vector<double> y = cross_correlate(ffts, a, b);
  ASSERT_EQ(y.size(), a.size() + b.size() - 1);
  for (long k = 0; k < static_cast<long>(y.size()); ++k) {
    const long lag = k - static_cast<long>(a.size() - 1);
    double direct = 0;
    for (long j = 0; j < static_cast<long>(a.size()); ++j)
      if (j + lag >= 0 && j + lag < static_cast<long>(b.size())) direct += a[j] * b[j + lag];
    EXPECT_NEAR(y[k], direct, 1e-11) << "lag " << lag;
  }
}

TEST(PesqFilter, CascadeFollowsTheDifferenceEquation) {
  const std::vector<Biquad> sections = {{0.5, 0.25, -0.125, -0.9, 0.3}, {1.0, -1.0, 0.0, 0.2, 0.0}};
  std::vector<double> x = random_vector(200, 3), expect = x;
  for (const Biquad& s : sections) {  // y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
    std::vector<double> y(expect.size());
    for (size_t n = 0; n < y.size(); ++n) {
      y[n] = s.b0 * expect[n] + (n >= 1 ? s.b1 * expect[n - 1] - s.a1 * y[n - 1] : 0) +
             (n >= 2 ? s.b2 * expect[n - 2] - s.a2 * y[n - 2] : 0);
    }
    expect = y;
  }
  filter_cascade(x, sections);
  for (size_t n = 0; n < x.size(); ++n) EXPECT_NEAR(x[n], expect[n], 1e-12);
}

TEST(PesqFilter, TwoSignalCascadeIsBitIdenticalToOneAtATime) {
  const std::span<const Biquad> sections = alignment_prefilter(16000);
  const std::vector<double> a = random_vector(1000, 4), b = random_vector(700, 5);  // unequal lengths
  std::vector<double> a1 = a, b1 = b, a2 = a, b2 = b;
  filter_cascade(a1, sections);
  filter_cascade(b1, sections);
  filter_cascade(a2, b2, sections);
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(b1, b2);
}

// A Track holding a 1 kHz tone of amplitude `amp` (16-bit scale) for `seconds`.
Track tone_track(const RateSetup& r, double amp, double seconds) {
  std::vector<double> x(static_cast<size_t>(seconds * r.fs));
  for (size_t i = 0; i < x.size(); ++i) x[i] = amp * std::sin(2.0 * std::numbers::pi * 1000.0 * i / r.fs);
  return make_track(x, r);
}

TEST(PesqFilter, LevelAlignmentMeasuresBandPowerAndIsScaleInvariant) {
  const RateSetup r = RateSetup::for_rate(8000);
  FftSet ffts;
  Track a = tone_track(r, 1000.0, 2.0), b = tone_track(r, 250.0, 2.0);
  const long n = a.length - 2 * r.margin();
  // Power of the tone (A^2 / 2) spread over the file plus the 320 ms padding.
  const double expect = 1000.0 * 1000.0 / 2.0 * static_cast<double>(n) / static_cast<double>(n + r.padding());
  const std::span<const CurvePoint> irs = irs_receive_curve();
  EXPECT_NEAR(condition_input(a, a.length, &irs, r, 1e7, 1e-4) / expect, 1.0, 2e-3);
  EXPECT_NEAR(condition_input(b, b.length, &irs, r, 1e7, 1e-4) / (expect / 16.0), 1.0, 2e-3);
  // After alignment the two are the same signal.
  EXPECT_LT((a.x - b.x).abs().maxCoeff(), 1e-9 * a.x.abs().maxCoeff());
  // The IRS receive filter is normalised to 0 dB at 1 kHz: aligned power of the tone is 1e7.
  EXPECT_NEAR(a.x.segment(r.margin() + 800, n - 1600).square().mean() * n / (n + r.padding()), 1e7, 2e4);
}

TEST(PesqFilter, SilentInputIsZeroed) {
  const RateSetup r = RateSetup::for_rate(16000);
  FftSet ffts;
  Track t = tone_track(r, 0.0, 1.0);
  EXPECT_EQ(condition_input(t, t.length, nullptr, r, 1e7, 1e-4), 0.0);
  EXPECT_EQ(t.x.abs().maxCoeff(), 0.0);
}

TEST(PesqEnvelope, MarksBurstsRemovesBlipsBridgesShortGaps) {
  const RateSetup r = RateSetup::for_rate(8000);
  // 1 s silence, 600 ms tone, 120 ms gap, 400 ms tone, 1 s silence, 12 ms blip, 1 s silence.
  std::vector<double> x;
  auto add = [&](double seconds, double amp) {
    for (int i = 0; i < static_cast<int>(seconds * r.fs); ++i) x.push_back(amp * std::sin(0.7 * i));
  };
  add(1.0, 0), add(0.6, 3000), add(0.12, 0), add(0.4, 3000), add(1.0, 0), add(0.012, 3000), add(1.0, 0);
  const Track t = make_track(x, r);
  const Envelope env = speech_envelope(t, r);
  auto active_at = [&](double s) { return env.activity[static_cast<size_t>(kMarginBlocks + s / 0.004)] > 0; };
  EXPECT_FALSE(active_at(0.5));
  EXPECT_TRUE(active_at(1.3));
  EXPECT_TRUE(active_at(1.66));  // the 120 ms gap is bridged (gaps up to 200 ms)
  EXPECT_TRUE(active_at(1.9));
  EXPECT_FALSE(active_at(2.6));
  EXPECT_FALSE(active_at(3.128));  // a 12 ms blip is not speech (bursts up to 16 ms are dropped)
  EXPECT_GT(env.log_envelope[static_cast<size_t>(kMarginBlocks + 1.3 / 0.004)], 0.0);
  EXPECT_EQ(env.log_envelope[static_cast<size_t>(kMarginBlocks + 0.5 / 0.004)], 0.0);
}

TEST(PesqAlign, HistogramFindsChunkOffsetWithFullConfidence) {
  const RateSetup r = RateSetup::for_rate(8000);
  FftSet ffts;
  const std::vector<double> noise = random_vector(4000, 5);
  for (int offset : {0, 7, -13, 100}) {
    DelayHistogram h(r, ffts);
    // Degraded = reference delayed by `offset`: deg[i] = ref[i - offset].
    for (int start = 400; start + r.align_fft + 200 < 4000; start += r.align_fft / 4)
      h.add(noise.data() + start, noise.data() + start - offset);
    const auto [lag, confidence] = h.peak();
    EXPECT_EQ(lag, offset);
    EXPECT_NEAR(confidence, 1.0, 1e-12);  // every chunk votes for one lag only
  }
}

}  // namespace
}  // namespace callsim::quality
