// 10 ms frame levels of a whole stream, computed in one streaming pass (memory: one double per
// frame, 2.9 MB for an hour). They give the automatic window boundaries, the reference's speech
// activity per window, the degraded signal's speech activity (has speech been received?) and the
// envelopes of the coarse delay search. Levels are computed at the stream's own rate, as each
// frame's power about its own mean: a DC offset is no sound (a talker 1 % off zero read its pauses
// as speech).
#pragma once

#include <cstddef>
#include <vector>

#include "scoring/audio_stream.h"

namespace callsim::scoring {

constexpr double kFrameS = 0.010;
constexpr double kRelativeFloorDb = 35.0;  // active: within this of the loud frames' level ...
constexpr double kAbsoluteFloorDb = -70.0;  // ... and above this (dB re a full-scale sine)

struct FrameLevels {
  std::vector<double> db;  // per frame: 10 log10(2 * variance + 1e-20) (the mean square about its mean)
  double p95_db = -200;    // 95th percentile frame level
  double threshold_db = kAbsoluteFloorDb;  // max(floor, p95 - 35 dB)

  bool active(size_t f) const { return f < db.size() && db[f] > threshold_db; }
  // Seconds of active frames among frames [first, last).
  double active_seconds(long first, long last) const;
  // Seconds of frames above `threshold` among frames [first, last).
  double seconds_above(long first, long last, double threshold) const;
};

// Frame f covers samples [round(f S / 100), round((f + 1) S / 100)) of a stream at rate S.
FrameLevels frame_levels(AudioStream& s);

// Index of the frame holding time t (seconds), clamped to [0, frames].
long frame_at(double t_s, size_t frames);

}  // namespace callsim::scoring
