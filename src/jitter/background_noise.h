// BackgroundNoise: tracks the level of the background (the quietest recent decoded audio) and
// makes comfort noise at that level. The level follows 10 ms block RMS values down at once and
// up slowly (+3 dB/s), a minimum-statistics tracker. A block is "silent" when its RMS is below
// twice the background level (capped at -50 dBFS), or below -90 dBFS.
// Comfort noise is white noise from a seeded sim::RandomStream through a one-pole low-pass
// (speech-like tilt), scaled to the background RMS; deterministic for a given seed.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/random.h"

namespace callsim::jitter {

class BackgroundNoise {
 public:
  BackgroundNoise(int sample_rate_hz, uint64_t seed);

  // Feed decoded audio (any length; analysed in 10 ms blocks).
  void update(std::span<const float> pcm);
  double level_rms() const { return level_; }
  bool is_silent(double rms) const;
  // True when the last analysed 10 ms block was silent.
  bool last_block_silent() const { return last_silent_; }
  // Analysed 10 ms blocks since the last silent one (a large number before any).
  int64_t blocks_since_silent() const { return blocks_since_silent_; }
  // Consecutive silent 10 ms blocks up to the last analysed one (the length of the current pause).
  int64_t silent_run_blocks() const { return silent_run_blocks_; }
  // True once talking has been heard: a non-silent 10 ms block at -60 dBFS or above, or five
  // non-silent blocks in a row (before: leading silence; a decoder's faint transient after
  // concealing a late packet in it does not end it). A stream whose first block is not silent
  // has talked from the start.
  bool heard_sound() const { return heard_sound_; }
  std::vector<float> comfort_noise(int samples);

  static double rms(std::span<const float> pcm);

 private:
  int block_;
  double level_ = 1e-3;
  double rise_per_block_;
  bool last_silent_ = false;
  int64_t blocks_since_silent_ = int64_t{1} << 40;
  int64_t silent_run_blocks_ = 0;
  bool heard_sound_ = false;
  std::vector<float> partial_;
  sim::RandomStream random_;
  float lowpass_state_ = 0.0f;
};

}  // namespace callsim::jitter
