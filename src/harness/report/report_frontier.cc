// The index's "Jitter-buffer frontier" section: per trace (the call parameters other than
// `jitter_buffer`, and the direction when calls have two), one point per jitter_buffer setting
// at (mean mouth-to-ear delay, MOS-LQO WB), the Pareto frontier drawn through the settings no
// other setting of that trace beats on both axes, WB differences within --frontier-tolerance
// (0.05) counting as equal (harness/report/pareto.h), and a table with WB,
// mean and p95 mouth-to-ear delay and the frontier verdict per setting. Shown when some trace has
// three or more settings. Plots in root/plots (frontier.gp, frontier.dat, frontier_<n>.svg) and
// the table as CSV (plots/frontier.csv). Reference points (`--reference`, reference_points.h) join
// the traces whose parameters they name, drawn apart and judged like any setting.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/atomic_file.h"
#include "harness/report/pareto.h"
#include "harness/report/plot.h"
#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBufferAxis = "jitter_buffer";
constexpr const char* kQuality = "mos_lqo_wb";
constexpr const char* kDelay = "mouth_to_ear_mean_ms";
constexpr const char* kDelayP95 = "mouth_to_ear_p95_ms";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kMinSettings = 3;

std::string num(double v, int decimals) { return format_fixed(v, decimals); }

// One jitter_buffer setting of a trace, or a reference point (buffer = "<label> (reference)",
// call_id = where it was read).
struct Setting {
  std::string buffer, call_id, why_excluded;  // why_excluded: "" when both figures are measured
  double wb = kNaN, mean = kNaN, p95 = kNaN;
  bool reference = false;  // a reference point: `buffer` is its label + " (reference)"
};
struct Trace {
  std::string name;
  nlohmann::json params;  // the calls' parameters other than jitter_buffer
  std::string direction;  // "" for a one-way sweep
  std::vector<Setting> settings;
  size_t sweep_settings() const {
    return static_cast<size_t>(std::count_if(settings.begin(), settings.end(), [](const Setting& s) { return !s.reference; }));
  }
};

double metric_or_nan(const CallRecord& call, const std::string& direction, const std::string& metric) {
  const auto v = find_metric(call, direction, metric);
  return v ? *v : kNaN;
}

std::string trace_name(const CallRecord& call, const std::string& direction, bool with_direction) {
  std::string out;
  for (const auto& [key, value] : call.params.items())
    if (key != kBufferAxis) out += (out.empty() ? "" : " ") + key + "=" + value_text(value);
  if (with_direction) out += (out.empty() ? "" : " ") + direction;
  return out.empty() ? "all calls" : out;
}

Setting setting_of(const CallRecord& call, const std::string& direction) {
  Setting s;
  s.buffer = value_text(call.params.at(kBufferAxis));
  s.call_id = call.id;
  if (!call.error.empty()) {
    s.why_excluded = "the call did not run";
    return s;
  }
  s.wb = metric_or_nan(call, direction, kQuality);
  s.mean = metric_or_nan(call, direction, kDelay);
  s.p95 = metric_or_nan(call, direction, kDelayP95);
  if (!std::isfinite(s.wb))
    s.why_excluded = call.pesq_scored ? "MOS-LQO WB not measured" : "not scored (--no-score)";
  else if (!std::isfinite(s.mean))
    s.why_excluded = "mouth-to-ear delay not measured";
  return s;
}

// Traces in the order of their first call (job order).
std::vector<Trace> collect_traces(const Context& ctx) {
  bool two_way = false;
  for (const auto& call : ctx.calls) two_way |= call.metrics.size() > 1;
  std::vector<Trace> out;
  std::map<std::string, size_t> index;
  auto add = [&](const CallRecord& call, const std::string& direction, bool with_direction) {
    const std::string name = trace_name(call, direction, with_direction);
    auto [it, fresh] = index.try_emplace(name, out.size());
    if (fresh) {
      nlohmann::json params = call.params;
      params.erase(kBufferAxis);
      out.push_back({name, std::move(params), direction, {}});
    }
    out[it->second].settings.push_back(setting_of(call, direction));
  };
  for (const auto& call : ctx.calls) {
    if (!call.params.is_object() || !call.params.contains(kBufferAxis)) continue;
    if (call.metrics.empty()) add(call, "", false);
    for (const auto& [direction, metrics] : call.metrics)  // not a direction whose buffer the axis left as it was
      if (results::param_applies(call, kBufferAxis, direction)) add(call, direction, two_way);
  }
  return out;
}

