// Utterance splitting (P.862 clause 10.1.3.3): an utterance with at least 800 ms of speech is
// tested at a series of breakpoints; the parts before and after each breakpoint are aligned
// separately, and the utterance is split at the breakpoint where the two parts' delays differ by
// at least one envelope block with the highest combined confidence, if both parts are more
// confident than the whole.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <span>
#include <unordered_map>

#include "quality/det_math.h"
#include "quality/large_block.h"
#include "quality/pesq_align.h"

namespace callsim::quality::pesq_detail {
namespace {

constexpr long kMinSplitSpeechBlocks = 200;  // 800 ms
constexpr long kMaxBreakpoints = 40;
constexpr long kMinBreakpointPad = 75;  // blocks kept clear of the speech edges

// Delay and confidence of one side of one breakpoint.
struct SideFit {
  long estimate = 0;  // envelope-based
  long delay = 0;
  double confidence = 0;
  bool evaluated = false;
};

// The chosen breakpoint (block) of an utterance and the fits of its two sides.
struct Split {
  bool found = false;
  long breakpoint = 0;
  SideFit before, after;
};

std::vector<long> breakpoints(const AlignContext& c, long speech_start, long speech_end) {
  const long len = speech_end - speech_start;
  const long delta = c.r.align_fft / (4 * c.r.block);
  const long step =
      static_cast<long>((0.801 * static_cast<double>(len) + 40.0 * delta - 1.0) / (40.0 * delta)) * delta;
  const long pad = std::max(len / 10, kMinBreakpointPad);
  std::vector<long> bps{speech_start + pad};
  while (static_cast<long>(bps.size()) < kMaxBreakpoints && bps.back() + step <= speech_end - pad)
    bps.push_back(bps.back() + step);
  return bps;
}

// The analysis window of the split search. In the Annex A reference implementation, whose
// results define conformance, this Hann window sits in a scratch buffer at offset 3N + 6
// (N = align_fft) that is written afterwards by the envelope cross-correlations of the
// breakpoints; a correlation longer than the offset overwrites the start of the window with its
// own values, and the conformance scores depend on it. The window is therefore rebuilt the same
// way: each correlation, in the order they are computed, overlays its values beyond the offset.
// Overlaid values are taken as they are in exact arithmetic: a value below 1e-5 of its
// correlation's peak is FFT rounding noise around an exact zero (the envelopes do not overlap at
// that lag) and becomes 0. Where that leaves nothing but zeros (an utterance with seconds of
// silence before or after its speech), the reference reads only its own single-precision
// rounding noise and its split decision is arbitrary (src/quality/README.md, "Where the
// reference is unstable"); the Recommendation's Hann window is used instead.
class SplitWindow {
 public:
  explicit SplitWindow(int n) : offset_(3L * n + 6), hann_(static_cast<size_t>(n)) {
    for (int i = 0; i < n; ++i) hann_[i] = 0.5 * (1.0 - detmath::cos_2pi(i, n));
    window_ = hann_;
  }
  void overlay(const std::vector<double>& corr) {
    double peak = 0;
    for (double v : corr) peak = std::max(peak, std::fabs(v));
    for (long k = 0; offset_ + k < static_cast<long>(corr.size()) && k < static_cast<long>(window_.size());
         ++k) {
      const double v = corr[offset_ + k];
      window_[k] = std::fabs(v) > kRoundingNoise * peak ? v : 0.0;
    }
  }
  std::span<const double> values() const {
    const bool all_zero = std::all_of(window_.begin(), window_.end(), [](double v) { return v == 0.0; });
    return all_zero ? hann_ : window_;
  }

