// Turns the raw records of a finished direction into the 100 ms timeline, the E-model rating
// and the flat metrics map (P.862 scoring: call_scoring.h).
#pragma once

#include "call/call_result.h"
#include "scenario/scenario.h"

namespace callsim::call {

// 100 ms bins from 0 to the call's length or the last send, first arrival or playout frame,
// whichever is later (a receiver clock running slow plays past the call's length).
std::vector<TimelineBin> build_timeline(const DirectionResult& d, double duration_ms, double bin_ms = 100.0);

// E-model rating from the measured delay, loss and codec settings.
void rate_direction(DirectionResult& d, const codec::EncoderConfig& codec);

// Packet fates counted against what the sender sent.
struct Losses {
  int64_t sent = 0;        // packets the sender sent
  int64_t received = 0;    // distinct ones the network delivered
  int64_t lost = 0;        // sent - received
  int64_t duplicates = 0;  // delivered copies beyond the first of each
  int64_t late = 0;        // received but discarded by the jitter buffer or before it (Receiver)
};
Losses losses(const DirectionResult& d);

// Fills d.metrics (names from results/metric_table.h) from everything above. A figure that could
// not be measured (nothing arrived, nothing played) is left out, never set to 0.
void collect_metrics(DirectionResult& d);

}  // namespace callsim::call
