// The plots of one call page: per direction, the 100 ms timeline (delays, buffer level and
// target), losses and concealment per bin, MOS-LQO per scoring window, and the CDFs of network
// one-way delay (packets.csv) and mouth-to-ear delay (frames.csv). Data files are written in
// whitespace-separated form beside one gnuplot script per call.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/atomic_file.h"
#include "common/file_read.h"
#include "harness/report/plot.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A CSV file as written by scenario/call_output.cc: a header line, no quoting.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  }
  std::optional<double> number(size_t row, int col) const {
    if (col < 0 || static_cast<size_t>(col) >= rows[row].size() || rows[row][col].empty())
      return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(rows[row][col].c_str(), &end);
    if (end == rows[row][col].c_str() || !std::isfinite(v)) return std::nullopt;
    return v;
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Absent: no plot. A FIFO or a device in the call folder is refused (it would hang or fill memory).
std::optional<Csv> read_csv(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::istringstream in(read_regular_file(path.string(), kMaxResultsFileBytes, "call CSV"));
  Csv csv;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  csv.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(split(line));
  return csv;
}

std::string num(std::optional<double> v, int decimals = 3) { return v ? format_fixed(*v, decimals) : "nan"; }

// t_s, network delay, buffer level, target, mouth-to-ear, lost, concealed, stretched, fec.
std::string timeline_data(const Csv& csv) {
  const char* names[] = {"network_delay_ms", "buffer_delay_ms",  "target_delay_ms",  "mouth_to_ear_ms",
                         "packets_lost",     "concealed_frames", "stretched_frames", "fec_frames"};
  std::string out =
      "# t_s network_delay_ms buffer_delay_ms target_delay_ms mouth_to_ear_ms packets_lost "
      "concealed_frames stretched_frames fec_frames\n";
  const int t = csv.column("start_ms");
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const auto start = csv.number(r, t);
    if (!start) continue;
    out += num(*start / 1000.0);
    // Delays with their decimals; the counts (packets lost, frames) as the integers they are.
    for (size_t i = 0; i < std::size(names); ++i) out += " " + num(csv.number(r, csv.column(names[i])), i < 4 ? 3 : 0);
    out += "\n";
  }
  return out;
}

// Sorted values → "value percent" lines, at most 2000 (evenly spaced ranks).
std::string cdf_data(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size(), points = std::min<size_t>(n, 2000);
  std::string out = "# value_ms percent_at_or_below\n";
  for (size_t k = 0; k < points; ++k) {
    const size_t i =
        points == 1 ? 0 : static_cast<size_t>(std::llround(static_cast<double>(k) * (n - 1) / (points - 1)));
    out += num(values[i]) + " " + num(100.0 * static_cast<double>(i + 1) / static_cast<double>(n), 4) + "\n";
  }
  return out;
}

// The values of a column; with `skip_if_one`, not of rows where that column is 1 (packets.csv's
// "duplicate": a duplicated packet's second copy is not a delivered packet's delay). Columns are
// found by their header name, not their position.
std::vector<double> column_values(const Csv& csv, const std::string& name, const std::string& skip_if_one = "") {
  std::vector<double> out;
  const int c = csv.column(name);
  const int skip = skip_if_one.empty() ? -1 : csv.column(skip_if_one);
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    if (auto s = csv.number(r, skip); s && *s == 1) continue;
    if (auto v = csv.number(r, c)) out.push_back(*v);
  }
  return out;
}

// start_s end_s mos_lqo of the scored windows of quality/<key>. The types were checked when
// result.json was read (check_call_result).
std::string window_data(const json* direction, const std::string& key) {
  if (!direction || !direction->contains("quality") || !direction->at("quality").contains(key)) return "";
  std::string out;
  for (const auto& w : direction->at("quality").at(key).value("windows", json::array()))
    if (w.value("scored", false) && w.contains("mos_lqo") && w.at("mos_lqo").is_number())
      out += num(w.at("start_s").get<double>()) + " " + num(w.at("end_s").get<double>()) + " " +
             num(w.at("mos_lqo").get<double>()) + "\n";
  return out.empty() ? "" : "# start_s end_s mos_lqo\n" + out;
}

