#include "scoring/delay_search.h"

#include <algorithm>
#include <cmath>

#include "quality/pesq_fft.h"

namespace callsim::scoring {
namespace {

using quality::pesq_detail::cross_correlate;
using quality::pesq_detail::FftSet;

std::vector<double> envelope(const std::vector<double>& db, double threshold) {
  std::vector<double> e(db.size());
  for (size_t i = 0; i < db.size(); ++i) e[i] = std::max(0.0, db[i] - threshold);
  return e;
}

// Lag (frames) in [lo, hi] maximising the correlation coefficient of the reference envelope over
// frames [ref_first, ref_last) with the degraded envelope at that lag. Beyond its ends the
// degraded envelope is 0 (no speech there), so a window may hang over either end; `fallback`
// when nothing correlates.
struct Lag {
  long lag = 0;
  double correlation = 0;
};

Lag best_lag(FftSet& ffts, const std::vector<double>& r, const std::vector<double>& d, long ref_first,
             long ref_last, long lo, long hi, long fallback) {
  ref_first = std::clamp(ref_first, 0L, static_cast<long>(r.size()));
  ref_last = std::clamp(ref_last, ref_first, static_cast<long>(r.size()));
  const long n = ref_last - ref_first, nd = static_cast<long>(d.size());
  if (n < 2 || lo > hi) return {fallback, 0.0};
  std::vector<double> a(r.begin() + ref_first, r.begin() + ref_last);
  double mean = 0, spread_a = 0;
  for (double v : a) mean += v;
  mean /= static_cast<double>(n);
  for (double& v : a) v -= mean, spread_a += v * v;
  if (spread_a <= 0) return {fallback, 0.0};
  // b[i] = d[ref_first + lo + i], zero outside the file; running sums for each segment's spread
  std::vector<double> b(static_cast<size_t>(n + hi - lo)), s1(b.size() + 1, 0.0), s2(b.size() + 1, 0.0);
  for (size_t i = 0; i < b.size(); ++i) {
    const long j = ref_first + lo + static_cast<long>(i);
    b[i] = j >= 0 && j < nd ? d[static_cast<size_t>(j)] : 0.0;
    s1[i + 1] = s1[i] + b[i];
    s2[i + 1] = s2[i] + b[i] * b[i];
  }
  const std::vector<double> y = cross_correlate(ffts, a, b);  // index n - 1 + k: lag lo + k
  Lag best{fallback, 0.0};
  for (long k = 0; k <= hi - lo; ++k) {
    const double sum = s1[static_cast<size_t>(k + n)] - s1[static_cast<size_t>(k)];
    const double spread_b = s2[static_cast<size_t>(k + n)] - s2[static_cast<size_t>(k)] - sum * sum / static_cast<double>(n);
    if (spread_b <= 1e-9) continue;
    const double c = y[static_cast<size_t>(n - 1 + k)] / std::sqrt(spread_a * spread_b);
    if (c > best.correlation * (1.0 + 1e-12)) best = {lo + k, c};  // the first of (near-)equal maxima
  }
  return best;
}

}  // namespace

std::vector<double> search_delays(const FrameLevels& ref, const FrameLevels& deg, double deg_threshold_db,
                                  const std::vector<WindowFrames>& windows, std::optional<double> max_delay_s) {
  const std::vector<double> r = envelope(ref.db, ref.threshold_db), d = envelope(deg.db, deg_threshold_db);
  const long files = static_cast<long>(std::max(r.size(), d.size()));
  const long limit = max_delay_s ? std::lround(*max_delay_s / kFrameS) : files;
  FftSet ffts;
  const long global = best_lag(ffts, r, d, 0, static_cast<long>(r.size()), -limit, limit, 0).lag;
  const long near = std::lround(kNearSearchS / kFrameS), far = std::lround(kLocalSearchS / kFrameS);
  std::vector<double> out;
  long previous = global;
  for (const WindowFrames& w : windows) {
    // near the delay before first (speech often repeats a rhythm; a far lag must be needed)
    Lag found = best_lag(ffts, r, d, w.first, w.last, std::max(-limit, previous - near),
                         std::min(limit, previous + near), previous);
    if (found.correlation < kMinCorrelation) {
      found = best_lag(ffts, r, d, w.first, w.last, std::max(-limit, previous - far), std::min(limit, previous + far),
                       previous);
      if (found.correlation < kMinFarCorrelation) found.lag = previous;
    }
    previous = found.lag;
    out.push_back(static_cast<double>(previous) * kFrameS * 1000.0);
  }
  return out;
}

}  // namespace callsim::scoring
