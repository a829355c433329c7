#include "quality/pesq_vad.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "quality/det_math.h"

namespace callsim::quality::pesq_detail {
namespace {

constexpr int kThresholdIterations = 12;
constexpr long kMinBurstBlocks = 4;  // bursts of at most 16 ms are not speech
constexpr long kJoinGapBlocks = 50;  // gaps of at most 200 ms inside speech are bridged

// Adaptive speech threshold: iterate mean + 2 sigma of the blocks currently below it.
double noise_threshold(const std::vector<double>& p) {
  double thr = 0;
  for (double v : p) thr += v;
  thr /= static_cast<double>(p.size());
  for (int it = 0; it < kThresholdIterations; ++it) {
    double mean = 0, var = 0;
    long n = 0;
    for (double v : p)
      if (v <= thr) mean += v, ++n;
    if (n > 0) {
      mean /= static_cast<double>(n);
      for (double v : p)
        if (v <= thr) var += (v - mean) * (v - mean);
      var = std::sqrt(var / static_cast<double>(n));
    }
    thr = 1.001 * (mean + 2.0 * var);
  }
  return thr;
}

// Calls f(start, end) for every run of positive values [start, end) that is followed by a
// non-positive value (a run reaching the last block is never closed).
void for_each_burst(std::vector<double>& v, const std::function<void(long, long)>& f) {
  long start = 0;
  for (long c = 1; c < static_cast<long>(v.size()); ++c) {
    if (v[c] > 0 && v[c - 1] <= 0) start = c;
    if (v[c] <= 0 && v[c - 1] > 0) f(start, c);
  }
}

// Onset/offset ramps: two blocks before an onset get 10% and 30% of its power, the two blocks
// after an offset 30% and 10% of the last speech block.
void add_ramps(std::vector<double>& v) {
  const long n = static_cast<long>(v.size());
  long c = 3;
  while (c < n - 2) {
    if (v[c] > 0 && v[c - 2] <= 0) {
      v[c - 2] = v[c] * 0.1;
      v[c - 1] = v[c] * 0.3;
      ++c;
    }
    if (v[c] <= 0 && v[c - 1] > 0) {
      v[c] = v[c - 1] * 0.3;
      v[c + 1] = v[c - 1] * 0.1;
      c += 3;
    }
    ++c;
  }
}

// Mean power of each block, floored at 1e-4 of the loudest block (1 for a silent signal).
std::vector<double> block_powers(const Track& t, const RateSetup& r, double& floor) {
  const long n = t.length / r.block;
  std::vector<double> v(static_cast<size_t>(n));
  for (long c = 0; c < n; ++c) {
    double sum = 0;
    for (long i = c * r.block; i < (c + 1) * r.block; ++i) sum += t.x[i] * t.x[i];
    v[c] = sum / r.block;
  }
  const double peak = *std::max_element(v.begin(), v.end());
  floor = peak > 0 ? peak * 1.0e-4 : 1.0;
  for (double& p : v) p = std::max(p, floor);
  return v;
}

// Marks blocks at or below the threshold as non-speech (negative); returns whether the recording
// is clean (mean speech power at least 1000 times the mean noise power). `thr` becomes -1 when no
// block exceeds it.
bool mark_speech(std::vector<double>& v, double& thr) {
  double sig = 0, noise = 0;
  long n_sig = 0;
  for (double p : v) {
    if (p > thr) {
      sig += p;
      ++n_sig;
    } else {
      noise += p;
    }
  }
  const long n = static_cast<long>(v.size());
  if (n_sig > 0)
    sig /= static_cast<double>(n_sig);
  else
    thr = -1.0;
  noise = n_sig < n ? noise / static_cast<double>(n - n_sig) : 1.0;
  for (double& p : v)
    if (p <= thr) p = -p;
  return sig >= noise * 1000.0;
}

// Drops bursts of at most 16 ms and, in a clean recording, bursts weak on average (below 3 times
// the threshold).
void drop_bursts(std::vector<double>& v, double thr, bool clean) {
  auto unmark = [&v](long s, long e) {
    for (long i = s; i < e; ++i) v[i] = -v[i];
  };
  for_each_burst(v, [&](long s, long e) {
    if (e - s <= kMinBurstBlocks) unmark(s, e);
  });
  if (!clean) return;
  for_each_burst(v, [&](long s, long e) {
    double sum = 0;
    for (long i = s; i < e; ++i) sum += v[i];
    if (sum < 3.0 * thr * static_cast<double>(e - s)) unmark(s, e);
  });
}

// Bridges gaps of at most 200 ms between bursts with `fill`; returns whether any onset exists.
bool bridge_gaps(std::vector<double>& v, double fill) {
  long finish = 0;
  bool any_onset = false;
  for (long c = 1; c < static_cast<long>(v.size()); ++c) {
    if (v[c] > 0 && v[c - 1] <= 0) {
      any_onset = true;
      if (finish > 0 && c - finish <= kJoinGapBlocks) std::fill(v.begin() + finish, v.begin() + c, fill);
    }
    if (v[c] <= 0 && v[c - 1] > 0) finish = c;
  }
  return any_onset;
}

}  // namespace

Envelope speech_envelope(const Track& t, const RateSetup& r) {
  double floor = 0;
  std::vector<double> v = block_powers(t, r, floor);
  double thr = noise_threshold(v);
  const bool clean = mark_speech(v, thr);  // sign encodes the decision from here on
  v.front() = v.back() = -floor;
  drop_bursts(v, thr, clean);
  if (!bridge_gaps(v, floor)) {  // no speech onset at all: treat everything as speech
    for (double& p : v) p = std::fabs(p);
    v.front() = v.back() = -floor;
  }
  add_ramps(v);
  for (double& p : v) p = std::max(p, 0.0);
  if (thr <= 0) thr = floor;

  Envelope env;
  env.log_envelope.resize(v.size());
  for (size_t c = 0; c < v.size(); ++c) env.log_envelope[c] = v[c] <= thr ? 0.0 : detmath::log(v[c] / thr);
  env.activity = std::move(v);
  return env;
}

}  // namespace callsim::quality::pesq_detail
