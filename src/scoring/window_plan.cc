#include "scoring/window_plan.h"

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

}  // namespace

std::vector<WindowSpec> parse_windows(const std::string& text, const std::string& option) {
  std::vector<WindowSpec> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    out.push_back(parse_window(item, option));
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

std::vector<WindowSpec> automatic_windows(const FrameLevels& ref, double window_s) {
  std::vector<WindowSpec> out;
  if (ref.db.empty()) return {WindowSpec{}};
  const std::vector<size_t> edges = window_edges(ref.db, window_s);
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    WindowSpec w;
    w.start_s = static_cast<double>(edges[i]) * kFrameS;
    if (i + 2 < edges.size()) w.end_s = static_cast<double>(edges[i + 1]) * kFrameS;
    out.push_back(w);
  }
  return canonical(out);
}

}  // namespace callsim::scoring
