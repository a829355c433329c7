// Sweep-level plots of the report index (MOS-LQO vs network loss and vs mouth-to-ear delay, one
// point set per codec setting) and the per-row trend sparklines over the history nights.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "common/atomic_file.h"
#include "harness/report/plot.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

namespace fs = std::filesystem;

std::string num(double v, int decimals = 4) { return format_fixed(v, decimals); }

// A call direction: x (loss, delay) and y (MOS) when measured. A direction without y (no MOS: a
// dead direction) is not drawn, but its x still counts in its group's mean.
struct Point {
  double x;
  std::optional<double> y;
  std::string group;  // the call's other settings (network, talker, ...): points averaged per group
};

// The mean of a group: x over all its directions, y over those with a y (`measured` of `directions`).
struct Mean {
  double x = 0, y = 0;
  long measured = 0, directions = 0;
  bool partial() const { return measured < directions; }
};
using Series = std::map<std::string, std::vector<Point>>;  // codec setting → points
// The series of calls without a codec-setting parameter (plain scenario files, not a matrix).
constexpr const char* kNoCodecAxis = "scenario files";

bool is_series_axis(const std::string& key, const std::vector<std::string>& axes) {
  if (axes.empty()) return key.find("codec") != std::string::npos;
  return std::find(axes.begin(), axes.end(), key) != axes.end();
}

// The parameters that are neither the codec setting nor the seed ("network=3g") and changed
// `direction` (a matrix's apply_to leaves the others as the base has them).
std::string group_of(const CallRecord& call, const std::string& direction, const std::vector<std::string>& axes) {
  std::string out;
  for (const auto& [key, value] : call.params.items())
    if (!is_series_axis(key, axes) && key != "seed" && results::param_applies(call, key, direction))
      out += key + "=" + value_text(value) + " ";
  return out;
}

// Whether every codec-setting parameter of the call changed `direction`: one the setting left as
// the base has it (apply_to) is no point of that setting's series.
bool in_series(const CallRecord& call, const std::string& direction, const std::vector<std::string>& axes) {
  for (const auto& [key, value] : call.params.items())
    if (is_series_axis(key, axes) && !results::param_applies(call, key, direction)) return false;
  return true;
}

// Points of every call direction that measured the x metric and was scored in the y metric's band
// (`scored_metric`, unscorable_windows_nb / _wb, is there whenever that scoring ran), with y when
// it was measured; series with no y at all are left out.
Series collect(const Context& ctx, const std::string& x_metric, double x_scale, const std::string& y_metric,
               const std::string& scored_metric) {
  Series out;
  for (const auto& call : ctx.calls)
    for (const auto& [direction, metrics] : call.metrics) {
      auto x = metrics.find(x_metric), y = metrics.find(y_metric);
      if (x == metrics.end() || (y == metrics.end() && !metrics.count(scored_metric))) continue;
      if (!in_series(call, direction, ctx.options.series_axes)) continue;
      out[series_of(call, ctx.options.series_axes)].push_back(
          {x->second * x_scale, y == metrics.end() ? std::nullopt : std::optional(y->second),
           group_of(call, direction, ctx.options.series_axes)});
    }
  for (auto it = out.begin(); it != out.end();) {
    auto& points = it->second;
    if (std::none_of(points.begin(), points.end(), [](const Point& p) { return p.y.has_value(); })) {
      it = out.erase(it);
      continue;
    }
    std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) {
      return a.x < b.x || (a.x == b.x && a.y.value_or(-1) < b.y.value_or(-1));
    });
    ++it;
  }
  return out;
}

