// Merge: the seam from synthetic audio (concealment or comfort noise) back into decoded audio.
// The first `length` samples of the decoded block are cross-faded (raised cosine) from the
// synthetic signal's continuation into the decoded signal, so there is no step at the seam.
// Length is 2.5 ms by default (a multiple of 2.5 ms, so the decoder PLC can produce it).
#pragma once

#include <span>

namespace callsim::jitter {

class Merge {
 public:
  explicit Merge(int sample_rate_hz, double length_ms = 2.5);
  int length() const { return length_; }
  // decoded[i] = w[i] * decoded[i] + (1 - w[i]) * continuation[i] over the overlap, w rising
  // from 0 to 1. Returns the number of samples cross-faded.
  size_t apply(std::span<float> decoded, std::span<const float> continuation) const;

 private:
  int length_;
};

}  // namespace callsim::jitter
