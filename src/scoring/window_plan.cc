#include "scoring/window_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/error.h"
#include "quality/det_math.h"

namespace callsim::scoring {
namespace {

constexpr double kBoundarySearchS = 2.0;

std::string fmt(const char* f, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

constexpr double kMaxWindowTimeS = 86400.0;

// t on the 10 ms grid, as its text form reads back.
double snap(double t) { return std::strtod(fmt("%.2f", t).c_str(), nullptr); }

double number(const std::string& s, const std::string& option, const std::string& item) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    throw InputError(option, item, "'" + s + "' is not a number");
  return v;
}

DelayHint parse_delay(const std::string& text, const std::string& option, const std::string& item) {
  const size_t colon = text.find(':');
  DelayHint d;
  d.min_ms = number(text.substr(0, colon), option, item);
  d.max_ms = colon == std::string::npos ? d.min_ms : number(text.substr(colon + 1), option, item);
  if (d.max_ms < d.min_ms) throw InputError(option, item, "delay range must be MIN:MAX with MIN <= MAX");
  // Used as whole milliseconds: 12.5 was taken as 12 without a word.
  if (d.min_ms != std::floor(d.min_ms) || d.max_ms != std::floor(d.max_ms))
    throw InputError(option, item, "delays are whole milliseconds (give MIN:MAX around a fractional delay)");
  if (std::fabs(d.min_ms) > 3.6e6 || std::fabs(d.max_ms) > 3.6e6)
    throw InputError(option, item, "delay beyond an hour");
  return d;
}

WindowSpec parse_window(const std::string& item, const std::string& option) {
  const size_t at = item.find('@');
  const std::string span = item.substr(0, at);
  const size_t colon = span.find(':');
  if (colon == std::string::npos) throw InputError(option, item, "a window is START:END (seconds; END may be 'end')");
  WindowSpec w;
  w.start_s = number(span.substr(0, colon), option, item);
  const std::string end = span.substr(colon + 1);
  if (end != "end") w.end_s = number(end, option, item);
  if (w.start_s < 0) throw InputError(option, item, "window starts before 0 s");
  // No audio file is longer (2^29 frames at 8 kHz or more is under 19 h); a start of 1e92 s was
  // accepted, then written back cut to 48 characters as another number.
  if (w.start_s > kMaxWindowTimeS || (w.end_s && *w.end_s > kMaxWindowTimeS))
    throw InputError(option, item, "window time beyond a day (86400 s): no audio file is that long");
  if (w.end_s && *w.end_s <= w.start_s) throw InputError(option, item, "window ends before it starts");
  if (at != std::string::npos) w.delay = parse_delay(item.substr(at + 1), option, item);
  return w;
}

// Window edges in frames: each a window length after the previous one, moved to the quietest
// pair of frames nearby; the last window is between half and one and a half windows long.
std::vector<size_t> window_edges(const std::vector<double>& levels, double window_s) {
  const size_t frames = levels.size();
  const size_t w = std::max<size_t>(1, static_cast<size_t>(std::lround(window_s / kFrameS)));
  const size_t search = static_cast<size_t>(std::lround(kBoundarySearchS / kFrameS));
  std::vector<size_t> edges{0};
  while (edges.back() + w + w / 2 < frames) {
    const size_t nominal = edges.back() + w;
    const size_t lo = std::max(edges.back() + w / 2, nominal - std::min(nominal, search));
    const size_t hi = std::min(nominal + search, frames - 2);
    size_t best = nominal;
    double quietest = 1e300;
    for (size_t f = lo; f <= hi; ++f) {
      const double e = quality::detmath::pow(10.0, levels[f] / 10.0) + quality::detmath::pow(10.0, levels[f + 1] / 10.0);
      if (e < quietest) quietest = e, best = f + 1;
    }
    edges.push_back(best);
  }
  edges.push_back(frames);
  return edges;
}

// The range of the track's delays over frames [from, to) (10 ms grid), or the fallback.
DelayHint range_in(const std::vector<DelaySample>& track, long from, long to, double fallback) {
  double lo = INFINITY, hi = -INFINITY;
  for (const DelaySample& d : track) {
    const long f = std::lround(d.reference_s / kFrameS);
    if (f >= from && f < to) lo = std::min(lo, d.delay_ms), hi = std::max(hi, d.delay_ms);
  }
  if (!std::isfinite(lo)) return {fallback, fallback};
  return {std::floor(lo), std::ceil(hi)};
}

}  // namespace

std::vector<double> delay_jump_cuts(std::vector<DelaySample> track, const FrameLevels& ref) {
  // Stable: samples of one reference time keep their order, whatever the standard library (the
  // neighbours compared below, and with them the windows, would otherwise depend on it).
  std::stable_sort(track.begin(), track.end(),
                   [](const DelaySample& a, const DelaySample& b) { return a.reference_s < b.reference_s; });
  const double end = static_cast<double>(ref.db.size()) * kFrameS;
  std::vector<double> cuts;
  for (size_t i = 1; i < track.size(); ++i) {
    if (std::fabs(track[i].delay_ms - track[i - 1].delay_ms) < kDelayJumpMs) continue;
    // the first frame at the new delay (what the jitter buffer played in between, concealment of
    // the late audio, carries no reference audio: re-timed, it falls between the two windows)
    const double t = snap(static_cast<double>(std::lround(track[i].reference_s / kFrameS)) * kFrameS);
    if (t < kMinSplitS || end - t < kMinSplitS) continue;
    if (!cuts.empty() && t - cuts.back() < kMinSplitS) continue;
    cuts.push_back(t);
  }
  return cuts;
}

std::vector<WindowSpec> with_delay_track(std::vector<WindowSpec> windows, const std::vector<DelaySample>& track,
                                         double reference_s) {
  // No frame was played (a dead direction): the simulator knows no delay, and a hint of 0 ms
  // named after it would be a plausible value for something never measured. P.862 searches.
  if (track.empty()) return canonical(windows);
  std::vector<double> delays;
  for (const DelaySample& d : track) delays.push_back(d.delay_ms);
  std::nth_element(delays.begin(), delays.begin() + static_cast<long>(delays.size() / 2), delays.end());
  const double median = delays.empty() ? 0.0 : std::round(delays[delays.size() / 2]);
  for (WindowSpec& w : windows)
    w.delay = range_in(track, std::lround(w.start_s / kFrameS), std::lround(w.end_s.value_or(reference_s) / kFrameS),
                       median);
  return canonical(windows);
}

std::vector<WindowSpec> within_degraded(std::vector<WindowSpec> windows, double reference_s, double degraded_s) {
  std::vector<WindowSpec> out;
  for (WindowSpec& w : windows) {
    if (w.delay) {
      const double held = std::floor((degraded_s - w.delay->max_ms / 1000.0) / kFrameS + 1e-9) * kFrameS;
      if (held < w.end_s.value_or(reference_s)) {
        if (held <= w.start_s + 1e-9) continue;
        w.end_s = held;
      }
    }
    out.push_back(w);
  }
  return canonical(out);
}

std::vector<WindowSpec> parse_windows(const std::string& text, const std::string& option) {
  std::vector<WindowSpec> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    WindowSpec w = parse_window(item, option);
    // Each window is scored and weighed by its seconds of speech: an overlap would count the same
    // speech twice in the call's figures (2:end,1:3 did). Compared on the 10 ms grid they are used on.
    if (!out.empty()) {
      const WindowSpec& prev = out.back();
      if (!prev.end_s)
        throw InputError(option, item, "follows a window that runs to the end (windows are in time order and do not overlap)");
      if (snap(w.start_s) < snap(*prev.end_s))
        throw InputError(option, item,
                         "starts before the previous window ends at " + fmt("%.2f", *prev.end_s) +
                             " s (windows are in time order and do not overlap)");
    }
    out.push_back(w);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string format_windows(const std::vector<WindowSpec>& windows) {
  std::string out;
  for (const WindowSpec& w : windows) {
    if (!out.empty()) out += ',';
    out += fmt("%.2f", w.start_s) + ":" + (w.end_s ? fmt("%.2f", *w.end_s) : std::string("end"));
    if (w.delay) {
      out += "@" + fmt("%.0f", w.delay->min_ms);
      if (w.delay->max_ms != w.delay->min_ms) out += ":" + fmt("%.0f", w.delay->max_ms);
    }
  }
  return out;
}

std::vector<WindowSpec> canonical(const std::vector<WindowSpec>& windows) {
  return windows.empty() ? windows : parse_windows(format_windows(windows));
}

std::vector<WindowSpec> automatic_windows(const FrameLevels& ref, double window_s, const std::vector<double>& cuts) {
  if (ref.db.empty()) return {WindowSpec{}};
  std::vector<size_t> bounds{0};
  for (double c : cuts) {
    const size_t f = static_cast<size_t>(frame_at(c, ref.db.size()));
    if (f > bounds.back() && f < ref.db.size()) bounds.push_back(f);
  }
  bounds.push_back(ref.db.size());
  std::vector<size_t> edges;
  for (size_t s = 0; s + 1 < bounds.size(); ++s) {  // windows between forced cuts
    const std::vector<double> part(ref.db.begin() + static_cast<long>(bounds[s]), ref.db.begin() + static_cast<long>(bounds[s + 1]));
    const std::vector<size_t> e = window_edges(part, window_s);
    for (size_t i = 0; i + 1 < e.size(); ++i) edges.push_back(bounds[s] + e[i]);
  }
  edges.push_back(ref.db.size());
  std::vector<WindowSpec> out;
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    WindowSpec w;
    w.start_s = static_cast<double>(edges[i]) * kFrameS;
    if (i + 2 < edges.size()) w.end_s = static_cast<double>(edges[i + 1]) * kFrameS;
    out.push_back(w);
  }
  return canonical(out);
}

}  // namespace callsim::scoring
