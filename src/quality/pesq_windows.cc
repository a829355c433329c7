// Windowed P.862 scoring of long calls (score_windows in pesq.h).
//
// P.862 is defined for 8-12 s of speech. A call is cut into consecutive reference windows of
// about window_s; each interior cut is moved to the quietest 20 ms of the reference within
// boundary_search_s of its nominal place (so cuts fall in pauses), and a last window shorter than
// half a window joins its predecessor. Each reference window is scored against the degraded
// signal over the same span widened by margin_s on both sides, so that P.862's own time
// alignment finds the delay (up to margin_s) inside each window. Windows whose reference has less
// than min_speech_s of speech activity are reported but not scored.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

constexpr double kFrameS = 0.010;           // activity frame
constexpr double kRelativeFloorDb = 35.0;   // active: within this of the loud frames' level
constexpr double kAbsoluteFloorDb = -70.0;  // and above this (dBFS, sine peak = 0 dB)

// Level (dB re full scale) of each 10 ms reference frame.
std::vector<double> frame_levels(const audio::Signal& s) {
  const size_t n = static_cast<size_t>(std::lround(kFrameS * s.sample_rate_hz));
  std::vector<double> out;
  for (size_t i = 0; i + n <= s.samples.size(); i += n) {
    double e = 0;
    for (size_t j = i; j < i + n; ++j) e += static_cast<double>(s.samples[j]) * s.samples[j];
    out.push_back(10.0 * std::log10(2.0 * e / static_cast<double>(n) + 1e-20));
  }
  return out;
}

// Activity per frame: above the absolute floor and within kRelativeFloorDb of the 95th
// percentile frame level of the whole call.
std::vector<bool> frame_activity(const std::vector<double>& levels) {
  std::vector<bool> active(levels.size(), false);
  if (levels.empty()) return active;
  std::vector<double> sorted = levels;
  const size_t p95 = static_cast<size_t>(0.95 * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(p95), sorted.end());
  const double threshold = std::max(kAbsoluteFloorDb, sorted[p95] - kRelativeFloorDb);
  for (size_t f = 0; f < levels.size(); ++f) active[f] = levels[f] > threshold;
  return active;
}

// Window edges in frames: each a window length after the previous one, moved to the quietest
// pair of frames nearby; the last window is between half and one and a half windows long.
std::vector<size_t> window_edges(const std::vector<double>& levels, const PesqWindowOptions& o) {
  const size_t frames = levels.size();
  const size_t w = std::max<size_t>(1, static_cast<size_t>(std::lround(o.window_s / kFrameS)));
  const size_t search = static_cast<size_t>(std::lround(o.boundary_search_s / kFrameS));
  std::vector<size_t> edges{0};
  while (edges.back() + w + w / 2 < frames) {
    const size_t nominal = edges.back() + w;
    const size_t lo = std::max(edges.back() + w / 2, nominal - std::min(nominal, search));
    const size_t hi = std::min(nominal + search, frames - 2);
    size_t best = nominal;
    double quietest = 1e300;
    for (size_t f = lo; f <= hi; ++f) {
      const double e = std::pow(10.0, levels[f] / 10.0) + std::pow(10.0, levels[f + 1] / 10.0);
      if (e < quietest) quietest = e, best = f + 1;
    }
    edges.push_back(best);
  }
  edges.push_back(frames);
  return edges;
}

audio::Signal slice(const audio::Signal& s, double from_s, double to_s) {
  const auto clampi = [&](double t) {
    return static_cast<size_t>(
        std::clamp<long>(std::lround(t * s.sample_rate_hz), 0, static_cast<long>(s.samples.size())));
  };
  const size_t a = clampi(from_s), b = clampi(to_s);
  return {s.sample_rate_hz, std::vector<float>(s.samples.begin() + static_cast<long>(a),
                                               s.samples.begin() + static_cast<long>(std::max(a, b)))};
}

}  // namespace

PesqTimeline score_windows(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode,
                           const PesqWindowOptions& o, const PesqInputNames& names) {
  if (ref.sample_rate_hz != deg.sample_rate_hz)
    throw InputError(names.degraded, "",
                     "sample rate " + std::to_string(deg.sample_rate_hz) +
                         " Hz differs from the reference's " + std::to_string(ref.sample_rate_hz) + " Hz");
  PesqTimeline t;
  t.mode = mode;
  t.sample_rate_hz = ref.sample_rate_hz;
  const std::vector<double> levels = frame_levels(ref);
  const std::vector<bool> active = frame_activity(levels);
  const std::vector<size_t> edges = window_edges(levels, o);
  double weighted_raw = 0, weighted_mos = 0;
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    PesqWindow w;
    w.start_s = static_cast<double>(edges[i]) * kFrameS;
    w.end_s = i + 2 == edges.size() ? ref.duration_seconds() : static_cast<double>(edges[i + 1]) * kFrameS;
    const long speech_frames = std::count(active.begin() + static_cast<long>(edges[i]),
                                          active.begin() + static_cast<long>(edges[i + 1]), true);
    const double speech_s = static_cast<double>(speech_frames) * kFrameS;
    w.speech_fraction = w.end_s > w.start_s ? std::min(1.0, speech_s / (w.end_s - w.start_s)) : 0.0;
    if (speech_s < o.min_speech_s) {
      w.note = "less than " + std::to_string(o.min_speech_s).substr(0, 4) + " s of reference speech";
    } else {
      try {
        const PesqResult r = pesq(slice(ref, w.start_s, w.end_s),
                                  slice(deg, w.start_s - o.margin_s, w.end_s + o.margin_s), mode, names);
        w.scored = true;
        w.raw = r.raw;
        w.mos_lqo = r.mos_lqo;
        ++t.scored_windows;
        t.speech_s += speech_s;
        weighted_raw += speech_s * r.raw;
        weighted_mos += speech_s * r.mos_lqo;
      } catch (const InputError& e) {
        w.note = e.message();
      }
    }
    t.windows.push_back(w);
  }
  if (t.speech_s > 0) {
    t.raw = weighted_raw / t.speech_s;
    t.mos_lqo = weighted_mos / t.speech_s;
  }
  return t;
}

}  // namespace callsim::quality