struct DirectionPlots {
  PlotScript* script;
  fs::path plots_dir;
  std::string prefix;  // "alice-to-bob"
  std::vector<Figure>* figures;
  std::vector<std::string>* notes;
  std::string xrange = "set xrange [0:*]";  // the call's length, once the timeline is read
};

// The end of the last 100 ms bin, so the timeline plots share one time axis.
std::string timeline_xrange(const Csv& timeline) {
  double end_s = 0;
  const int t = timeline.column("start_ms");
  for (size_t r = 0; r < timeline.rows.size(); ++r)
    if (auto v = timeline.number(r, t)) end_s = std::max(end_s, *v / 1000.0 + 0.1);
  return end_s > 0 ? "set xrange [0:" + num(end_s, 1) + "]" : "set xrange [0:*]";
}

// The events plot's y axis: counts from 0; a call without a single event gets [0:1] (gnuplot
// autoscaling an all-zero range warns on stderr, once per such call in a report).
std::string events_yrange(const Csv& timeline) {
  for (const char* n : {"packets_lost", "concealed_frames", "stretched_frames", "fec_frames"}) {
    const int c = timeline.column(n);
    for (size_t r = 0; r < timeline.rows.size(); ++r)
      if (auto v = timeline.number(r, c); v && *v > 0) return "set yrange [0:*]\n";
  }
  return "set yrange [0:1]\n";
}

void timeline_plots(DirectionPlots& p, const Csv& timeline) {
  const std::string dat = p.prefix + "_timeline.dat";
  write_file_atomic(p.plots_dir / dat, timeline_data(timeline));
  p.xrange = timeline_xrange(timeline);
  PlotScript& s = *p.script;
  s.output(p.prefix + "_delay.svg", 600, 300);
  s.line(
      "set title 'Delay over the call (100 ms bins)'\nset xlabel 'call time (s)'\nset ylabel 'ms'\nset grid\n"
      "set key outside below horizontal\n" +
      p.xrange);
  s.line("plot " + gp_quote(dat) +
         " using 1:2 with lines lw 1.5 title 'network one-way delay', '' using 1:3 with "
         "steps lw 1.5 title 'buffer level', '' using 1:4 with steps dt 2 lw 1.5 title 'buffer target', '' "
         "using 1:5 "
         "with lines lw 1.5 title 'mouth-to-ear'");
  p.figures->push_back({"plots/" + p.prefix + "_delay.svg",
                        "Network one-way delay, jitter-buffer level and target, and "
                        "mouth-to-ear delay, per 100 ms (timeline.csv)."});
  s.output(p.prefix + "_events.svg", 600, 260);
  s.line(
      "set title 'Losses and concealment per 100 ms'\nset xlabel 'call time (s)'\nset ylabel 'count per "
      "bin'\n"
      "set grid\nset key outside below horizontal\nset style fill solid 0.8 noborder\nset boxwidth 0.024\n" +
      events_yrange(timeline) + p.xrange);
  s.line("plot " + gp_quote(dat) +
         " using ($1+0.0125):6 with boxes title 'packets lost', '' using ($1+0.0375):7 "
         "with boxes title 'concealed frames', '' using ($1+0.0625):8 with boxes title 'stretched frames', "
         "'' using "
         "($1+0.0875):9 with boxes title 'FEC frames'");
  p.figures->push_back(
      {"plots/" + p.prefix + "_events.svg",
       "Packets lost by the network, and 10 ms frames concealed (PLC), time-stretched or recovered "
       "from FEC, per 100 ms bin (timeline.csv)."});
}

void window_plot(DirectionPlots& p, const json* direction) {
  std::string series;
  for (const std::string key : {"pesq_nb", "pesq_wb"}) {
    const std::string data = window_data(direction, key);
    if (data.empty()) continue;
    const std::string dat = p.prefix + "_" + key + "_windows.dat";
    write_file_atomic(p.plots_dir / dat, data);
    series += std::string(series.empty() ? "" : ", ") + gp_quote(dat) +
              " using 1:3:($2-$1):(0) with vectors nohead lw 4 " + "title " +
              gp_quote(key == "pesq_nb" ? "MOS-LQO narrowband (P.862.1)" : "MOS-LQO wideband (P.862.2)");
  }
  if (series.empty()) {
    p.notes->push_back("no scored P.862 windows (scoring off or too little speech): no per-window MOS plot");
    return;
  }
  p.script->output(p.prefix + "_mos.svg", 600, 240);
  p.script->line(
      "set title 'MOS-LQO per scoring window'\nset xlabel 'call time (s)'\nset ylabel 'MOS-LQO'\n"
      "set yrange [1:5]\nset grid\nset key outside below horizontal\n" +
      p.xrange);
  p.script->line("plot " + series);
  p.figures->push_back(
      {"plots/" + p.prefix + "_mos.svg", "P.862 MOS-LQO of each scoring window (result.json)."});
}