// The mean point of each group, sorted by x (points without a group stay as they are, if drawn).
// A group none of whose directions has a y has no point.
std::vector<Mean> group_means(const std::vector<Point>& points) {
  std::map<std::string, Mean> sums;
  std::vector<Mean> out;
  for (const auto& p : points) {
    if (p.group.empty()) {
      if (p.y) out.push_back({p.x, *p.y, 1, 1});
      continue;
    }
    Mean& m = sums[p.group];
    m.x += p.x;
    ++m.directions;
    if (p.y) {
      m.y += *p.y;
      ++m.measured;
    }
  }
  for (const auto& [group, m] : sums)
    if (m.measured > 0)
      out.push_back({m.x / static_cast<double>(m.directions), m.y / static_cast<double>(m.measured),
                     m.measured, m.directions});
  // Stable: groups with the same x keep the groups' order (std::sort left ties in an order that
  // differs between standard libraries, and with it the plot data files).
  std::stable_sort(out.begin(), out.end(), [](const Mean& a, const Mean& b) { return a.x < b.x; });
  return out;
}

bool enough_spread(const Series& series) {
  size_t points = 0;
  double lo = 1e300, hi = -1e300;
  for (const auto& [label, pts] : series)
    for (const auto& p : pts) {
      if (!p.y) continue;
      ++points;
      lo = std::min(lo, p.x);
      hi = std::max(hi, p.x);
    }
  return points >= 2 && hi > lo;  // one x value: nothing to plot against
}

// One data file with two blocks per series (every call direction; the means per group) and one
// plot: the points, and with `lines` a line through the group means in the same colour.
// One colour per series name across all the sweep plots (gnuplot line types 1, 2, ...).
using Colours = std::map<std::string, int>;

Colours colours_of(const std::vector<const Series*>& all) {
  Colours out;
  for (const Series* series : all)
    for (const auto& [label, pts] : *series) out.emplace(label, 0);
  int next = 1;
  for (auto& [label, colour] : out) colour = next++;
  return out;
}

// Whether a mean point of the series leaves out directions without a y (see Mean).
bool has_partial_means(const Series& series) {
  for (const auto& [label, pts] : series)
    for (const auto& m : group_means(pts))
      if (m.partial()) return true;
  return false;
}

bool scatter_plot(PlotScript& s, const fs::path& dir, const std::string& name, const std::string& title,
                  const std::string& xlabel, const Series& series, bool lines, const Colours& colours) {
  if (!enough_spread(series)) return false;
  std::string data, plot;
  int block = 0;
  for (const auto& [label, pts] : series) {
    data += "# series " + label + ": call directions with a MOS-LQO\n";
    for (const auto& p : pts)
      if (p.y) data += num(p.x) + " " + num(*p.y) + "\n";
    data += "\n\n# series " + label +
            ": mean per group (calls with the same parameters apart from codec setting and seed): x over all "
            "the group's directions, MOS over those that have one; columns x, MOS, directions with a MOS, "
            "directions\n";
    for (const auto& m : group_means(pts))
      data += num(m.x) + " " + num(m.y) + " " + std::to_string(m.measured) + " " +
              std::to_string(m.directions) + "\n";
    data += "\n\n";
    const std::string file = gp_quote(name + ".dat"), lc = " lc " + std::to_string(colours.at(label));
    // Calls from plain scenario files have no settings to average over: points only.
    const bool means =
        lines && std::any_of(pts.begin(), pts.end(), [](const Point& p) { return !p.group.empty(); });
    plot += std::string(plot.empty() ? "plot " : ", ") + file + " index " + std::to_string(block) +
            " using 1:2 with points pt 7 ps 0.6" + lc + (means ? " notitle" : " title " + gp_quote(label));
    if (means)
      plot += ", " + file + " index " + std::to_string(block + 1) +
              " using 1:2 with linespoints pt 6 ps 1.2 lw 2" + lc + " title " + gp_quote(label) + ", " +
              file + " index " + std::to_string(block + 1) +
              " using 1:2:($3 < $4 ? sprintf('%d/%d', $3, $4) : '') with labels offset 0,1 font ',9' tc lt " +
              std::to_string(colours.at(label)) + " notitle";
    block += 2;
  }
  write_file_atomic(dir / (name + ".dat"), data);
  s.output(name + ".svg", 600, 360);
  s.line("set title " + gp_quote(title) + "\nset xlabel " + gp_quote(xlabel) +
         "\nset ylabel 'MOS-LQO'\nset yrange [1:5]\nset grid\nset key " +
         std::string(series.size() > 6 ? "below" : "outside right top") + " title 'codec setting'");
  s.line(plot);
  return true;
}

}  // namespace

