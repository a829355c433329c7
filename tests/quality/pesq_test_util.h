// Test signals for the P.862 tests: built-in talker speech at 8 or 16 kHz and simple, seeded
// degradations (delay, gain, noise, clipping). Signals are float in [-1, 1).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "audio/resample.h"
#include "audio/talkers.h"
#include "sim/random.h"

namespace callsim::quality::test {

inline audio::Signal talker(const std::string& name, int rate) {
  return audio::resample(audio::load_builtin_talker(name), rate);
}

inline audio::Signal delayed(const audio::Signal& s, int samples) {
  audio::Signal out{s.sample_rate_hz, std::vector<float>(static_cast<size_t>(samples), 0.0f)};
  out.samples.insert(out.samples.end(), s.samples.begin(), s.samples.end());
  return out;
}

inline audio::Signal scaled(const audio::Signal& s, double gain) {
  audio::Signal out = s;
  for (float& v : out.samples) v = static_cast<float>(v * gain);
  return out;
}

inline double rms(const audio::Signal& s) {
  double e = 0;
  for (float v : s.samples) e += static_cast<double>(v) * v;
  return std::sqrt(e / static_cast<double>(std::max<size_t>(1, s.samples.size())));
}

// White Gaussian noise at `snr_db` below the signal's RMS (whole-file RMS, silences included).
inline audio::Signal with_noise(const audio::Signal& s, double snr_db, uint64_t seed) {
  sim::RandomStream rng(seed, "pesq-test/noise");
  const double sd = rms(s) * std::pow(10.0, -snr_db / 20.0);
  audio::Signal out = s;
  for (float& v : out.samples) v = static_cast<float>(v + sd * rng.normal());
  return out;
}

inline audio::Signal noise_only(int rate, double seconds, double sd, uint64_t seed) {
  sim::RandomStream rng(seed, "pesq-test/noise-only");
  audio::Signal out{rate, std::vector<float>(static_cast<size_t>(seconds * rate))};
  for (float& v : out.samples) v = static_cast<float>(sd * rng.normal());
  return out;
}

inline audio::Signal clipped(const audio::Signal& s, double gain, double limit) {
  audio::Signal out = s;
  for (float& v : out.samples) v = static_cast<float>(std::clamp(v * gain, -limit, limit));
  return out;
}

inline audio::Signal concat(const std::vector<audio::Signal>& parts) {
  audio::Signal out{parts.front().sample_rate_hz, {}};
  for (const auto& p : parts) out.samples.insert(out.samples.end(), p.samples.begin(), p.samples.end());
  return out;
}

inline audio::Signal silence(int rate, double seconds) {
  return {rate, std::vector<float>(static_cast<size_t>(seconds * rate), 0.0f)};
}

}  // namespace callsim::quality::test
