#include "jitter/time_stretcher.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

namespace {
constexpr double kQuietEnergyRatio = 8.0;  // vs background energy (NetEq's passive speech rule)
constexpr double kQuietCapRms = 0.01;      // -40 dBFS: never quiet above
constexpr double kQuietFloorRms = 0.001;   // -60 dBFS: always quiet below (the background level
                                           // may be unknown or digital silence)
constexpr double kCandidateRatio = 0.5;    // coarse peaks worth refining, vs the best
constexpr double kOctaveTolerance = 0.95;  // shortest refined peak within this of the best
}  // namespace

TimeStretcher::TimeStretcher(int sample_rate_hz, TimeStretchConfig config)
    : rate_(sample_rate_hz),
      config_(config),
      min_lag_(std::max(2, static_cast<int>(std::lround(config.min_pitch_ms * sample_rate_hz / 1000.0)))),
      max_lag_(static_cast<int>(std::lround(config.max_pitch_ms * sample_rate_hz / 1000.0))),
      min_input_(2 * std::max(min_lag_ + 1,
                              static_cast<int>(std::lround(config.min_splice_ms * sample_rate_hz / 1000.0)))),
      decimation_(std::max(1, sample_rate_hz / 4000)) {
  if (max_lag_ <= min_lag_)
    throw std::invalid_argument("TimeStretcher: max_pitch_ms must exceed min_pitch_ms");
}

// Normalised correlation of x[start, start+length) with x[start-lag, start-lag+length).
double TimeStretcher::correlation(std::span<const float> x, int start, int lag, int length) const {
  double xy = 0, xx = 0, yy = 0;
  for (int n = 0; n < length; ++n) {
    const double a = x[static_cast<size_t>(start + n)], b = x[static_cast<size_t>(start + n - lag)];
    xy += a * b;
    xx += a * a;
    yy += b * b;
  }
  return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0.0;
}

TimeStretcher::Pitch TimeStretcher::find_pitch(std::span<const float> x) const {
  if (x.size() < static_cast<size_t>(input_samples()))
    throw std::invalid_argument("TimeStretcher: input too short");
  return find_pitch(x, max_lag_);
}

// Pitch at splice point s (lags up to s) of x[0, 2s).
TimeStretcher::Pitch TimeStretcher::find_pitch(std::span<const float> x, int s) const {
  // Box-car decimation to ~4 kHz.
  const int d = decimation_, nd = 2 * s / d;
  std::vector<float> xd(static_cast<size_t>(nd));
  for (int m = 0; m < nd; ++m) {
    float acc = 0;
    for (int k = 0; k < d; ++k) acc += x[static_cast<size_t>(m * d + k)];
    xd[static_cast<size_t>(m)] = acc / static_cast<float>(d);
  }
  const int sd = s / d, lo = std::max(1, min_lag_ / d), hi = std::min(sd, (s + d - 1) / d);
  std::vector<double> c(static_cast<size_t>(hi + 2), -1.0);
  double best = -1.0;
  for (int lag = lo; lag <= hi; ++lag) {
    c[static_cast<size_t>(lag)] = correlation(xd, sd, lag, nd - sd);
    best = std::max(best, c[static_cast<size_t>(lag)]);
  }
  // Refine every strong coarse peak at the full rate, then take the shortest period whose
  // refined correlation is close to the best (a coarse grid can favour a multiple of the period).
  std::vector<Pitch> candidates;
  double best_full = -2.0;
  for (int lag = lo; lag <= hi; ++lag) {
    const double v = c[static_cast<size_t>(lag)];
    if (v < kCandidateRatio * best || v <= c[static_cast<size_t>(lag - 1)] ||
        v < c[static_cast<size_t>(lag + 1)])
      continue;
    Pitch refined{lag * d, -2.0};
    for (int l = std::max(min_lag_, lag * d - d); l <= std::min(s, lag * d + d); ++l) {
      const double full = correlation(x, s, l, s);
      if (full > refined.correlation) refined = {l, full};
    }
    candidates.push_back(refined);
    best_full = std::max(best_full, refined.correlation);
  }
  Pitch p{lo * d, 0.0};
  for (const Pitch& cand : candidates)
    if (cand.correlation >= kOctaveTolerance * best_full) {
      p = cand;
      break;
    }
  p.correlation = correlation(x, s, p.lag, p.lag);  // the two periods that would be spliced
  return p;
}

