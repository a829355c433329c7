// Builds what a peer says over the whole call: its talker clip placed into each talk interval
// (from the clip's start, looping when the interval is longer), silence elsewhere. The result
// is the reference signal of that peer's direction, at the codec rate.
#pragma once

#include <vector>

#include "audio/audio.h"
#include "sim/time.h"

namespace callsim::peer {

struct TalkSpan {
  sim::Duration start, end;
};

// `clip` must already be at `sample_rate_hz`. An empty `spans` means: silence for the whole call.
audio::Signal build_talk_signal(const audio::Signal& clip, const std::vector<TalkSpan>& spans,
                                sim::Duration call_duration, int sample_rate_hz);

}  // namespace callsim::peer
