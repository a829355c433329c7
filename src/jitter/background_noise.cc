#include "jitter/background_noise.h"

#include <algorithm>
#include <cmath>

namespace callsim::jitter {

namespace {
constexpr double kRiseDbPerSecond = 3.0;
constexpr double kSilentCapRms = 0.00316;       // -50 dBFS
constexpr double kDigitalSilenceRms = 3.16e-5;  // -90 dBFS
// Talking has started at a block this loud that is not silent, or at this many non-silent blocks
// in a row: a decoder's transient after concealment in the leading silence (one or two blocks at
// -70 dBFS) is not the call starting to talk.
constexpr double kHeardRms = 1e-3;              // -60 dBFS
constexpr int64_t kHeardRunBlocks = 5;
constexpr float kTilt = 0.5f;                   // one-pole low-pass coefficient of the comfort noise
}  // namespace

BackgroundNoise::BackgroundNoise(int sample_rate_hz, uint64_t seed)
    : block_(sample_rate_hz / 100),
      rise_per_block_(std::pow(10.0, kRiseDbPerSecond / 20.0 / 100.0)),
      random_(seed, "jitter/comfort_noise") {}

double BackgroundNoise::rms(std::span<const float> pcm) {
  if (pcm.empty()) return 0.0;
  double e = 0;
  for (float x : pcm) e += static_cast<double>(x) * x;
  return std::sqrt(e / static_cast<double>(pcm.size()));
}

bool BackgroundNoise::is_silent(double value) const {
  return value < std::min(2.0 * level_, kSilentCapRms) || value < kDigitalSilenceRms;
}

void BackgroundNoise::update(std::span<const float> pcm) {
  partial_.insert(partial_.end(), pcm.begin(), pcm.end());
  size_t used = 0;
  while (partial_.size() - used >= static_cast<size_t>(block_)) {
    const double r = rms({partial_.data() + used, static_cast<size_t>(block_)});
    level_ = r <= level_ ? r : std::min(r, level_ * rise_per_block_);
    last_silent_ = is_silent(r);
    blocks_since_silent_ = last_silent_ ? 0 : blocks_since_silent_ + 1;
    silent_run_blocks_ = last_silent_ ? silent_run_blocks_ + 1 : 0;
    const bool talking = r >= kHeardRms || blocks_since_silent_ >= kHeardRunBlocks;
    heard_sound_ = heard_sound_ || (!last_silent_ && talking);
    used += static_cast<size_t>(block_);
  }
  partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(used));
}

std::vector<float> BackgroundNoise::comfort_noise(int samples) {
  std::vector<float> out(static_cast<size_t>(std::max(0, samples)));
  // The one-pole output v = a v + w has variance 1 / (1 - a^2) for unit-variance w.
  const auto scale = static_cast<float>(level_ * std::sqrt(1.0 - kTilt * kTilt));
  for (auto& y : out) {
    const auto w = static_cast<float>(random_.normal());
    lowpass_state_ = kTilt * lowpass_state_ + w;
    y = scale * lowpass_state_;
  }
  return out;
}

}  // namespace callsim::jitter