int TimeStretcher::splice_point(std::span<const float> x) const {
  if (x.size() < static_cast<size_t>(min_input_samples()))
    throw std::invalid_argument("TimeStretcher: input too short");
  return std::min(max_lag_, static_cast<int>(x.size() / 2));
}

bool TimeStretcher::quiet(std::span<const float> x, int from, int to, double background_rms) {
  double e = 0;
  for (int i = from; i < to; ++i)
    e += static_cast<double>(x[static_cast<size_t>(i)]) * x[static_cast<size_t>(i)];
  const double power = e / std::max(1, to - from);
  const double limit =
      std::max(kQuietEnergyRatio * background_rms * background_rms, kQuietFloorRms * kQuietFloorRms);
  return power <= limit && power <= kQuietCapRms * kQuietCapRms;
}

int TimeStretcher::splice_length(std::span<const float> x, int s, double background_rms, int max_change,
                                 bool quiet_only, bool fast, Result& r) const {
  r.low_energy = quiet(x, 0, 2 * s, background_rms);
  if (r.low_energy) {
    const int len = std::min(max_change, s);
    return len >= min_lag_ ? len : 0;
  }
  if (quiet_only) return 0;
  const Pitch p = find_pitch(x, s);
  r.lag = p.lag;
  if (p.correlation < config_.correlation_threshold || p.lag > max_change) return 0;
  int len = p.lag;
  if (fast) {
    const int k = std::min(s, max_change) / p.lag;
    if (k > 1 && correlation(x, s, k * p.lag, k * p.lag) >= config_.correlation_threshold) len = k * p.lag;
  }
  return len;
}

TimeStretcher::Result TimeStretcher::accelerate(std::span<const float> x, double background_rms, bool fast,
                                                int max_change, bool quiet_only) const {
  const int s = splice_point(x), n = 2 * s;
  Result r;
  const int len = splice_length(x, s, background_rms, max_change, quiet_only, fast, r);
  if (len == 0) return r;
  for (int i = 0; i < s - len; ++i) r.source.push_back(i), r.spliced.push_back(0);
  for (int j = 0; j < len; ++j) r.source.push_back(s + j), r.spliced.push_back(1);
  for (int i = s + len; i < n; ++i) r.source.push_back(i), r.spliced.push_back(0);
  r.output.resize(r.source.size());
  for (size_t i = 0; i < r.output.size(); ++i) r.output[i] = x[static_cast<size_t>(r.source[i])];
  for (int j = 0; j < len; ++j) {
    const double w = (j + 0.5) / len;  // 0 -> 1: from x[s-len+j] to x[s+j]
    r.output[static_cast<size_t>(s - len + j)] = static_cast<float>(
        (1.0 - w) * x[static_cast<size_t>(s - len + j)] + w * x[static_cast<size_t>(s + j)]);
  }
  r.applied = true;
  r.change = len;
  return r;
}

TimeStretcher::Result TimeStretcher::preemptive_expand(std::span<const float> x, double background_rms,
                                                       int max_change, bool quiet_only, bool multi) const {
  const int s = splice_point(x), n = 2 * s;
  Result r;
  const int len = splice_length(x, s, background_rms, max_change, quiet_only, multi, r);
  if (len == 0) return r;
  for (int i = 0; i < s; ++i) r.source.push_back(i), r.spliced.push_back(0);
  for (int j = 0; j < len; ++j) r.source.push_back(s - len + j), r.spliced.push_back(1);
  for (int i = s; i < n; ++i) r.source.push_back(i), r.spliced.push_back(0);
  r.output.resize(r.source.size());
  for (size_t i = 0; i < r.output.size(); ++i) r.output[i] = x[static_cast<size_t>(r.source[i])];
  for (int j = 0; j < len; ++j) {
    const double w =
        (j + 0.5) / len;  // 0 -> 1: from x[s+j] (continues x[s-1]) to x[s-len+j] (leads into x[s])
    r.output[static_cast<size_t>(s + j)] = static_cast<float>((1.0 - w) * x[static_cast<size_t>(s + j)] +
                                                              w * x[static_cast<size_t>(s - len + j)]);
  }
  r.applied = true;
  r.change = len;
  return r;
}

}  // namespace callsim::jitter
