#include "jitter/expand.h"

#include <algorithm>
#include <cmath>

namespace callsim::jitter {

Expand::Expand(codec::Decoder& decoder, BackgroundNoise& noise, int sample_rate_hz, ExpandConfig config)
    : decoder_(decoder),
      noise_(noise),
      fade_start_(std::llround(config.fade_start_ms * sample_rate_hz / 1000.0)),
      fade_length_(std::max<int64_t>(1, std::llround(config.fade_length_ms * sample_rate_hz / 1000.0))),
      chunk_(sample_rate_hz / 100) {}

std::vector<float> Expand::plc(int samples) {
  const int missing = samples - static_cast<int>(reservoir_.size());
  if (missing > 0) {
    const int request = (missing + chunk_ - 1) / chunk_ * chunk_;
    std::vector<float> more = decoder_.conceal(request);
    more.resize(static_cast<size_t>(request), 0.0f);
    reservoir_.insert(reservoir_.end(), more.begin(), more.end());
  }
  std::vector<float> out(reservoir_.begin(), reservoir_.begin() + samples);
  reservoir_.erase(reservoir_.begin(), reservoir_.begin() + samples);
  return out;
}

Expand::Block Expand::conceal(int samples) {
  Block block;
  const auto n = static_cast<size_t>(std::max(0, samples));
  std::vector<float> noise = noise_.comfort_noise(samples);
  if (faded_out()) {
    block.pcm = std::move(noise);
    block.first_silent = 0;
    concealed_in_row_ += static_cast<int64_t>(n);
    return block;
  }
  std::vector<float> plc = this->plc(static_cast<int>(n));
  block.pcm.resize(n);
  block.first_silent = n;
  for (size_t i = 0; i < n; ++i) {
    const int64_t e = concealed_in_row_ + static_cast<int64_t>(i);
    const double g =
        std::clamp(1.0 - static_cast<double>(e - fade_start_) / static_cast<double>(fade_length_), 0.0, 1.0);
    block.pcm[i] = static_cast<float>(g * plc[i] + (1.0 - g) * noise[i]);
    if (g == 0.0 && block.first_silent == n) block.first_silent = i;
  }
  concealed_in_row_ += static_cast<int64_t>(n);
  return block;
}

}  // namespace callsim::jitter
