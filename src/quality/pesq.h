// Objective speech quality per ITU-T P.862 (PESQ, narrowband), its P.862.1 mapping to MOS-LQO,
// and the P.862.2 wideband extension. An independent implementation of the Recommendations'
// algorithm. Calls longer than the 8-12 s P.862 is defined for are scored in windows by
// src/scoring (the one scoring path of `run` and `score`).
//
//   PesqResult r = pesq(ref, deg, PesqMode::kNarrowband);   // r.raw, r.mos_lqo
//
// Inputs are mono signals at 8000 or 16000 Hz (wideband: 16000 Hz only), the same rate for both;
// other rates must be resampled by the caller (audio::resample). Expected failures (unsupported
// rate, signal shorter than 0.25 s, silent reference, no speech) throw callsim::InputError naming
// the reference or degraded input. Deterministic: the same inputs give bit-identical results.
#pragma once

#include <string>
#include <vector>

#include "audio/audio.h"

namespace callsim::quality {

enum class PesqMode { kNarrowband, kWideband };

// One reference utterance found by the time alignment and the delay applied to it.
struct PesqUtterance {
  double start_s = 0, end_s = 0;  // on the reference timeline (seconds from the file start)
  double delay_ms = 0;            // degraded lags the reference by this much (may be negative)
  double confidence = 0;          // share of the alignment histogram at the chosen delay, [0, 1]
};

// Score of one pair: raw and mapped score, the aggregated disturbances and the alignment found.
struct PesqResult {
  PesqMode mode = PesqMode::kNarrowband;
  int sample_rate_hz = 0;
  double raw = 0;      // P.862 raw score (4.5 best, usually >= -0.5); wideband: the internal one
  double mos_lqo = 0;  // P.862.1 (narrowband) or P.862.2 (wideband) MOS-LQO
  double symmetric_disturbance = 0;   // aggregated D of clause 10.2.15
  double asymmetric_disturbance = 0;  // aggregated A of clause 10.2.15
  std::vector<PesqUtterance> utterances;
  int bad_intervals = 0;  // intervals realigned by clause 10.2.13
};

// Names used in error messages (normally the file paths).
struct PesqInputNames {
  std::string reference = "reference";
  std::string degraded = "degraded";
};

PesqResult pesq(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode,
                const PesqInputNames& names = {});

// P.862.1 (narrowband) / P.862.2 (wideband) mapping of a raw score to MOS-LQO.
double mos_lqo_from_raw(double raw, PesqMode mode);

}  // namespace callsim::quality
