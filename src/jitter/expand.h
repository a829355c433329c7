// Expand: concealment while packets are missing. The decoder's own PLC continues the signal at
// full level for fade_start_ms, then cross-fades linearly into comfort noise at the background
// level over fade_length_ms; after that the output is comfort noise only ("silent" concealment,
// W3C silentConcealedSamples) and the decoder PLC is no longer run. reset() when real audio
// resumes. Lengths passed to conceal() must be multiples of 2.5 ms (the codec contract).
#pragma once

#include <cstdint>
#include <vector>

#include "codec/codec.h"
#include "jitter/background_noise.h"

namespace callsim::jitter {

struct ExpandConfig {
  double fade_start_ms = 60.0;
  double fade_length_ms = 40.0;
};

class Expand {
 public:
  Expand(codec::Decoder& decoder, BackgroundNoise& noise, int sample_rate_hz, ExpandConfig config = {});

  struct Block {
    std::vector<float> pcm;
    size_t first_silent = 0;  // samples from here on are comfort noise only
  };
  Block conceal(int samples);
  void reset() { concealed_in_row_ = 0; }
  int64_t concealed_in_row() const { return concealed_in_row_; }
  bool faded_out() const { return concealed_in_row_ >= fade_start_ + fade_length_; }

 private:
  codec::Decoder& decoder_;
  BackgroundNoise& noise_;
  int64_t fade_start_, fade_length_;
  int64_t concealed_in_row_ = 0;
};

}  // namespace callsim::jitter
