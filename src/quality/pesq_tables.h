// Constant tables of ITU-T P.862 / P.862.2: the Bark band layout of the perceptual model
// (clause 10.2.1), the input filter responses (clauses 10.1.1, 10.1.2, 10.2.2; P.862.2 clause 5)
// and the IIR pre-filter used only for time alignment. Units: frequencies in Hz, widths in Bark,
// powers in the model's internal units (16-bit sample scale, after level alignment to 1e7).
#pragma once

#include <span>
#include <vector>

namespace callsim::quality::pesq_detail {

// Band layout of the perceptual model at one sample rate (42 bands at 8 kHz, 49 at 16 kHz).
struct BarkScale {
  int bands = 0;
  std::span<const int> bins_per_band;         // consecutive FFT bins summed into each band
  std::span<const double> width_bark;         // band widths (Bark)
  std::vector<double> centre_bark;            // derived: band centres of contiguous bands
  std::span<const double> power_correction;   // per-band power density correction
  std::span<const double> hearing_threshold;  // absolute hearing threshold (power density)
  std::vector<double> zwicker_exponent;       // derived: per-band exponent of Zwicker's law
  std::vector<double> loudness_factor;        // derived: loudness_scale * (threshold / 0.5)^exponent
  double power_scale = 0;                     // Sp: FFT power -> pitch power density
  double loudness_scale = 0;                  // Sl: loudness density scaling
};
const BarkScale& bark_scale(int sample_rate_hz);

// A point of a piecewise-linear (in Hz and dB) filter response.
struct CurvePoint {
  double hz;
  double db;
};
// Receive characteristic of the modified IRS handset, applied to both signals in narrowband mode.
std::span<const CurvePoint> irs_receive_curve();
// The 350-3250 Hz band whose power is aligned to a fixed target level (clause 10.1.1).
std::span<const CurvePoint> level_alignment_band();

// Second-order section y = b0 z0 + b1 z1 + b2 z2 with z0 = x - a1 z1 - a2 z2 (direct form II).
struct Biquad {
  double b0, b1, b2, a1, a2;
};
// Cascade used to filter the signals for the envelope-based time alignment only.
std::span<const Biquad> alignment_prefilter(int sample_rate_hz);
// P.862.2 wideband input filter: 2nd-order Butterworth high-pass at 100 Hz (bilinear transform
// with pre-warping) with a pass-band gain of 2.818 (+9 dB).
Biquad wideband_input_filter(int sample_rate_hz);

}  // namespace callsim::quality::pesq_detail