 private:
  static constexpr double kRoundingNoise = 1e-5;  // relative to the correlation's peak
  long offset_;
  std::vector<double> hann_, window_;
};

constexpr size_t kMaxCachedSpectra = 1024;

// Storage for the cached reference spectra, one block for all split searches of one
// split_utterances call: reused from search to search, and as one LargeBlock its memory is
// faulted in as a few huge pages where the kernel offers them rather than as a page or two per
// spectrum (those faults were a quarter of the page faults of a `callsim score`).
class SpectrumPool {
 public:
  explicit SpectrumPool(int align_fft)
      : bins_(static_cast<size_t>(align_fft / 2 + 1)), block_(2 * kMaxCachedSpectra * bins_) {}
  size_t bins() const { return bins_; }
  Complex* slot(size_t i) { return reinterpret_cast<Complex*>(block_.data()) + i * bins_; }

 private:
  size_t bins_;
  LargeBlock block_;
};

// Windowed spectra of reference chunks by start sample, shared by all histograms of one split
// search (they differ only in the degraded chunks). Bounded so that long utterances cannot
// exhaust memory; beyond the bound spectra are recomputed.
class RefSpectra {
 public:
  RefSpectra(const AlignContext& c, std::span<const double> window, SpectrumPool& pool)
      : c_(c), transform_(c.r, c.ffts, window), pool_(pool) {}
  std::span<const Complex> at(long start) {
    auto it = cache_.find(start);
    if (it != cache_.end()) return {pool_.slot(it->second), pool_.bins()};
    const std::span<const Complex> s = transform_.spectrum(c_.ref.x.data() + start);
    if (cache_.size() >= kMaxCachedSpectra) {
      scratch_.assign(s.begin(), s.end());
      return scratch_;
    }
    const size_t i = cache_.size();
    std::copy(s.begin(), s.end(), pool_.slot(i));
    cache_.emplace(start, i);
    return {pool_.slot(i), pool_.bins()};
  }

