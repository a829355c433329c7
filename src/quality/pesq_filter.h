// Input conditioning of P.862: level alignment (clause 10.1.1), the IRS receive filter
// (clauses 10.1.2 / 10.2.2) or the P.862.2 wideband input filter, and the pre-filter that feeds
// the envelope-based time alignment. All operate in place on Tracks (see pesq_signal.h).
#pragma once

#include <span>

#include "quality/pesq_fft.h"
#include "quality/pesq_signal.h"
#include "quality/pesq_tables.h"

namespace callsim::quality::pesq_detail {

// Power of the signal in the 350-3250 Hz band, averaged over the longer file's length
// (`max_length`, a Track length). Zero for a silent signal.
double band_power(const Track& t, long max_length, const RateSetup& r, FftSet& ffts);

// Multiplies the samples by `gain` (the level alignment applies sqrt(1e7 / band_power)).
void scale(Track& t, double gain);

// Filters the signal part plus padding with a zero-phase filter given by a piecewise-linear dB
// response, normalised to 0 dB at 1 kHz, by one FFT over the whole file.
void apply_curve_filter(Track& t, std::span<const CurvePoint> curve, const RateSetup& r, FftSet& ffts);

// P.862.2 wideband input filter: a 16-sample fade at both ends, then the 100 Hz high-pass.
void apply_wideband_filter(Track& t, const RateSetup& r);

// Time-alignment pre-processing: removes the DC offset (tapering the first and last 4 ms) and
// runs the alignment pre-filter cascade over the whole buffer.
void apply_alignment_filter(Track& t, const RateSetup& r);

// Runs a biquad cascade over x in place (zero initial state).
void filter_cascade(std::span<double> x, std::span<const Biquad> sections);

}  // namespace callsim::quality::pesq_detail