void run_plot_script(Context& ctx, const fs::path& dir, const std::string& script_name, const PlotScript& script) {
  write_file_atomic(dir / script_name, script.text());
  const std::string output = run_gnuplot(ctx.options.gnuplot, dir, script_name);
  if (!output.empty())
    ctx.summary.warnings.push_back("gnuplot " + fs::relative(dir / script_name, ctx.root).string() + ": " +
                                   output);
  // A plotter that exits 0 without writing a plot would leave the pages pointing at nothing.
  for (const auto& svg : script.files()) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / svg, ec) || fs::file_size(dir / svg, ec) == 0)
      throw PlotError("'" + ctx.options.gnuplot + "' ran " + (dir / script_name).string() + " without an error but wrote no " +
                      svg + " (is it gnuplot?)");
  }
  ctx.summary.plots += script.outputs();
}

std::string series_of(const CallRecord& call, const std::vector<std::string>& axes) {
  std::string out;
  if (!axes.empty()) {
    for (const auto& a : axes)
      if (call.params.contains(a)) out += (out.empty() ? "" : " ") + value_text(call.params.at(a));
  } else {
    for (const auto& [key, value] : call.params.items())
      if (key.find("codec") != std::string::npos) out += (out.empty() ? "" : " ") + value_text(value);
  }
  return out.empty() ? kNoCodecAxis : out;
}

std::vector<Figure> make_sweep_plots(Context& ctx) {
  const fs::path dir = ctx.root / "plots";
  fs::create_directories(dir);
  PlotScript s;
  std::vector<Figure> figures;
  const Series nb_loss = collect(ctx, "packet_loss_ratio", 100.0, "mos_lqo_nb", "unscorable_windows_nb");
  const Series wb_loss = collect(ctx, "packet_loss_ratio", 100.0, "mos_lqo_wb", "unscorable_windows_wb");
  const Series nb_delay = collect(ctx, "mouth_to_ear_p95_ms", 1.0, "mos_lqo_nb", "unscorable_windows_nb");
  const Colours colours = colours_of({&nb_loss, &wb_loss, &nb_delay});
  size_t untouched = 0;  // directions a codec setting left as the base has them (apply_to)
  for (const auto& call : ctx.calls)
    for (const auto& [direction, metrics] : call.metrics) untouched += !in_series(call, direction, ctx.options.series_axes);
  const std::string untouched_note =
      untouched == 0 ? ""
                     : " Not drawn: " + std::to_string(untouched) + " call direction" + (untouched == 1 ? "" : "s") +
                           " that the codec setting did not change (the matrix's apply_to left " +
                           (untouched == 1 ? "it" : "them") + " as the base scenario has " +
                           (untouched == 1 ? "it" : "them") + ").";
  // What a mean point is, and what a label on one says when directions had no MOS.
  auto means_note = [](const Series& series) {
    const std::string partial =
        " A mean labelled m/n has the MOS of only m of its n directions: scoring gave the others none (less "
        "than half the reference speech arrived as speech, e.g. at 100% loss), so they are not dots.";
    return " Lines join the means per group of calls with the same parameters apart from the codec setting "
           "and the seed (network, jitter buffer, talker, ...), one line per codec setting: the mean loss "
           "over all the group's directions, the mean MOS over those that have one." +
           (has_partial_means(series) ? partial : std::string());
  };
  if (scatter_plot(s, dir, "mos_nb_vs_loss", "MOS-LQO narrowband vs network loss", "packet loss (%)", nb_loss,
                   true, colours))
    figures.push_back({"plots/mos_nb_vs_loss.svg",
                       "P.862.1 MOS-LQO of every call direction (dots) against its measured packet loss." +
                           means_note(nb_loss) + untouched_note});
  if (scatter_plot(s, dir, "mos_wb_vs_loss", "MOS-LQO wideband vs network loss", "packet loss (%)", wb_loss,
                   true, colours))
    figures.push_back({"plots/mos_wb_vs_loss.svg",
                       "P.862.2 MOS-LQO against measured packet loss (directions whose codec runs at 16 kHz or more: P.862.2 "
                       "scores wideband audio only)." +
                           means_note(wb_loss) + untouched_note});
  if (scatter_plot(s, dir, "mos_nb_vs_delay", "MOS-LQO narrowband vs mouth-to-ear delay",
                   "mouth-to-ear delay, 95th percentile (ms)", nb_delay, false, colours))
    figures.push_back({"plots/mos_nb_vs_delay.svg",
                       "P.862.1 MOS-LQO against the 95th percentile of mouth-to-ear "
                       "delay. P.862 does not see delay; the E-model R does." +
                           untouched_note});
  if (s.outputs() > 0) run_plot_script(ctx, dir, "sweep.gp", s);
  return figures;
}

