// Opus equipment impairment (Ie) and packet-loss robustness (Bpl) factors, loss burstiness, and
// the E-model rating of a call.
//
// Source of the Opus factors: M. Alahmadi, P. Pocta, H. Melvin, "An Adaptive Bitrate Switching
// Algorithm for Speech Applications in Context of WebRTC", ACM Trans. Multimedia Comput. Commun.
// Appl. 17(4), Article 133, 2021, doi:10.1145/3458751 -- values as published in the authors'
// companion library (Opus_emodel.js, MIT licence). Derived per ITU-T P.834-style instrumental
// methodology for libopus in each operating band: narrowband rows on the G.107 scale, wideband rows
// on the G.107.1 scale (129), super-wideband rows on the super-wideband scale (148). ITU-T G.113
// publishes no Opus values.
#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "quality/emodel.h"

namespace callsim::quality {
namespace {

struct OpusRow {
  double kbps, ie, bpl_random, bpl_bursty;
};

// VBR operating points.
constexpr std::array<OpusRow, 4> kVbrNb = {
    {{6, 23.00, 24.56, 15.36}, {7, 21.26, 22.46, 14.43}, {8, 16.02, 20.26, 13.48}, {9, 11.74, 18.91, 12.44}}};
constexpr std::array<OpusRow, 3> kVbrWb = {
    {{11, 28.41, 23.94, 20.12}, {12, 23.30, 22.22, 18.90}, {13, 19.96, 19.50, 16.92}}};
constexpr std::array<OpusRow, 11> kVbrSwb = {{{14, 38.06, 16.51, 9.13},
                                              {15, 34.12, 15.00, 7.90},
                                              {16, 30.16, 11.83, 10.06},
                                              {19, 23.81, 10.67, 8.92},
                                              {22, 20.22, 10.47, 8.57},
                                              {25, 20.21, 11.28, 9.18},
                                              {28, 18.48, 10.63, 8.91},
                                              {31, 16.83, 10.44, 8.82},
                                              {34, 14.76, 10.12, 8.54},
                                              {37, 12.08, 10.38, 8.30},
                                              {40, 10.67, 9.79, 8.04}}};
// CBR operating points.
constexpr std::array<OpusRow, 6> kCbrNb = {{{6, 46.27, 8.94, 5.66},
                                            {7, 31.73, 18.18, 11.76},
                                            {8, 19.25, 15.13, 10.13},
                                            {9, 13.21, 17.24, 11.36},
                                            {10, 6.20, 15.33, 10.47},
                                            {11, 2.03, 15.95, 10.73}}};
constexpr std::array<OpusRow, 4> kCbrWb = {{{12, 29.76, 24.81, 20.78},
                                            {13, 26.16, 23.00, 19.37},
                                            {14, 20.77, 17.56, 15.85},
                                            {15, 18.06, 18.74, 16.10}}};
constexpr std::array<OpusRow, 9> kCbrSwb = {{{16, 36.88, 13.30, 10.80},
                                             {19, 29.58, 10.74, 8.93},
                                             {22, 23.38, 10.01, 8.46},
                                             {25, 22.64, 10.57, 8.74},
                                             {28, 23.65, 11.67, 9.98},
                                             {31, 21.74, 11.51, 9.58},
                                             {34, 20.62, 11.78, 9.69},
                                             {37, 16.23, 10.62, 8.99},
                                             {40, 15.90, 11.35, 9.37}}};

// Linear interpolation in bitrate, clamped to the first/last row.
OpusImpairment interpolate(std::span<const OpusRow> rows, double kbps, EModelScale scale) {
  const OpusRow* lo = &rows.front();
  const OpusRow* hi = &rows.front();
  if (kbps >= rows.back().kbps) {
    lo = hi = &rows.back();
  } else if (kbps > rows.front().kbps) {
    hi = &*std::find_if(rows.begin(), rows.end(), [kbps](const OpusRow& r) { return r.kbps >= kbps; });
    lo = hi - 1;
  }
  const double t = hi->kbps > lo->kbps ? (kbps - lo->kbps) / (hi->kbps - lo->kbps) : 0.0;
  const auto mix = [t](double a, double b) { return a + t * (b - a); };
  return {mix(lo->ie, hi->ie), mix(lo->bpl_random, hi->bpl_random), mix(lo->bpl_bursty, hi->bpl_bursty),
          scale};
}

// The band libopus codes at a bitrate (its automatic choice, as in the source's measurements):
// VBR below 10 kbit/s narrowband, below 14 wideband, else super-wideband; CBR 12 and 16.
EModelScale coded_band(double kbps, OpusRateMode mode, OpusMaxBand max_band) {
  const bool vbr = mode == OpusRateMode::kVbr;
  EModelScale band = EModelScale::kSuperwideband;
  if (kbps < (vbr ? 10.0 : 12.0))
    band = EModelScale::kNarrowband;
  else if (kbps < (vbr ? 14.0 : 16.0))
    band = EModelScale::kWideband;
  const auto cap = static_cast<EModelScale>(static_cast<int>(max_band));
  return std::min(band, cap);
}

}  // namespace

OpusImpairment opus_impairment(int bitrate_bps, OpusRateMode mode, OpusMaxBand max_band) {
  const double kbps = bitrate_bps / 1000.0;
  const bool vbr = mode == OpusRateMode::kVbr;
  switch (coded_band(kbps, mode, max_band)) {
    case EModelScale::kNarrowband:
      return vbr ? interpolate(kVbrNb, kbps, EModelScale::kNarrowband)
                 : interpolate(kCbrNb, kbps, EModelScale::kNarrowband);
    case EModelScale::kWideband:
      return vbr ? interpolate(kVbrWb, kbps, EModelScale::kWideband)
                 : interpolate(kCbrWb, kbps, EModelScale::kWideband);
    case EModelScale::kSuperwideband:
      break;
  }
  return vbr ? interpolate(kVbrSwb, kbps, EModelScale::kSuperwideband)
             : interpolate(kCbrSwb, kbps, EModelScale::kSuperwideband);
}

double burst_ratio(std::span<const uint8_t> lost) {
  size_t lost_count = 0, runs = 0;
  bool in_run = false;
  for (uint8_t l : lost) {
    if (l != 0) {
      ++lost_count;
      if (!in_run) ++runs;
    }
    in_run = l != 0;
  }
  if (lost_count == 0) return 1.0;
  if (lost_count == lost.size()) return static_cast<double>(lost.size());
  const double ppl = static_cast<double>(lost_count) / static_cast<double>(lost.size());
  const double mean_run = static_cast<double>(lost_count) / static_cast<double>(runs);
  return mean_run * (1.0 - ppl);
}

double burst_ratio_markov(double p, double q) { return 1.0 / (p + q); }

CallRating rate_call(const CallMeasurements& m) {
  CallRating out;
  out.codec = opus_impairment(m.bitrate_bps, m.mode, m.max_band);
  out.scale = out.codec.scale;
  EModelParams p;  // G.107 Table 3 defaults: TELR 65 dB (echo cancelled), WEPL 110 dB, ...
  p.ta_ms = m.mouth_to_ear_delay_ms;
  p.t_ms = m.mouth_to_ear_delay_ms;
  p.tr_ms = 2.0 * m.mouth_to_ear_delay_ms;
  p.ie = out.codec.ie;
  p.bpl = out.codec.bpl_random;  // burstiness enters through BurstR (G.107 eq. 7-29)
  p.ppl_pct = m.packet_loss_pct;
  p.burst_r = m.burst_ratio;
  switch (out.scale) {
    case EModelScale::kNarrowband:
      out.model = "G.107";
      out.result = evaluate_g107(p);
      break;
    case EModelScale::kWideband:
      out.model = "G.107.1";
      out.result = evaluate_g107_1(p);
      break;
    case EModelScale::kSuperwideband:
      out.model = "G.107.1-structure on the 148 scale (provisional)";
      out.result = evaluate_wideband_structure(p, 148.0);
      break;
  }
  // The rating is reported on its scale's range (G.107: 0..100, G.107.1: 0..129); the terms
  // above stay as computed for auditing, MOS-CQE follows the clamped R.
  out.inputs = m;
  out.r_unclamped = out.result.r;
  out.result.r = std::clamp(out.result.r, 0.0, scale_max(out.scale));
  out.result.mos = mos_from_r(out.result.r * 100.0 / scale_max(out.scale));
  return out;
}

double scale_max(EModelScale scale) {
  return scale == EModelScale::kNarrowband ? 100.0 : scale == EModelScale::kWideband ? 129.0 : 148.0;
}

}  // namespace callsim::quality
