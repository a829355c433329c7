#include "test_signals.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "sim/random.h"

namespace callsim::codec::testing {
namespace {

// Two-pole resonator at `freq` with bandwidth `bw` (Hz), unity gain at DC-ish scale.
class Resonator {
 public:
  void tune(double freq, double bw, double rate) {
    const double r = std::exp(-std::numbers::pi * bw / rate);
    a1_ = 2 * r * std::cos(2 * std::numbers::pi * freq / rate);
    a2_ = -r * r;
    gain_ = 1 - r;
  }
  double step(double x) {
    const double y = gain_ * x + a1_ * y1_ + a2_ * y2_;
    y2_ = y1_;
    y1_ = y;
    return y;
  }

 private:
  double a1_ = 0, a2_ = 0, gain_ = 0, y1_ = 0, y2_ = 0;
};

constexpr std::array<std::array<double, 3>, 5> kVowels = {
    {{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}}};

struct Syllable {
  size_t length = 0, onset = 0;  // samples; onset = unvoiced part at the start
  double f0_start = 0, f0_end = 0;
  size_t vowel = 0;
};

void render_syllable(const Syllable& s, double rate, sim::RandomStream& rng, std::vector<float>& out) {
  std::array<Resonator, 3> formants;
  for (size_t k = 0; k < 3; ++k) formants[k].tune(kVowels[s.vowel][k], 80.0 + 40.0 * k, rate);
  double phase = 0, prev_noise = 0, period_jitter = 1;
  for (size_t i = 0; i < s.length; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(s.length);
    const double f0 = (s.f0_start + (s.f0_end - s.f0_start) * t) * period_jitter;
    const double noise = rng.uniform(-1, 1);
    double excitation = 0;
    if (i >= s.onset) {
      phase += f0 / rate;
      if (phase >= 1) {  // one glottal pulse per period, with 1 % period jitter and 10 % shimmer
        phase -= 1;
        period_jitter = 1 + 0.01 * rng.normal();
      }
      // Rosenberg-like pulse (open phase 40 % of the period) plus aspiration noise.
      const double open = phase < 0.4 ? std::sin(std::numbers::pi * phase / 0.4) : 0.0;
      excitation = 0.3 * (open - 0.25) + 0.08 * noise;
    } else {
      excitation = 0.4 * (noise - prev_noise);  // high-passed noise: a fricative
    }
    prev_noise = noise;
    double y = 0;
    for (size_t k = 0; k < 3; ++k) y += formants[k].step(excitation) * (k == 0 ? 1.0 : 0.6);
    const double env = std::sin(std::numbers::pi * std::min(1.0, std::min(t, 1 - t) * 8) / 2);
    out.push_back(static_cast<float>(y * env));
  }
}

}  // namespace

std::vector<float> tones(int sample_rate_hz, double seconds, std::span<const double> freqs_hz, double peak) {
  const size_t n = static_cast<size_t>(seconds * sample_rate_hz);
  std::vector<float> out(n);
  const double amp = peak / static_cast<double>(freqs_hz.size());
  for (size_t i = 0; i < n; ++i) {
    double v = 0;
    for (double f : freqs_hz)
      v += std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / sample_rate_hz);
    out[i] = static_cast<float>(amp * v);
  }
  return out;
}

std::vector<float> speech_like(int sample_rate_hz, double seconds, uint64_t seed, double pause_probability) {
  sim::RandomStream rng(seed, "codec-test/speech-like");
  const double rate = sample_rate_hz;
  const size_t total = static_cast<size_t>(seconds * rate);
  std::vector<float> out;
  out.reserve(total + sample_rate_hz);
  while (out.size() < total) {
    Syllable s;
    s.length = static_cast<size_t>(rng.uniform(0.15, 0.3) * rate);
    s.onset = rng.bernoulli(0.5) ? static_cast<size_t>(0.04 * rate) : 0;
    s.f0_start = rng.uniform(110, 220);
    s.f0_end = s.f0_start * rng.uniform(0.8, 1.1);
    s.vowel = static_cast<size_t>(rng.below(kVowels.size()));
    render_syllable(s, rate, rng, out);
    const double gap = rng.bernoulli(pause_probability) ? rng.uniform(0.2, 0.5) : rng.uniform(0.03, 0.08);
    out.insert(out.end(), static_cast<size_t>(gap * rate), 0.0f);
  }
  out.resize(total);
  float peak = 0;
  for (float v : out) peak = std::max(peak, std::abs(v));
  if (peak > 0)
    for (float& v : out) v *= 0.5f / peak;
  return out;
}

double snr_db(std::span<const float> ref, std::span<const float> test, int delay, size_t begin, size_t end) {
  double sig = 0, err = 0;
  for (size_t i = begin; i < end && i < ref.size(); ++i) {
    const ptrdiff_t j = static_cast<ptrdiff_t>(i) + delay;
    if (j < 0 || j >= static_cast<ptrdiff_t>(test.size())) continue;
    const double d = static_cast<double>(test[static_cast<size_t>(j)]) - ref[i];
    sig += static_cast<double>(ref[i]) * ref[i];
    err += d * d;
  }
  return 10 * std::log10(sig / std::max(err, 1e-30));
}

double correlation(std::span<const float> ref, std::span<const float> test, int delay, size_t begin,
                   size_t end) {
  double xy = 0, xx = 0, yy = 0;
  for (size_t i = begin; i < end && i < ref.size(); ++i) {
    const ptrdiff_t j = static_cast<ptrdiff_t>(i) + delay;
    if (j < 0 || j >= static_cast<ptrdiff_t>(test.size())) continue;
    const double x = ref[i], y = test[static_cast<size_t>(j)];
    xy += x * y;
    xx += x * x;
    yy += y * y;
  }
  return xy / std::sqrt(std::max(xx * yy, 1e-30));
}

}  // namespace callsim::codec::testing
