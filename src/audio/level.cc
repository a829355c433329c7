#include "audio/level.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "common/error.h"

namespace callsim::audio {
namespace {

// P.56 method B constants.
constexpr double kTimeConstantS = 0.03;
constexpr double kHangoverS = 0.2;
constexpr double kMarginDb = 15.9;
constexpr int kThresholds = 15;  // c_j = 2^(j - 15), j = 0..14: 2^-15 (-90.3 dB) ... 2^-1 (-6.0 dB)
constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

double threshold_linear(int j) { return std::ldexp(1.0, j - kThresholds); }

// Twice-smoothed rectifier, one sample at a time.
class Envelope {
 public:
  explicit Envelope(int sample_rate_hz)
      : g_(std::exp(-1.0 / (static_cast<double>(sample_rate_hz) * kTimeConstantS))) {}
  double step(double x) {
    p_ = g_ * p_ + (1.0 - g_) * std::fabs(x);
    q_ = g_ * q_ + (1.0 - g_) * p_;
    return q_;
  }

 private:
  double g_;
  double p_ = 0.0, q_ = 0.0;
};

// Energy and per-threshold activity counts of one pass over the signal.
struct Counts {
  double energy = 0.0;
  double peak = 0.0;
  std::array<uint64_t, kThresholds> active{};
};

Counts count_activity(std::span<const float> samples, int sample_rate_hz) {
  const auto hangover = static_cast<uint64_t>(std::lround(kHangoverS * sample_rate_hz));
  std::array<uint64_t, kThresholds> hang;
  hang.fill(hangover);  // the signal starts in a pause: nothing before it hangs over
  std::array<double, kThresholds> thresholds;
  for (int j = 0; j < kThresholds; ++j) thresholds[static_cast<size_t>(j)] = threshold_linear(j);
  Counts c;
  Envelope env(sample_rate_hz);
  for (float v : samples) {
    const double x = v;
    c.energy += x * x;
    c.peak = std::max(c.peak, std::fabs(x));
    const double q = env.step(x);
    for (size_t u = 0; u < thresholds.size(); ++u) {
      if (q >= thresholds[u]) {
        ++c.active[u];
        hang[u] = 0;
      } else if (hang[u] < hangover) {
        ++c.active[u];
        ++hang[u];
      }
    }
  }
  return c;
}

// Picks the threshold where active level minus threshold reaches the margin, interpolating
// linearly in dB between the neighbouring thresholds.
void solve_level(const Counts& c, size_t n, SpeechLevel& out) {
  std::array<double, kThresholds> a_db{}, c_db{};
  for (int j = 0; j < kThresholds; ++j) {
    const auto u = static_cast<size_t>(j);
    c_db[u] = 20.0 * std::log10(threshold_linear(j));
    if (c.active[u] == 0) {
      if (j == 0) return;  // envelope never reached the lowest threshold: no speech
      // No activity at this threshold: the previous one is the best estimate.
      const auto p = u - 1;
      out.active_level_dbov = a_db[p];
      out.threshold_dbov = c_db[p];
      out.activity = static_cast<double>(c.active[p]) / static_cast<double>(n);
      return;
    }
    a_db[u] = 10.0 * std::log10(c.energy / static_cast<double>(c.active[u]));
    const double delta = a_db[u] - c_db[u];
    if (delta > kMarginDb) continue;
    if (j == 0) {
      out.active_level_dbov = a_db[0];
      out.threshold_dbov = c_db[0];
    } else {
      const auto p = u - 1;
      const double delta_prev = a_db[p] - c_db[p];
      const double t = (delta_prev - kMarginDb) / (delta_prev - delta);
      out.active_level_dbov = a_db[p] + t * (a_db[u] - a_db[p]);
      out.threshold_dbov = c_db[p] + t * (c_db[u] - c_db[p]);
    }
    out.activity = std::min(1.0, std::pow(10.0, (out.long_term_level_dbov - out.active_level_dbov) / 10.0));
    return;
  }
  // Even the highest threshold is more than the margin below the active level (a signal near full
  // scale): take the highest threshold.
  const auto last = static_cast<size_t>(kThresholds - 1);
  out.active_level_dbov = a_db[last];
  out.threshold_dbov = c_db[last];
  out.activity = static_cast<double>(c.active[last]) / static_cast<double>(n);
}

}  // namespace

SpeechLevel measure_speech_level(std::span<const float> samples, int sample_rate_hz) {
  if (sample_rate_hz <= 0) throw std::invalid_argument("measure_speech_level: sample rate must be > 0");
  SpeechLevel out{kMinusInf, 0.0, kMinusInf, kMinusInf, 0.0};
  if (samples.empty()) return out;
  const Counts c = count_activity(samples, sample_rate_hz);
  // P.56's thresholds are fixed, -90 to -6 dBov: a float signal above full scale (1.0) is measured
  // again scaled down by a power of two (exact in float), its levels raised by as many 6.02 dB.
  if (c.peak > 1.0) {
    const int k = static_cast<int>(std::ceil(std::log2(c.peak)));
    std::vector<float> scaled(samples.begin(), samples.end());
    for (float& x : scaled) x = std::ldexp(x, -k);
    SpeechLevel s = measure_speech_level(scaled, sample_rate_hz);
    const double gain_db = 20.0 * std::log10(std::ldexp(1.0, k));
    s.long_term_level_dbov += gain_db;
    s.active_level_dbov += gain_db;
    s.threshold_dbov += gain_db;
    s.peak = std::ldexp(s.peak, k);
    return s;
  }
  out.peak = c.peak;
  if (c.energy <= 0.0) return out;
  out.long_term_level_dbov = 10.0 * std::log10(c.energy / static_cast<double>(samples.size()));
  solve_level(c, samples.size(), out);
  return out;
}

Signal normalize_to_dbov(const Signal& s, double target_dbov, std::string_view source) {
  const SpeechLevel level = measure_speech_level(s);
  if (!level.has_speech())
    throw InputError(std::string(source), "", "cannot normalise: no active speech (P.56 activity factor 0)");
  const auto gain = static_cast<float>(std::pow(10.0, (target_dbov - level.active_level_dbov) / 20.0));
  Signal out{s.sample_rate_hz, s.samples};
  for (float& v : out.samples) v *= gain;
  return out;
}

std::vector<float> speech_envelope(std::span<const float> samples, int sample_rate_hz) {
  std::vector<float> out(samples.size());
  Envelope env(sample_rate_hz);
  std::transform(samples.begin(), samples.end(), out.begin(),
                 [&env](float x) { return static_cast<float>(env.step(x)); });
  return out;
}

std::vector<SampleRange> quiet_runs(std::span<const float> samples, int sample_rate_hz,
                                    double threshold_dbov) {
  const double threshold = std::pow(10.0, threshold_dbov / 20.0);
  std::vector<SampleRange> runs;
  Envelope env(sample_rate_hz);
  bool quiet = false;
  for (size_t i = 0; i < samples.size(); ++i) {
    const bool below = env.step(samples[i]) < threshold;
    if (below && !quiet) runs.push_back({i, i});
    if (below) runs.back().end = i + 1;
    quiet = below;
  }
  return runs;
}

}  // namespace callsim::audio