bool matches(const ReferencePoint& p, const Trace& t) {
  if (!p.direction.empty() && p.direction != t.direction) return false;
  for (const auto& [key, value] : p.params)
    if (!t.params.contains(key) || value_text(t.params.at(key)) != value) return false;
  return true;
}

// Adds each reference point to the traces it names; a point that names none is a warning.
void add_references(Context& ctx, std::vector<Trace>& traces) {
  for (const ReferencePoint& p : ctx.references) {
    bool used = false;
    for (Trace& t : traces) {
      if (!matches(p, t)) continue;
      Setting s;
      s.buffer = p.label + " (reference)";
      s.call_id = "reference " + p.file + " line " + std::to_string(p.line);
      s.wb = p.wb, s.mean = p.mean_ms, s.p95 = p.p95_ms, s.reference = true;
      t.settings.push_back(std::move(s));
      used = true;
    }
    if (!used)
      ctx.summary.warnings.push_back(p.file + ": line " + std::to_string(p.line) + ": reference point \"" + p.label +
                                     "\" matches no trace of the jitter-buffer frontier");
  }
}

ParetoFrontier frontier_of(const Trace& t, double tolerance) {
  std::vector<ParetoPoint> points;
  for (const auto& s : t.settings)
    points.push_back({s.buffer, s.mean, s.why_excluded.empty() ? s.wb : kNaN});
  return pareto_frontier(points, tolerance);
}

// Traces are joined by parameter values alone, so two calls of one trace with the same
// jitter_buffer (two sweeps that both say run=jitter60_25 for different traces, two plugins both
// labelled "mine", a sweep given twice) are two points under one label: a warning names them.
void warn_same_labels(Context& ctx, const std::vector<Trace>& traces) {
  for (const Trace& t : traces) {
    std::map<std::string, std::vector<std::string>> calls;
    for (const Setting& s : t.settings)
      if (!s.reference) calls[s.buffer].push_back(s.call_id);
    for (const auto& [buffer, ids] : calls) {
      if (ids.size() < 2) continue;
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      ctx.summary.warnings.push_back("jitter-buffer frontier: trace \"" + t.name + "\" has " +
                                     std::to_string(ids.size()) + " calls with jitter_buffer " + buffer + " (" + list +
                                     "): traces are joined by their parameters, so these are different calls "
                                     "drawn under one label (different traces or buffers with the same "
                                     "parameter values, or the same results given twice?)");
    }
  }
}

std::vector<size_t> table_order(const Trace& t, const ParetoFrontier& f);

std::string dat_label(std::string label) {
  for (char& c : label)
    if (c == '"' || c == '\n' || c == '\r') c = '\'';
  return "\"" + label + "\"";
}

// The box around the judged settings: delay x0..x1, WB y0..y1.
struct Extent {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
};
Extent extent_of(const Trace& t, const ParetoFrontier& f) {
  Extent e;
  for (size_t i = 0; i < t.settings.size(); ++i)
    if (!f.verdicts[i].excluded) {  // reference points included: the plot shows them
      e.x0 = std::min(e.x0, t.settings[i].mean), e.x1 = std::max(e.x1, t.settings[i].mean);
      e.y0 = std::min(e.y0, t.settings[i].wb), e.y1 = std::max(e.y1, t.settings[i].wb);
    }
  return e;
}

// The plot's ranges, explicit (rounded as the script prints them): the settings' box with room
// right of it and above and below it for the slanted labels; and the plot area of the 600 x 380
// SVG in pixels, so that labels can be kept apart (font ',9': about 5.5 px a character).
struct Frame {
  double x0, x1, y0, y1;
  static constexpr double kWidthPx = 500, kHeightPx = 235, kCharPx = 5.5;
  double px_x(double ms) const { return (ms - x0) / (x1 - x0) * kWidthPx; }
  double px_y(double wb) const { return (wb - y0) / (y1 - y0) * kHeightPx; }
};
Frame frame_of(const Extent& e) {
  const double xspan = std::max(e.x1 - e.x0, 10.0);
  const double yspan = std::max(e.y1 - e.y0, 0.4);
  auto r2 = [](double v) { return std::round(v * 100) / 100; };
  return {r2(e.x0 - 0.04 * xspan), r2(e.x1 + 0.12 * xspan), r2(e.y0 - 0.25 * yspan), r2(e.y1 + 0.3 * yspan)};
}

