#include "quality/pesq_align.h"

#include <algorithm>
#include <cmath>

#include "quality/det_math.h"

namespace callsim::quality::pesq_detail {

DelayHistogram::DelayHistogram(const RateSetup& r, FftSet& ffts, std::span<const double> window)
    : r_(r),
      fft_(ffts.get(r.align_fft)),
      window_(window.begin(), window.end()),
      hist_(r.align_fft, 0.0),
      chunk_(r.align_fft) {
  const int n = r.align_fft, kernel = n / 64;
  for (int k = 1 - kernel; k < kernel; ++k) weights_.push_back(1.0 - std::abs(k) / static_cast<double>(kernel));
  if (!window_.empty()) return;
  window_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) window_[i] = 0.5 * (1.0 - detmath::cos_2pi(i, n));
}

std::span<const Complex> DelayHistogram::spectrum(const double* x) {
  for (int i = 0; i < r_.align_fft; ++i) chunk_[i] = x[i] * window_[i];
  return fft_.forward(chunk_);
}

void DelayHistogram::add(const double* ref, const double* deg) {
  const std::span<const Complex> rs = spectrum(ref);
  ref_spec_.assign(rs.begin(), rs.end());
  add(ref_spec_, deg);
}

void DelayHistogram::add(std::span<const Complex> ref_spectrum, const double* deg) {
  const int n = r_.align_fft;
  spectrum(deg);
  std::span<Complex> s = fft_.spectrum();
  for (size_t k = 0; k < s.size(); ++k) s[k] = multiply_conj(s[k], ref_spectrum[k]);
  const std::span<const double> xc = fft_.inverse();
  double peak = 0;
  for (double v : xc) peak = std::max(peak, std::fabs(v));
  peak *= 0.99;
  const double vote = detmath::pow(peak, 0.125);
  const int kernel = n / 64;  // triangular smoothing over +-kernel lags (weights_[k + kernel - 1])
  for (int lag = 0; lag < n; ++lag) {
    if (std::fabs(xc[lag]) <= peak) continue;
    total_ += vote;
    for (int k = 1 - kernel; k < kernel; ++k) {
      const int i = lag + k;
      hist_[i < 0 ? i + n : i >= n ? i - n : i] += vote * weights_[k + kernel - 1];
    }
  }
}

std::pair<long, double> DelayHistogram::peak() const {
  const long n = r_.align_fft;
  long best = 0;
  double top = 0;
  for (long i = 0; i < n; ++i)
    if (hist_[i] > top) top = hist_[i], best = i;
  if (best >= n / 2) best -= n;
  return {best, total_ > 0 ? top / total_ : 0.0};
}

long envelope_lag(const AlignContext& c, long ref_start, long nr, long deg_start, long nd,
                  std::vector<double>* corr) {
  if (corr) corr->clear();
  if (nr <= 1 || nd <= 1) return 0;
  std::vector<double> y = cross_correlate(c.ffts, {c.ref_env.log_envelope.data() + ref_start, size_t(nr)},
                                          {c.deg_env.log_envelope.data() + deg_start, size_t(nd)});
  long best = nr - 1;
  double top = 0;
  for (long k = 0; k < static_cast<long>(y.size()); ++k)
    if (y[k] > top) top = y[k], best = k;
  if (corr) *corr = std::move(y);
  return best - nr + 1;
}

long crude_delay(const AlignContext& c) {
  const long nr = static_cast<long>(c.ref_env.log_envelope.size());
  const long nd = static_cast<long>(c.deg_env.log_envelope.size());
  return envelope_lag(c, 0, nr, 0, nd) * c.r.block;
}

long refine_envelope_delay(const AlignContext& c, long search_start, long search_end, long estimate,
                           std::vector<double>* corr) {
  const long deg_blocks = static_cast<long>(c.deg_env.log_envelope.size());
  long ref_start = search_start;
  long deg_start = ref_start + estimate / c.r.block;
  if (deg_start < 0) {
    ref_start = -estimate / c.r.block;
    deg_start = 0;
  }
  const long nr = search_end - ref_start;
  const long nd = std::min(nr, deg_blocks - deg_start);
  return envelope_lag(c, ref_start, nr, deg_start, nd, corr) * c.r.block + estimate;
}

