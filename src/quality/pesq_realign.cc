// Clauses 10.2.12 (zeroing frames after a negative delay jump) and 10.2.13 (realignment of bad
// intervals) of P.862.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "quality/pesq_score.h"

namespace callsim::quality::pesq_detail {
namespace {

constexpr double kBadFrame = 30.0;  // symmetric disturbance of a bad frame
constexpr long kSmearFrames = 2;
constexpr long kMinBadFrames = 5;  // shortest bad interval realigned
constexpr long kMaxBadIntervals = 1000;
constexpr long kSearchFrames = 4;        // search range, in frame lengths, on each side
constexpr double kMinCorrelation = 0.5;  // below this the interval keeps its delay

// A run of bad frames and the sample span (reference timeline) realigned for it.
struct BadInterval {
  long first_frame, end_frame;  // frames [first, end)
  long first_sample, end_sample;
  long delay = 0;
};

std::vector<BadInterval> find_bad_intervals(const FrameState& st, const RateSetup& r) {
  const long stop = st.stop_frame, half = r.frame / 2;
  std::vector<bool> bad(static_cast<size_t>(stop + 1)), smeared(static_cast<size_t>(stop + 1), false);
  for (long f = 0; f <= stop; ++f) bad[f] = st.dist.symmetric[f] > kBadFrame;
  bad[0] = false;
  for (long f = kSmearFrames; f < stop - kSmearFrames; ++f) {
    bool left = false, right = false;
    for (long i = 0; i <= kSmearFrames; ++i) left = left || bad[f - i], right = right || bad[f + i];
    smeared[f] = left && right;
  }
  std::vector<BadInterval> out;
  long f = 0;
  while (f <= stop && static_cast<long>(out.size()) < kMaxBadIntervals) {
    while (f <= stop && !smeared[f]) ++f;
    if (f > stop) break;
    const long first = f;
    while (f <= stop && smeared[f]) ++f;
    if (f <= stop && f - first >= kMinBadFrames)
      out.push_back({first, f, first * half + r.margin(), f * half + r.frame + r.margin()});
  }
  return out;
}

// The degraded signal with each utterance's delay applied, on the reference timeline.
Eigen::ArrayXd realigned_degraded(const Track& deg, const std::vector<Utterance>& utts, long max_length,
                                  const RateSetup& r) {
  const long n = max_length + r.padding();
  Eigen::ArrayXd out = Eigen::ArrayXd::Zero(n);
  for (long i = r.margin(); i < n - r.margin(); ++i) {
    const long j = std::clamp(i + utts[utterance_at(utts, i, r.block)].delay, r.margin(), n - r.margin() - 1);
    out[i] = deg.x[j];
  }
  return out;
}

long interval_delay(const Track& ref, const Eigen::ArrayXd& tweaked, const BadInterval& iv, long max_length,
                    const RateSetup& r, FftSet& ffts) {
  const long range = kSearchFrames * r.frame, len = iv.end_sample - iv.first_sample;
  std::vector<double> a(static_cast<size_t>(2 * range + len), 0.0), b(a.size());
  for (long i = 0; i < len; ++i) a[range + i] = ref.x[iv.first_sample + i];
  const long hi = max_length - r.margin() + r.padding() - 1;
  for (long i = 0; i < static_cast<long>(b.size()); ++i)
    b[i] = tweaked[std::clamp(iv.first_sample - range + i, r.margin(), hi)];
  const auto [lag, corr] = envelope_correlation_delay(a, b, range, ffts);
  return corr < kMinCorrelation ? 0 : lag;
}

}  // namespace

void skip_delay_jumps(const std::vector<Utterance>& utts, const RateSetup& r, FrameState& st) {
  const long half = r.frame / 2, blk = r.block;
  for (size_t u = 1; u < utts.size(); ++u) {
    const long start = (utts[u].start - kMarginBlocks) * blk;
    long first = std::min((start + utts[u].delay) / half,
                          ((utts[u - 1].end - kMarginBlocks) * blk + utts[u - 1].delay) / half);
    first = std::max(first, 0L);
    const long jump = utts[u].delay - utts[u - 1].delay;
    if (jump >= -half) continue;
    const long last = (start + std::labs(jump)) / half + 1;
    for (long f = first; f <= last && f < st.stop_frame; ++f)
      st.dist.symmetric[f] = st.dist.asymmetric[f] = 0;
  }
}

long realign_bad_intervals(const Track& ref, const Track& deg, const std::vector<Utterance>& utts,
                           const RateSetup& r, FftSet& ffts, FrameState& st) {
  std::vector<BadInterval> intervals = find_bad_intervals(st, r);
  if (intervals.empty()) return 0;
  const Eigen::ArrayXd tweaked = realigned_degraded(deg, utts, st.max_length, r);
  Eigen::ArrayXd twice = tweaked;
  for (BadInterval& iv : intervals) {
    iv.delay = interval_delay(ref, tweaked, iv, st.max_length, r, ffts);
    for (long i = iv.first_sample; i < iv.end_sample; ++i)
      twice[i] = tweaked[std::clamp(i + iv.delay, 0L, st.max_length - 1)];
  }
  twice.conservativeResizeLike(Eigen::ArrayXd::Zero(st.max_length + r.padding() + r.frame));
  FrameAnalyzer fa(r, ffts);
  FrameDisturbances redo{st.dist.symmetric, st.dist.asymmetric, st.dist.ref_power};
  for (const BadInterval& iv : intervals) {
    for (long f = iv.first_frame; f < iv.end_frame; ++f)
      fa.analyze(twice.data() + r.margin() + f * (r.frame / 2), st.deg.col(f));
    frame_disturbances(fa.scale(), st.ref, st.deg, iv.first_frame, iv.end_frame, redo);
    for (long f = iv.first_frame; f < iv.end_frame; ++f) {
      st.dist.symmetric[f] = std::min(st.dist.symmetric[f], redo.symmetric[f]);
      st.dist.asymmetric[f] = std::min(st.dist.asymmetric[f], redo.asymmetric[f]);
    }
  }
  return static_cast<long>(intervals.size());
}

std::pair<long, double> envelope_correlation_delay(std::span<const double> a, std::span<const double> b,
                                                   long range, FftSet& ffts) {
  const long n = static_cast<long>(a.size());
  const long size = next_pow2(2 * n);
  double ea = 0, eb = 0;
  for (long i = 0; i < n; ++i) ea += a[i] * a[i], eb += b[i] * b[i];
  // The silence test of the Recommendation is on the energy divided by the FFT length.
  if (ea / static_cast<double>(size) <= 1e-6 || eb / static_cast<double>(size) <= 1e-6) return {0, 0.0};
  RealFft& fft = ffts.get(static_cast<int>(size));
  std::vector<double> mag(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) mag[i] = std::fabs(a[i]);
  const std::span<const Complex> fa = fft.forward(mag);
  const std::vector<Complex> spec_a(fa.begin(), fa.end());
  for (long i = 0; i < n; ++i) mag[i] = std::fabs(b[i]);
  fft.forward(mag);
  std::span<Complex> s = fft.spectrum();
  for (size_t k = 0; k < s.size(); ++k) s[k] = multiply_conj(s[k], spec_a[k]);
  const std::span<const double> y = fft.inverse();
  const double norm = std::sqrt(ea * eb);
  long best = 0;
  double top = 0;
  for (long lag = -range; lag < range; ++lag) {
    const double h = std::fabs(y[static_cast<size_t>(lag < 0 ? lag + size : lag)]) / norm;
    if (h > top) top = h, best = lag;
  }
  return {best, top};
}

}  // namespace callsim::quality::pesq_detail
