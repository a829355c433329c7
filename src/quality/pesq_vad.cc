#include "quality/pesq_vad.h"

#include <algorithm>
#include <cmath>
#include <functional>

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

}  // namespace

Envelope speech_envelope(const Track& t, const RateSetup& r) {
  const long n = t.length / r.block;
  std::vector<double> v(static_cast<size_t>(n));
  for (long c = 0; c < n; ++c) v[c] = t.x.segment(c * r.block, r.block).square().sum() / r.block;
  const double peak = *std::max_element(v.begin(), v.end());
  const double floor = peak > 0 ? peak * 1.0e-4 : 1.0;
  for (double& p : v) p = std::max(p, floor);
  double thr = noise_threshold(v);

  // Speech and noise levels; sign encodes the decision from here on (negative = not speech).
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
  if (n_sig > 0)
    sig /= static_cast<double>(n_sig);
  else
    thr = -1.0;
  noise = n_sig < n ? noise / static_cast<double>(n - n_sig) : 1.0;
  for (double& p : v)
    if (p <= thr) p = -p;
  v.front() = v.back() = -floor;

  auto unmark = [&v](long s, long e) {
    for (long i = s; i < e; ++i) v[i] = -v[i];
  };
  for_each_burst(v, [&](long s, long e) {
    if (e - s <= kMinBurstBlocks) unmark(s, e);
  });
  if (sig >= noise * 1000.0) {  // clean recording: drop bursts that are weak on average
    for_each_burst(v, [&](long s, long e) {
      double sum = 0;
      for (long i = s; i < e; ++i) sum += v[i];
      if (sum < 3.0 * thr * static_cast<double>(e - s)) unmark(s, e);
    });
  }
  long finish = 0;
  bool any_onset = false;
  for (long c = 1; c < n; ++c) {
    if (v[c] > 0 && v[c - 1] <= 0) {
      any_onset = true;
      if (finish > 0 && c - finish <= kJoinGapBlocks) std::fill(v.begin() + finish, v.begin() + c, floor);
    }
    if (v[c] <= 0 && v[c - 1] > 0) finish = c;
  }
  if (!any_onset) {  // no speech onset found: treat everything as speech
    for (double& p : v) p = std::fabs(p);
    v.front() = v.back() = -floor;
  }
  add_ramps(v);
  for (double& p : v) p = std::max(p, 0.0);
  if (thr <= 0) thr = floor;

  Envelope env;
  env.log_envelope.resize(v.size());
  for (size_t c = 0; c < v.size(); ++c) env.log_envelope[c] = v[c] <= thr ? 0.0 : std::log(v[c] / thr);
  env.activity = std::move(v);
  return env;
}

}  // namespace callsim::quality::pesq_detail