namespace {

// Fine delay over a search window (clause 10.1.3.2): chunks from the window start while both
// chunks fit (reference up to the window end, degraded up to its length).
std::pair<long, double> fine_delay(const AlignContext& c, long search_start, long search_end, long estimate) {
  const long n = c.r.align_fft;
  long rs = search_start * c.r.block;
  long ds = rs + estimate;
  if (ds < 0) {
    rs = -estimate;
    ds = 0;
  }
  DelayHistogram hist(c.r, c.ffts);
  for (; ds + n <= c.deg.length && rs + n <= search_end * c.r.block; rs += n / 4, ds += n / 4)
    hist.add(c.ref.x.data() + rs, c.deg.x.data() + ds);
  const auto [offset, confidence] = hist.peak();
  return {estimate + offset, confidence};
}

// Places the utterance boundaries: first/last at the margins, neighbours meet half-way, then
// bounds are adjusted so that no utterance reads outside the degraded file and neighbours do not
// overlap once their delays are applied.
void place_bounds(const AlignContext& c, std::vector<Utterance>& u) {
  const long blk = c.r.block, n = static_cast<long>(u.size());
  const long blocks = static_cast<long>(c.ref_env.activity.size());
  u.front().start = kMarginBlocks;
  u.back().end = blocks - kMarginBlocks;
  for (long i = 1; i < n; ++i) {
    const long mid = (u[i].start + u[i - 1].end) / 2;
    u[i].start = mid;
    u[i - 1].end = mid;
  }
  if (u.front().start * blk + u.front().delay < kMarginBlocks * blk)
    u.front().start = kMarginBlocks + (blk - 1 - u.front().delay) / blk;
  if (u.back().end * blk + u.back().delay > c.deg.length - kMarginBlocks * blk)
    u.back().end = (c.deg.length - u.back().delay) / blk - kMarginBlocks;
  for (long i = 1; i < n; ++i) {
    const long s = u[i].start * blk + u[i].delay;
    const long e = u[i - 1].end * blk + u[i - 1].delay;
    if (s < e) {
      const long mid = (s + e) / 2;
      u[i].start = (blk - 1 + mid - u[i].delay) / blk;
      u[i - 1].end = (mid - u[i - 1].delay) / blk;
    }
  }
}

}  // namespace

std::vector<std::pair<long, long>> speech_runs(const AlignContext& c, long crude) {
  const std::vector<double>& vad = c.ref_env.activity;
  const long n = static_cast<long>(vad.size()), blk = c.r.block;
  const long deg_first = kMinUtteranceBlocks - crude / blk;
  const long deg_last = (c.deg.length - crude) / blk - kMinUtteranceBlocks;
  std::vector<std::pair<long, long>> runs;
  bool in_speech = false;
  long start = 0;
  for (long i = 0; i < n; ++i) {
    if (vad[i] > 0 && !in_speech) in_speech = true, start = i;
    if ((vad[i] == 0 || i == n - 1) && in_speech) {
      in_speech = false;
      if (i - start >= kMinUtteranceBlocks && start < deg_last && i > deg_first) runs.emplace_back(start, i);
    }
  }
  return runs;
}

std::vector<Utterance> align_utterances(const AlignContext& c, long crude) {
  const long blocks = static_cast<long>(c.ref_env.activity.size());
  std::vector<Utterance> utts;
  for (const auto& [start, end] : speech_runs(c, crude)) {
    Utterance u;
    u.start = start;
    u.end = end;
    u.search_start = std::max(0L, start - kMarginBlocks);
    u.search_end = std::min(blocks - 1, end + kMarginBlocks);
    u.crude_delay = refine_envelope_delay(c, u.search_start, u.search_end, crude);
    std::tie(u.delay, u.confidence) = fine_delay(c, u.search_start, u.search_end, u.crude_delay);
    utts.push_back(u);
  }
  if (utts.empty()) return utts;
  place_bounds(c, utts);
  split_utterances(c, utts);
  return utts;
}

}  // namespace callsim::quality::pesq_detail