// A label's centre line on the plot, in pixels, sampled every 3 px: from its point, 45 degrees up
// (slant +1) or down (-1) and to the right.
std::vector<std::pair<double, double>> label_line(double x, double y, size_t chars, int slant) {
  std::vector<std::pair<double, double>> out;
  const double c = 0.7071, start = 6, length = Frame::kCharPx * static_cast<double>(chars);
  for (double d = start; d <= start + length; d += 3) out.push_back({x + c * d, y + slant * c * d});
  return out;
}

// The judged settings, each a point, labelled at 45 degrees right of it, upwards (a row of
// settings at one WB, the fixed delays, is the common case: slanted labels of points a few ms apart
// do not overlap) or downwards where that comes less close to the labels placed before it (by
// delay) and to the other points. Settings at one place on the plot (within 1 % of the
// delay range and 2.5 % of the WB range) share one label, at the first of them by delay; the
// others are drawn with an empty label. Columns: delay, WB, label, slant (1 up, -1 down).
std::string labelled_points(const Trace& t, const ParetoFrontier& f, const Frame& fr) {
  const double dx = 0.01 * (fr.x1 - fr.x0), dy = 0.025 * (fr.y1 - fr.y0);
  std::vector<std::pair<size_t, std::string>> anchors;  // anchor setting, label
  std::vector<size_t> others;                            // drawn without a label of their own
  for (size_t i : table_order(t, f)) {
    if (f.verdicts[i].excluded || t.settings[i].reference) continue;
    auto near = std::find_if(anchors.begin(), anchors.end(), [&](const auto& p) {
      return std::fabs(t.settings[p.first].mean - t.settings[i].mean) <= dx &&
             std::fabs(t.settings[p.first].wb - t.settings[i].wb) <= dy;
    });
    if (near == anchors.end()) {
      anchors.push_back({i, t.settings[i].buffer});
    } else {
      near->second += ", " + t.settings[i].buffer;
      others.push_back(i);
    }
  }
  std::vector<std::pair<double, double>> points, placed;  // every marker; samples of placed labels
  for (const Setting& st : t.settings)
    if (std::isfinite(st.wb) && std::isfinite(st.mean)) points.push_back({fr.px_x(st.mean), fr.px_y(st.wb)});
  // How many of a label's samples come too close to a placed label (10 px: a line of text) or to
  // a point (9 px: half a line and a marker).
  auto crowding = [&](const std::vector<std::pair<double, double>>& line) {
    int n = 0;
    for (const auto& q : line) {
      bool near = false;
      for (const auto& o : placed) near |= std::hypot(q.first - o.first, q.second - o.second) < 10;
      for (const auto& o : points) near |= std::hypot(q.first - o.first, q.second - o.second) < 9;
      n += near;
    }
    return n;
  };
  std::string out;
  for (const auto& [i, label] : anchors) {
    const double x = fr.px_x(t.settings[i].mean), y = fr.px_y(t.settings[i].wb);
    auto line = label_line(x, y, label.size(), 1), down = label_line(x, y, label.size(), -1);
    int slant = 1;
    if (crowding(down) < crowding(line)) slant = -1, line = std::move(down);
    placed.insert(placed.end(), line.begin(), line.end());
    out += num(t.settings[i].mean, 2) + " " + num(t.settings[i].wb, 4) + " " + dat_label(label) + " " +
           std::to_string(slant) + "\n";
  }
  for (size_t i : others) out += num(t.settings[i].mean, 2) + " " + num(t.settings[i].wb, 4) + " \"\" 1\n";
  return out;
}

// gnuplot counts a run of blank lines as one block separator, so an empty block would shift every
// later `index`: a trace whose settings were not judged (no WB) drew its frontier through its
// reference points. An empty block holds one undefined point instead, which gnuplot skips.
std::string nonempty_block(std::string rows, const char* undefined_row) {
  return rows.empty() ? std::string(undefined_row) : rows;
}

