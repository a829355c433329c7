#include "quality/pesq_tables.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "quality/det_math.h"

namespace callsim::quality::pesq_detail {
namespace {

// The band widths, FFT-bin grouping, power-density corrections and hearing thresholds are
// tables of the Recommendation (the normative model, P.862 clause 10.2.1); they are the result
// of a calibration rather than of a closed formula, so they are reproduced here. The 16 kHz
// layout (49 bands up to 8 kHz) extends the 8 kHz one (42 bands); only the last 8 kHz band
// differs (it is cut at 4 kHz). Centres and loudness exponents are derived below.
constexpr int kBands16k = 49;
constexpr std::array<int, kBands16k> kBins16k = {1, 1, 1, 1, 1, 1, 1, 1,  2,  1,  1,  1,  1,  1,  2, 1, 1,
                                                 2, 2, 2, 2, 2, 2, 2, 2,  3,  3,  3,  3,  4,  3,  4, 5, 4,
                                                 5, 6, 6, 7, 8, 9, 9, 12, 12, 15, 16, 18, 21, 25, 20};
constexpr std::array<double, kBands16k> kWidthBark = {
    0.157344, 0.317994, 0.322441, 0.326934, 0.331474, 0.336061, 0.340697, 0.345381, 0.350114, 0.354897,
    0.359729, 0.364611, 0.369544, 0.374529, 0.379565, 0.384653, 0.389794, 0.394989, 0.400236, 0.405538,
    0.410894, 0.416306, 0.421773, 0.427297, 0.432877, 0.438514, 0.444209, 0.449962, 0.455774, 0.461645,
    0.467577, 0.473569, 0.479621, 0.485736, 0.491912, 0.498151, 0.504454, 0.510819, 0.517250, 0.523745,
    0.530308, 0.536934, 0.543629, 0.550390, 0.557220, 0.564119, 0.571085, 0.578125, 0.585232};
constexpr std::array<double, kBands16k> kCorrection16k = {
    100.000000, 99.999992, 100.000000, 100.000008, 100.000008, 100.000015, 99.999992,  99.999969,  50.000027,
    100.000000, 99.999969, 100.000015, 99.999947,  100.000061, 53.047077,  110.000046, 117.991989, 65.000000,
    68.760147,  69.999931, 71.428818,  75.000038,  76.843384,  80.968781,  88.646126,  63.864388,  68.155350,
    72.547775,  75.584831, 58.379192,  80.950836,  64.135651,  54.384785,  73.821884,  64.437073,  59.176456,
    65.521278,  61.399822, 58.144047,  57.004543,  64.126297,  54.311001,  61.114979,  55.077751,  56.849335,
    55.628868,  53.137054, 54.985844,  79.546974};
constexpr std::array<double, kBands16k> kThreshold = {
    51286152.0, 2454709.5, 70794.59375, 4897.788574, 1174.897705, 389.045166, 104.712860,
    45.708820,  17.782795, 9.772372,    4.897789,    3.090296,    1.905461,   1.258925,
    0.977237,   0.724436,  0.562341,    0.457088,    0.389045,    0.331131,   0.295121,
    0.269153,   0.257040,  0.251189,    0.251189,    0.251189,    0.251189,   0.263027,
    0.288403,   0.309030,  0.338844,    0.371535,    0.398107,    0.436516,   0.467735,
    0.489779,   0.501187,  0.501187,    0.512861,    0.524807,    0.524807,   0.524807,
    0.512861,   0.478630,  0.426580,    0.371535,    0.363078,    0.416869,   0.537032};
constexpr int kBands8k = 42;
std::array<int, kBands8k> bins_8k() {
  std::array<int, kBands8k> b{};
  std::copy_n(kBins16k.begin(), kBands8k, b.begin());
  b[kBands8k - 1] = 11;  // last band stops at the 4 kHz Nyquist frequency
  return b;
}
std::array<double, kBands8k> correction_8k() {
  std::array<double, kBands8k> c{};
  std::copy_n(kCorrection16k.begin(), kBands8k, c.begin());
  c[kBands8k - 1] = 59.248363;
  return c;
}

// Power and loudness scaling factors (clauses 10.2.1.3 and 10.2.1.4).
constexpr double kPowerScale8k = 2.764344e-5;
constexpr double kPowerScale16k = 6.910853e-6;
constexpr double kLoudnessScale = 1.866055e-1;
// Zwicker's loudness exponent, raised below 4 Bark (clause 10.2.8).
constexpr double kZwickerPower = 0.23;

void derive(BarkScale& s) {
  double edge = 0;
  for (int b = 0; b < s.bands; ++b) {
    s.centre_bark.push_back(edge + s.width_bark[b] / 2);  // bands are contiguous from 0 Bark
    edge += s.width_bark[b];
    const double c = s.centre_bark.back();
    const double h = c < 4 ? std::min(6.0 / (c + 2.0), 2.0) : 1.0;
    s.zwicker_exponent.push_back(kZwickerPower * detmath::pow(h, 0.15));
    s.loudness_factor.push_back(s.loudness_scale *
                                detmath::pow(s.hearing_threshold[b] / 0.5, s.zwicker_exponent.back()));
  }
}

BarkScale make_scale(int rate) {
  static const std::array<int, kBands8k> kBins8k = bins_8k();
  static const std::array<double, kBands8k> kCorrection8k = correction_8k();
  BarkScale s;
  const bool wide = rate == 16000;
  s.bands = wide ? kBands16k : kBands8k;
  s.bins_per_band = wide ? std::span<const int>(kBins16k) : std::span<const int>(kBins8k);
  s.width_bark = std::span<const double>(kWidthBark).first(s.bands);
  s.power_correction =
      wide ? std::span<const double>(kCorrection16k) : std::span<const double>(kCorrection8k);
  s.hearing_threshold = std::span<const double>(kThreshold).first(s.bands);
  s.power_scale = wide ? kPowerScale16k : kPowerScale8k;
  s.loudness_scale = kLoudnessScale;
  derive(s);  // needs the threshold and scale set above
  return s;
}

// Modified IRS receive characteristic (P.830 / P.862 clause 10.1.2), dB relative to 1 kHz after
// normalisation; -200 dB stands for "removed".
constexpr std::array<CurvePoint, 26> kIrsReceive = {
    {{0, -200},  {50, -40},    {100, -20},   {125, -12},   {160, -6},   {200, 0},   {250, 4},
     {300, 6},   {350, 8},     {400, 10},    {500, 11},    {600, 12},   {700, 12},  {800, 12},
     {1000, 12}, {1300, 12},   {1600, 12},   {2000, 12},   {2500, 12},  {3000, 12}, {3250, 12},
     {3500, 4},  {4000, -200}, {5000, -200}, {6300, -200}, {8000, -200}}};
// Pass band of the level alignment (clause 10.1.1): flat from 350 to 3250 Hz, -500 dB outside.
constexpr std::array<CurvePoint, 26> kLevelBand = {
    {{0, -500},    {50, -500},   {100, -500},  {125, -500},  {160, -500}, {200, -500}, {250, -500},
     {300, -500},  {350, 0},     {400, 0},     {500, 0},     {600, 0},    {630, 0},    {800, 0},
     {1000, 0},    {1250, 0},    {1600, 0},    {2000, 0},    {2500, 0},   {3000, 0},   {3250, 0},
     {3500, -500}, {4000, -500}, {5000, -500}, {6300, -500}, {8000, -500}}};

// Time-alignment pre-filter (a band-pass emphasising the speech band), second-order sections in
// the Recommendation's coefficient order (b0 b1 b2 a1 a2); not derivable from a stated formula.
constexpr std::array<Biquad, 8> kAlignFilter8k = {
    {{0.885535424, -0.885535424, 0.000000000, -0.771070709, 0.000000000},
     {0.895092588, 1.292907193, 0.449260174, 1.268869037, 0.442025372},
     {4.049527940, -7.865190042, 3.815662102, -1.746859852, 0.786305963},
     {0.500002353, -0.500002353, 0.000000000, 0.000000000, 0.000000000},
     {0.565002834, -0.241585934, -0.306009671, 0.259688659, 0.249979657},
     {2.115237288, 0.919935084, 1.141240051, -1.587313419, 0.665935315},
     {0.912224584, -0.224397719, -0.641121413, -0.246029464, -0.556720590},
     {0.444617727, -0.307589321, 0.141638062, -0.996391149, 0.502251622}}};
constexpr std::array<Biquad, 12> kAlignFilter16k = {
    {{0.325631521, -0.086782860, -0.238848661, -1.079416490, 0.434583902},
     {0.403961804, -0.556985881, 0.153024077, -0.415115835, 0.696590244},
     {4.736162769, 3.287251046, 1.753289019, -1.859599046, 0.876284034},
     {0.365373469, 0.000000000, 0.000000000, -0.634626531, 0.000000000},
     {0.884811506, 0.000000000, 0.000000000, -0.256725271, 0.141536777},
     {0.723593055, -1.447186099, 0.723593044, -1.129587469, 0.657232737},
     {1.644910855, -1.817280902, 1.249658063, -1.778403899, 0.801724355},
     {0.633692689, -0.284644314, -0.319789663, 0.000000000, 0.000000000},
     {1.032763031, 0.268428979, 0.602913323, 0.000000000, 0.000000000},
     {1.001616361, -0.823749013, 0.439731942, -0.885778255, 0.000000000},
     {0.752472096, -0.375388990, 0.188977609, -0.077258216, 0.247230734},
     {1.023700575, 0.001661628, 0.521284240, -0.183867259, 0.354324187}}};

}  // namespace

const BarkScale& bark_scale(int sample_rate_hz) {
  static const BarkScale k8 = make_scale(8000);
  static const BarkScale k16 = make_scale(16000);
  return sample_rate_hz == 16000 ? k16 : k8;
}

std::span<const CurvePoint> irs_receive_curve() { return kIrsReceive; }
std::span<const CurvePoint> level_alignment_band() { return kLevelBand; }

std::span<const Biquad> alignment_prefilter(int sample_rate_hz) {
  if (sample_rate_hz == 16000) return kAlignFilter16k;
  return kAlignFilter8k;
}

Biquad wideband_input_filter(int sample_rate_hz) {
  constexpr long kCutoffHz = 100;
  constexpr double kGain = 2.818;
  // tan(pi fc / fs) = sin / cos of 2 pi fc / (2 fs)
  const double k = detmath::sin_2pi(kCutoffHz, 2L * sample_rate_hz) / detmath::cos_2pi(kCutoffHz, 2L * sample_rate_hz);
  const double norm = 1.0 / (1.0 + std::numbers::sqrt2 * k + k * k);
  return {kGain * norm, -2.0 * kGain * norm, kGain * norm, 2.0 * (k * k - 1.0) * norm,
          (1.0 - std::numbers::sqrt2 * k + k * k) * norm};
}

}  // namespace callsim::quality::pesq_detail