void cdf_plot(DirectionPlots& p, const std::optional<Csv>& packets, const std::optional<Csv>& frames) {
  std::string series;
  auto add = [&](const std::optional<Csv>& csv, const std::string& column, const std::string& skip_if_one,
                 const std::string& name, const std::string& title) {
    if (!csv) return;
    const auto values = column_values(*csv, column, skip_if_one);
    if (values.empty()) return;
    const std::string dat = p.prefix + "_cdf_" + name + ".dat";
    write_file_atomic(p.plots_dir / dat, cdf_data(values));
    series += std::string(series.empty() ? "" : ", ") + gp_quote(dat) + " using 1:2 with lines lw 2 title " +
              gp_quote(title);
  };
  // First copies only, as network_delay_* (a duplicate's delay counted twice moved the curve's
  // 95 % away from network_delay_p95_ms beside it).
  add(packets, "delay_ms", "duplicate", "network", "network one-way delay (packets)");
  add(frames, "mouth_to_ear_ms", "", "mouth_to_ear", "mouth-to-ear delay (10 ms frames)");
  if (series.empty()) {
    // Say which it is: files that are not there, or a direction that delivered and played nothing.
    const bool rows = (packets && !packets->rows.empty()) || (frames && !frames->rows.empty());
    p.notes->push_back(rows ? "no packet was delivered and no frame carries a delay (packets.csv, frames.csv): no delay CDF"
                            : "packets.csv / frames.csv missing or empty: no delay CDF");
    return;
  }
  p.script->output(p.prefix + "_cdf.svg", 600, 300);
  p.script->line(
      "set title 'Delay distribution'\nset xlabel 'delay (ms)'\nset ylabel '% at or below'\n"
      "set yrange [0:100]\nset grid\nset key outside below horizontal");
  p.script->line("plot " + series);
  p.figures->push_back({"plots/" + p.prefix + "_cdf.svg",
                        "Cumulative distribution of the network one-way delay of "
                        "delivered packets, first copies (packets.csv), and of the mouth-to-ear "
                        "delay of played frames (frames.csv)."});
}

}  // namespace

fs::path call_file(const CallRecord& call, const json* direction, const std::string& name,
                   const std::string& key, const std::string& default_name) {
  if (direction && direction->contains("files") && direction->at("files").contains(key) &&
      direction->at("files").at(key).is_string())
    return call.dir / direction->at("files").at(key).get<std::string>();
  return call.dir / scenario::direction_folder(name) / default_name;
}

std::map<std::string, std::vector<Figure>> make_call_plots(
    Context& ctx, const CallRecord& call, const json* result, const fs::path& page_dir,
    std::map<std::string, std::vector<std::string>>* notes) {
  std::map<std::string, std::vector<Figure>> figures;
  if (!result || !result->contains("directions")) return figures;
  const fs::path plots_dir = page_dir / "plots";
  fs::create_directories(plots_dir);
  PlotScript script;
  for (const auto& [direction, d] : result->at("directions").items()) {
    DirectionPlots p{&script, plots_dir, scenario::direction_folder(direction), &figures[direction],
                     &(*notes)[direction]};
    if (auto timeline = read_csv(call_file(call, &d, direction, "timeline", "timeline.csv")))
      timeline_plots(p, *timeline);
    else
      p.notes->push_back("timeline.csv not found: no timeline plots");
    window_plot(p, &d);
    cdf_plot(p, read_csv(call_file(call, &d, direction, "packets", "packets.csv")),
             read_csv(call_file(call, &d, direction, "frames", "frames.csv")));
  }
  if (script.outputs() > 0) run_plot_script(ctx, plots_dir, "call.gp", script);
  return figures;
}

}  // namespace callsim::harness::report_detail