// Appends the data blocks (the judged settings; the frontier by delay; the reference points, when
// the trace has some) and the plot commands. `blocks` counts the blocks written so far.
void add_plot(PlotScript& s, std::string& data, const Trace& t, const ParetoFrontier& f, int n, int& blocks) {
  const Frame fr = frame_of(extent_of(t, f));
  data += "# " + t.name + ": settings (mean mouth-to-ear ms, MOS-LQO WB, label, label slant)\n" +
          nonempty_block(labelled_points(t, f, fr), "NaN NaN \"\" 1\n");
  data += "\n\n# " + t.name + ": Pareto frontier\n";
  std::string frontier;
  for (size_t i : f.frontier) frontier += num(t.settings[i].mean, 2) + " " + num(t.settings[i].wb, 4) + "\n";
  data += nonempty_block(std::move(frontier), "NaN NaN\n") + "\n\n";
  const std::string block = std::to_string(blocks), front = std::to_string(blocks + 1);
  blocks += 2;
  // Reference points: one block, a legend entry each (a marker and colour per point of the trace).
  static const char* const kMarkers[][2] = {{"9", "#c0392b"}, {"11", "#d68910"}, {"13", "#7d3c98"}, {"5", "#1e8449"}};
  std::string references, reference_plot;
  int k = 0;
  for (const Setting& r : t.settings) {
    if (!r.reference) continue;
    references += num(r.mean, 2) + " " + num(r.wb, 4) + "\n";
    const auto& m = kMarkers[k % 4];
    reference_plot += ", 'frontier.dat' index " + std::to_string(blocks) + " every ::" + std::to_string(k) +
                      "::" + std::to_string(k) + " using 1:2 with points pt " + m[0] + " ps 1.5 lc rgb '" + m[1] +
                      "' title " + gp_quote(r.buffer);
    ++k;
  }
  if (!references.empty()) {
    data += "# " + t.name + ": reference points\n" + references + "\n\n";
    ++blocks;
  }
  s.output("frontier_" + std::to_string(n) + ".svg", 600, 380);
  s.line("set title " + gp_quote(t.name) + "\nset xlabel 'mouth-to-ear delay, mean (ms)'\n"
         "set ylabel 'MOS-LQO WB (P.862.2)'\nset grid\nset key below\n"
         "set xrange [" + num(fr.x0, 2) + ":" + num(fr.x1, 2) + "]\nset yrange [" + num(fr.y0, 2) + ":" +
         num(fr.y1, 2) + "]");
  s.line("plot 'frontier.dat' index " + front +
         " using 1:2 with linespoints lw 2 pt 7 ps 1.1 lc rgb '#2f6fb0' title 'Pareto frontier', "
         "'frontier.dat' index " + block + " using 1:2 with points pt 6 ps 1.0 lc rgb '#555555' title "
         "'jitter_buffer setting', 'frontier.dat' index " + block +
         " using 1:($4 > 0 ? $2 : 1/0):3 with labels left rotate by 45 offset char 0.5,0.4 font ',9' notitle, "
         "'frontier.dat' index " + block +
         " using 1:($4 < 0 ? $2 : 1/0):3 with labels left rotate by -45 offset char 0.5,-0.4 font ',9' notitle" +
         reference_plot);
}

std::string verdict_text(const Trace& t, const ParetoFrontier& f, size_t i) {
  if (f.verdicts[i].excluded) return "not judged: " + t.settings[i].why_excluded;
  if (f.verdicts[i].on_frontier) return "yes";
  return "no: dominated by " + t.settings[*f.verdicts[i].dominated_by].buffer;
}

// Settings by mean delay (unjudged last), as table rows and CSV lines.
std::vector<size_t> table_order(const Trace& t, const ParetoFrontier& f) {
  std::vector<size_t> order(t.settings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (f.verdicts[a].excluded != f.verdicts[b].excluded) return f.verdicts[b].excluded;
    return !f.verdicts[a].excluded && t.settings[a].mean < t.settings[b].mean;
  });
  return order;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string trace_table(const Trace& t, const ParetoFrontier& f, std::string& csv) {
  std::vector<std::vector<Cell>> rows;
  for (size_t i : table_order(t, f)) {
    const Setting& s = t.settings[i];
    const bool on = f.verdicts[i].on_frontier;
    rows.push_back({text_cell(s.buffer), number_cell(kQuality, std::isfinite(s.wb) ? &s.wb : nullptr),
                    number_cell(kDelay, std::isfinite(s.mean) ? &s.mean : nullptr),
                    number_cell(kDelayP95, std::isfinite(s.p95) ? &s.p95 : nullptr),
                    text_cell(verdict_text(t, f, i), on ? "pass" : "muted")});
    csv += csv_field(t.name) + "," + csv_field(s.buffer) + "," + csv_field(s.call_id) + "," + num(s.wb, 4) + "," +
           num(s.mean, 2) + "," + num(s.p95, 2) + "," +
           (f.verdicts[i].excluded ? "excluded" : on ? "yes" : "no") + "," +
           (f.verdicts[i].dominated_by ? csv_field(t.settings[*f.verdicts[i].dominated_by].buffer) : "") + "\n";
  }
  return html_table({"jitter_buffer", "MOS-LQO WB", "mouth-to-ear mean (ms)", "mouth-to-ear p95 (ms)", "on the frontier"},
                    rows, true);
}

