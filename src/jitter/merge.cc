#include "jitter/merge.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace callsim::jitter {

Merge::Merge(int sample_rate_hz, double length_ms)
    : length_(std::max(1, static_cast<int>(std::lround(length_ms * sample_rate_hz / 1000.0)))) {}

size_t Merge::apply(std::span<float> decoded, std::span<const float> continuation) const {
  const size_t n = std::min({decoded.size(), continuation.size(), static_cast<size_t>(length_)});
  for (size_t i = 0; i < n; ++i) {
    const double w =
        0.5 - 0.5 * std::cos(std::numbers::pi * (static_cast<double>(i) + 0.5) / static_cast<double>(n));
    decoded[i] = static_cast<float>(w * decoded[i] + (1.0 - w) * continuation[i]);
  }
  return n;
}

}  // namespace callsim::jitter