std::string trend_metric(const CallRecord& call, const std::string& direction) {
  return find_metric(call, direction, "mos_lqo_wb") ? "mos_lqo_wb" : "mos_lqo_nb";
}

int nights_of_another_scenario(const Context& ctx, const CallRecord& call) {
  int n = 0;
  for (const auto& night : ctx.history)
    if (auto it = night.calls.find(call.id); it != night.calls.end() && results::other_scenario(it->second.scenario_fingerprint, call.scenario_fingerprint)) ++n;
  return n;
}

std::vector<std::optional<double>> trend_values(const Context& ctx, const CallRecord& call,
                                                const std::string& direction, const std::string& metric) {
  std::vector<std::optional<double>> out;
  for (const auto& night : ctx.history) {
    auto it = night.calls.find(call.id);
    out.push_back(it == night.calls.end() || results::other_scenario(it->second.scenario_fingerprint, call.scenario_fingerprint)
                      ? std::nullopt
                      : find_metric(it->second, direction, metric));
  }
  out.push_back(find_metric(call, direction, metric));
  return out;
}

std::map<std::pair<std::string, std::string>, std::string> make_trend_plots(Context& ctx) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  if (ctx.history.empty()) return out;
  const fs::path dir = ctx.root / "plots";
  fs::create_directories(dir);
  PlotScript s;
  std::string data;
  int block = 0;
  for (const auto& call : ctx.calls)
    for (const auto& [direction, metrics] : call.metrics) {
      const auto values = trend_values(ctx, call, direction, trend_metric(call, direction));
      if (std::count_if(values.begin(), values.end(), [](const auto& v) { return v.has_value(); }) < 2)
        continue;
      data += "# " + call.id + " " + direction + "\n";
      for (size_t i = 0; i < values.size(); ++i)
        data += std::to_string(i) + " " + (values[i] ? num(*values[i]) : "nan") + "\n";
      data += "\n\n";
      const std::string svg = "trend_" + std::to_string(block) + ".svg";
      s.output(svg, 120, 30);
      double lo = 1e300, hi = -1e300;
      for (const auto& v : values) {
        if (!v) continue;
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
      const double mid = (lo + hi) / 2, half = std::max(0.1, 0.6 * (hi - lo));  // never an empty y range
      s.line("unset border\nunset tics\nunset key\nset margins 0,0,0,0\nset xrange [-0.3:" +
             num(static_cast<double>(values.size()) - 0.7, 1) + "]\nset yrange [" + num(mid - half) + ":" +
             num(mid + half) + "]");
      s.line("plot 'trends.dat' index " + std::to_string(block) +
             " using 1:2 with linespoints lw 1.5 pt 7 ps 0.4 lc rgb '#2f6fb0'");
      out[{call.id, direction}] = "plots/" + svg;
      ++block;
    }
  if (block == 0) return out;
  write_file_atomic(dir / "trends.dat", data);
  run_plot_script(ctx, dir, "trends.gp", s);
  return out;
}

}  // namespace callsim::harness::report_detail
