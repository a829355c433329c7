// Speech level per ITU-T P.56 (method B, the "speech voltmeter" of the ITU-T G.191 STL).
//
// Levels are in dBov: 0 dBov is the RMS of a full-scale square wave (amplitude 1.0), so a
// full-scale sine reads -3.01 dBov. Method B: the rectified signal is smoothed twice by a one-pole
// filter (time constant 0.03 s); for each of 15 thresholds c_j = 2^-15 ... 2^-1 (6.02 dB apart) a
// sample counts as active while the envelope is at or above c_j, or within the 0.2 s hangover after
// it fell below. The active level for threshold j is the energy divided by that count; the result
// is the point, interpolated in dB between two thresholds, where active level minus threshold
// equals the 15.9 dB margin.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "audio/audio.h"

namespace callsim::audio {

// The outcome of a P.56 measurement. Levels of a signal without speech are -infinity (never NaN);
// has_speech() tells the two cases apart.
struct SpeechLevel {
  double active_level_dbov;     // P.56 active speech level; -inf when activity is 0
  double activity;              // activity factor in [0, 1]
  double long_term_level_dbov;  // RMS over the whole signal; -inf for digital silence
  double threshold_dbov;        // the interpolated activity threshold; -inf when activity is 0
  double peak;                  // largest |sample|, linear (1.0 = full scale)

  bool has_speech() const { return activity > 0.0; }
};

// Measures a mono signal at any sample rate (> 0).
SpeechLevel measure_speech_level(std::span<const float> samples, int sample_rate_hz);
inline SpeechLevel measure_speech_level(const Signal& s) {
  return measure_speech_level(s.samples, s.sample_rate_hz);
}

// Returns `s` scaled so that its P.56 active level is `target_dbov` (no clipping is applied; check
// the peak of the result). Throws InputError naming `source` when the signal has no active speech.
Signal normalize_to_dbov(const Signal& s, double target_dbov, std::string_view source = "");

// P.56 envelope (the twice-smoothed rectified signal, linear) for each sample.
std::vector<float> speech_envelope(std::span<const float> samples, int sample_rate_hz);

// Runs of the envelope strictly below `threshold_dbov` (no hangover), as [begin, end) sample
// ranges, in order. With the threshold of a SpeechLevel these are the pauses of a recording.
struct SampleRange {
  size_t begin;
  size_t end;
};
std::vector<SampleRange> quiet_runs(std::span<const float> samples, int sample_rate_hz,
                                    double threshold_dbov);

}  // namespace callsim::audio
