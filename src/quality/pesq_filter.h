// Input conditioning of P.862: level alignment (clause 10.1.1), the IRS receive filter
// (clauses 10.1.2 / 10.2.2) or the P.862.2 wideband input filter, and the pre-filter that feeds
// the envelope-based time alignment. All operate in place on Tracks (see pesq_signal.h).
#pragma once

#include <span>
#include <vector>

#include "quality/pesq_fft.h"
#include "quality/pesq_signal.h"
#include "quality/pesq_tables.h"

namespace callsim::quality::pesq_detail {

// Level alignment (clause 10.1.1) and, when `curve` is given, the zero-phase narrowband input
// filter (clause 10.1.2), sharing one FFT of the whole file. The power in the 350-3250 Hz band
// (from the spectrum), averaged over the longer file (`max_length`, a Track length), is scaled to
// `target_power`; a signal whose band power is below `silent_power` is set to zero. Returns the
// band power before scaling. The filter response is piecewise linear in dB, 0 dB at 1 kHz.
double condition_input(Track& t, long max_length, const std::span<const CurvePoint>* curve,
                       const RateSetup& r, double target_power, double silent_power);

// The same for the signals of one comparison: keeps the whole-file transform between calls (one
// allocation for both signals) and frees it when destroyed.
class InputConditioner {
 public:
  explicit InputConditioner(const RateSetup& r);
  double condition(Track& t, long max_length, const std::span<const CurvePoint>* curve, double target_power,
                   double silent_power);

 private:
  const RateSetup& r_;
  FftSet ffts_;
};

// P.862.2 wideband input filter: a 16-sample fade at both ends, then the 100 Hz high-pass.
void apply_wideband_filter(Track& t, const RateSetup& r);
// The same on two tracks at once (the reference and the degraded signal; faster).
void apply_wideband_filter(Track& a, Track& b, const RateSetup& r);

// Time-alignment pre-processing: removes the DC offset (tapering the first and last 4 ms) and
// runs the alignment pre-filter cascade over the whole buffer.
void apply_alignment_filter(Track& t, const RateSetup& r);
void apply_alignment_filter(Track& a, Track& b, const RateSetup& r);

// Runs a biquad cascade over x in place (zero initial state).
void filter_cascade(std::span<double> x, std::span<const Biquad> sections);
// Two signals through two cascades of the same sections, the same results as one at a time.
void filter_cascade(std::span<double> x, std::span<double> y, std::span<const Biquad> sections);

}  // namespace callsim::quality::pesq_detail
