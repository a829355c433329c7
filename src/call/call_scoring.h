// P.862 scoring of a finished direction through the one scoring path (src/scoring), on the audio
// exactly as the call's WAV files hold it (16-bit), in windows of the scenario's length with
// delay hints from the simulator's per-frame mouth-to-ear delays (split at delay jumps), so that `callsim score` with the
// command line written next to each figure reproduces it bit for bit.
#pragma once

#include <vector>

#include "call/call_result.h"
#include "scenario/scenario.h"
#include "scoring/window_plan.h"

namespace callsim::call {

// P.862 at 8 kHz and, when the codec rate allows, P.862.2 at 16 kHz. A direction that cannot be
// scored gets notes, not errors.
// The unscored end of the reference a call does not note (score_direction): end-of-call effects.
inline constexpr double kQuietTailS = 0.1;

void score_direction(DirectionResult& d, const scenario::ScoringConfig& scoring);

// The delay track of the frames that played real audio: capture time on the reference timeline
// and mouth-to-ear delay.
std::vector<scoring::DelaySample> delay_track(const std::vector<peer::FrameRecord>& frames);

// `callsim score` command line reproducing a report, with paths relative to the call's folder.
std::string reproduce_command(const std::string& direction, const scoring::ScoreReport& report);

}  // namespace callsim::call
