// Turns the raw records of a finished direction into the 100 ms timeline, the quality scores
// (P.862 windows, E-model) and the flat metrics map.
#pragma once

#include "call/call_result.h"
#include "scenario/scenario.h"

namespace callsim::call {

std::vector<TimelineBin> build_timeline(const DirectionResult& d, double duration_ms, double bin_ms = 100.0);

// P.862 (8 kHz) and, when the codec rate allows, P.862.2 (16 kHz) over windows of the call.
// Failures to score (e.g. no speech) become notes, not errors.
void score_direction(DirectionResult& d, const scenario::ScoringConfig& scoring);

// E-model rating from the measured delay, loss and codec settings.
void rate_direction(DirectionResult& d, const codec::EncoderConfig& codec);

// Fills d.metrics from everything above.
void collect_metrics(DirectionResult& d);

}  // namespace callsim::call
