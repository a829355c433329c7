// Sample-rate conversion with libsoxr (high quality, linear phase), wrapped once here.
#pragma once

#include <span>
#include <vector>

#include "audio/audio.h"

namespace callsim::audio {

// Converts `in` from `from_hz` to `to_hz` with soxr's SOXR_HQ recipe. Output length is
// round(in.size() * to_hz / from_hz); the filter delay is compensated by soxr.
std::vector<float> resample(std::span<const float> in, int from_hz, int to_hz);

inline Signal resample(const Signal& s, int to_hz) {
  if (s.sample_rate_hz == to_hz) return s;
  return Signal{to_hz, resample(s.samples, s.sample_rate_hz, to_hz)};
}

}  // namespace callsim::audio
