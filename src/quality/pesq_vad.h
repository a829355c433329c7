// Speech activity envelope on 4 ms blocks, the input of the envelope-based time alignment
// (P.862 clause 10.1.3.1). The threshold adapts to the noise floor of the file itself; short
// bursts are discarded, short gaps bridged, and speech onsets/offsets ramped.
#pragma once

#include <vector>

#include "quality/pesq_signal.h"

namespace callsim::quality::pesq_detail {

struct Envelope {
  // Per block: > 0 in speech (the block power, or a ramp value at edges), 0 outside speech.
  std::vector<double> activity;
  // Per block: log(power / threshold) where the power exceeds the speech threshold, else 0.
  std::vector<double> log_envelope;
};

// Envelope of the first t.length samples (length / block blocks).
Envelope speech_envelope(const Track& t, const RateSetup& r);

}  // namespace callsim::quality::pesq_detail