 private:
  const AlignContext& c_;
  DelayHistogram transform_;  // used for its windowed transform only
  SpectrumPool& pool_;
  std::unordered_map<long, size_t> cache_;  // start sample -> pool slot
  std::vector<Complex> scratch_;
};

// Fits the part of the utterance before each breakpoint: one histogram per distinct envelope
// estimate, grown chunk by chunk from the utterance start and read out at each breakpoint.
void fit_before(const AlignContext& c, const Utterance& u, const std::vector<long>& bps,
                std::span<const double> window, RefSpectra& ref, std::vector<SideFit>& fit) {
  const long n = c.r.align_fft;
  std::map<long, bool> done;
  for (size_t first = 0; first < bps.size(); ++first) {
    const long est = fit[first].estimate;
    if (done[est]) continue;
    done[est] = true;
    DelayHistogram hist(c.r, c.ffts, window);
    long rs = u.start * c.r.block, ds = rs + est;
    if (ds < 0) rs = -est, ds = 0;
    for (size_t b = first; b < bps.size(); ++b) {
      if (fit[b].estimate != est) continue;
      for (; ds + n <= c.deg.length && rs + n <= bps[b] * c.r.block; rs += n / 4, ds += n / 4)
        hist.add(ref.at(rs), c.deg.x.data() + ds);
      const auto [offset, conf] = hist.peak();
      fit[b] = {est, est + offset, conf, true};
    }
  }
}

// Fits the part after each breakpoint (only where `wanted`), growing backwards from the end.
void fit_after(const AlignContext& c, const Utterance& u, const std::vector<long>& bps,
               std::span<const double> window, RefSpectra& ref, const std::vector<bool>& wanted,
               std::vector<SideFit>& fit) {
  const long n = c.r.align_fft;
  std::map<long, bool> done;
  for (long last = static_cast<long>(bps.size()) - 1; last >= 0; --last) {
    const long est = fit[last].estimate;
    if (!wanted[last] || done[est]) continue;
    done[est] = true;
    DelayHistogram hist(c.r, c.ffts, window);
    long rs = u.end * c.r.block - n, ds = rs + est;
    if (ds + n > c.deg.length) ds = c.deg.length - n, rs = ds - est;
    for (long b = last; b >= 0; --b) {
      if (!wanted[b] || fit[b].estimate != est) continue;
      for (; ds >= 0 && rs >= bps[b] * c.r.block; rs -= n / 4, ds -= n / 4)
        hist.add(ref.at(rs), c.deg.x.data() + ds);
      const auto [offset, conf] = hist.peak();
      fit[b] = {est, est + offset, conf, true};
    }
  }
}

Split best_split(const AlignContext& c, const Utterance& u, long speech_start, long speech_end,
                 SpectrumPool& pool) {
  const std::vector<long> bps = breakpoints(c, speech_start, speech_end);
  const size_t nb = bps.size();
  std::vector<SideFit> before(nb), after(nb);
  SplitWindow window(c.r.align_fft);
  std::vector<double> corr;
  for (size_t b = 0; b < nb; ++b) {
    before[b].estimate = refine_envelope_delay(c, u.start, bps[b], u.crude_delay, &corr);
    window.overlay(corr);
    after[b].estimate = refine_envelope_delay(c, bps[b], u.end, u.crude_delay, &corr);
    window.overlay(corr);
  }
  RefSpectra ref(c, window.values(), pool);
  fit_before(c, u, bps, window.values(), ref, before);
  std::vector<bool> wanted(nb);
  for (size_t b = 0; b < nb; ++b) wanted[b] = before[b].confidence > u.confidence;
  fit_after(c, u, bps, window.values(), ref, wanted, after);
  Split best;
  double best_conf = 0;
  for (size_t b = 0; b < nb; ++b) {
    if (!wanted[b] || after[b].confidence <= u.confidence) continue;
    if (std::labs(after[b].delay - before[b].delay) < c.r.block) continue;
    const double conf = before[b].confidence + after[b].confidence;
    if (conf > best_conf) best = {true, bps[b], before[b], after[b]}, best_conf = conf;
  }
  return best;
}

// Speech extent [first, last) of the reference activity inside the utterance.
std::pair<long, long> speech_extent(const AlignContext& c, const Utterance& u) {
  const std::vector<double>& vad = c.ref_env.activity;
  long s = u.start, e = u.end;
  while (s < u.end && vad[s] <= 0) ++s;
  while (e > u.start && vad[e] <= 0) --e;
  return {s, e + 1};
}

}  // namespace

void split_utterances(const AlignContext& c, std::vector<Utterance>& utts) {
  const long blk = c.r.block;
  SpectrumPool pool(c.r.align_fft);
  size_t id = 0;
  while (id < utts.size() && static_cast<long>(utts.size()) < kMaxUtterances) {
    const Utterance u = utts[id];
    const auto [speech_start, speech_end] = speech_extent(c, u);
    if (speech_end - speech_start < kMinSplitSpeechBlocks) {
      ++id;
      continue;
    }
    const Split s = best_split(c, u, speech_start, speech_end, pool);
    if (!s.found) {
      ++id;
      continue;
    }
    Utterance a = u, b = u;
    a.crude_delay = s.before.estimate, a.delay = s.before.delay, a.confidence = s.before.confidence;
    b.crude_delay = s.after.estimate, b.delay = s.after.delay, b.confidence = s.after.confidence;
    const long jump = b.delay - a.delay;
    a.end = jump < 0 ? s.breakpoint : s.breakpoint + jump / (2 * blk);
    b.start = jump < 0 ? s.breakpoint : s.breakpoint - jump / (2 * blk);
    if ((a.start - kMarginBlocks) * blk + a.delay < 0) a.start = kMarginBlocks + (blk - 1 - a.delay) / blk;
    if (b.end * blk + b.delay > c.deg.length - kMarginBlocks * blk)
      b.end = (c.deg.length - b.delay) / blk - kMarginBlocks;
    utts[id] = a;
    utts.insert(utts.begin() + static_cast<long>(id) + 1, b);
  }
}

}  // namespace callsim::quality::pesq_detail