std::string intro(double tolerance) {
  const std::string judged =
      tolerance > 0
          ? "(at most as much mean delay and WB no more than " + num(tolerance, 3) +
                " lower, and either less delay or WB more than " + num(tolerance, 3) +
                " higher: WB differences within " + num(tolerance, 3) +
                " are taken as equal, so along the frontier each step to more delay buys more than " +
                num(tolerance, 3) + " of WB; <code>--frontier-tolerance</code>, 0 for the strict Pareto frontier)"
          : "(WB at least as high and mean delay at most as high, one of them strictly)";
  return "<p>Per trace (the call's parameters other than <code>jitter_buffer</code>), one point per "
         "jitter_buffer setting at its mean mouth-to-ear delay and P.862.2 MOS-LQO WB. The Pareto frontier "
         "joins the settings that no other setting of the same trace beats on both axes " + judged +
         "; settings off it name one that dominates them. Settings without a measured WB or delay are "
         "listed and not judged. The table as CSV: <a href=\"plots/frontier.csv\">plots/frontier.csv</a>.</p>\n";
}

constexpr const char* kReferenceIntro =
    "<p>Points marked <em>(reference)</em> were not measured by these calls: they are read from the "
    "reference files given to <code>callsim report --reference</code> (figures of another buffer on the "
    "same traces, such as WebRTC NetEq run offline), drawn with their own markers named in the legend, "
    "and judged like any setting. The table's CSV names the file and line of each.</p>\n";

}  // namespace

std::string frontier_section(Context& ctx) {
  std::vector<Trace> traces = collect_traces(ctx);
  bool wanted = false;
  for (const auto& t : traces) wanted |= t.sweep_settings() >= kMinSettings;
  if (!wanted) {
    if (!ctx.references.empty())
      ctx.summary.warnings.push_back("reference points given but no jitter-buffer frontier to draw them on (no "
                                     "trace with three or more jitter_buffer settings)");
    return "";
  }
  add_references(ctx, traces);
  warn_same_labels(ctx, traces);
  const fs::path dir = ctx.root / "plots";
  fs::create_directories(dir);
  PlotScript script;
  std::string data, csv = "trace,jitter_buffer,call,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms,on_frontier,dominated_by\n";
  std::string html = "<h2>Jitter-buffer frontier</h2>\n" + intro(ctx.options.frontier_tolerance);
  if (!ctx.references.empty()) html += kReferenceIntro;
  int plots = 0, blocks = 0;
  for (const auto& t : traces) {
    const ParetoFrontier f = frontier_of(t, ctx.options.frontier_tolerance);
    html += "<h3>" + html_escape(t.name) + "</h3>\n";
    if (!f.frontier.empty()) {
      add_plot(script, data, t, f, plots, blocks);
      const std::string svg = "plots/frontier_" + std::to_string(plots++) + ".svg";
      html += "<figure><img class=\"plot\" src=\"" + html_escape(url_path(svg)) + "\" alt=\"" +
              html_escape("MOS-LQO WB against mean mouth-to-ear delay, " + t.name) + "\"></figure>\n";
    }
    if (f.excluded)
      html += "<p class=\"muted\">" + std::to_string(f.excluded) + " of " + std::to_string(t.settings.size()) +
              " settings not judged (no measured WB or delay).</p>\n";
    html += trace_table(t, f, csv);
  }
  write_file_atomic(dir / "frontier.csv", csv);
  if (plots > 0) {
    write_file_atomic(dir / "frontier.dat", data);
    run_plot_script(ctx, dir, "frontier.gp", script);
  }
  return html;
}

}  // namespace callsim::harness::report_detail
