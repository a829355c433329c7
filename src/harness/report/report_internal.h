// Shared state of one `callsim report` run (internal to report*.cc and plot*.cc): the calls, the
// check against the baseline, the history nights, page slugs, the staging folder, and what has
// been written so far.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/baseline.h"
#include "harness/check/check.h"
#include "harness/check/check_results.h"
#include "harness/report/plot.h"
#include "harness/report/reference_points.h"
#include "harness/report/report.h"
#include "scenario/scenario.h"

namespace callsim::harness::report_detail {

// A JSON value as text (a call parameter, a scenario setting): a string as it is, anything else
// as its JSON.
inline std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// An earlier night: its label (report date or folder name) and its calls by id.
struct Night {
  std::string label;
  std::map<std::string, CallRecord> calls;
};

struct Context {
  ReportOptions options;
  std::vector<CallRecord> calls;
  std::optional<Baseline> baseline;
  CheckReport check;
  std::vector<Night> history;
  std::vector<ReferencePoint> references;     // options.references, read
  std::map<std::string, std::string> slugs;  // call id → folder name under calls/
  std::filesystem::path root;                // the staging folder being written
  std::map<std::string, std::string> audio_files;  // audio content key → path under root (stored once)
  std::string subtitle, sources;             // page header and footer text
  ReportSummary summary;
};

// A plot on a page: image path relative to the page, and a caption (plain text).
struct Figure {
  std::string src, caption;
};

// Runs gnuplot on `script` in `dir` (written there first); counts plots and keeps warnings.
void run_plot_script(Context& ctx, const std::filesystem::path& dir, const std::string& script_name,
                     const PlotScript& script);

// Per direction of a call: timeline, events, per-window MOS and delay-CDF figures, made in
// `page_dir`/plots from the call's CSV files and result.json. Notes say what could not be plotted.
std::map<std::string, std::vector<Figure>> make_call_plots(
    Context& ctx, const CallRecord& call, const nlohmann::json* result, const std::filesystem::path& page_dir,
    std::map<std::string, std::vector<std::string>>* notes);

// Sweep-level figures in root/plots: MOS-LQO vs loss (NB, WB), MOS-LQO vs mouth-to-ear delay.
std::vector<Figure> make_sweep_plots(Context& ctx);

// The codec setting of a call: the values of the series axes ("codec" by default), else the
// scenario name.
std::string series_of(const CallRecord& call, const std::vector<std::string>& axes);

// The metric a row's trend follows (MOS-LQO WB when measured, else NB) and its values over the
// history nights then this run (nullopt where a night lacks it, or ran another scenario under the
// call's id: their scenario fingerprints differ, and its figure is no point of this call's trend).
std::string trend_metric(const CallRecord& call, const std::string& direction);
std::vector<std::optional<double>> trend_values(const Context& ctx, const CallRecord& call,
                                                const std::string& direction, const std::string& metric);
// How many history nights ran another scenario under the call's id (left out of its trend).
int nights_of_another_scenario(const Context& ctx, const CallRecord& call);

// Sparklines for every (call id, direction) with two or more trend values, in root/plots;
// returns the image path relative to root per key.
std::map<std::pair<std::string, std::string>, std::string> make_trend_plots(Context& ctx);

// An <audio> player (label + element) for the `key` ("reference", "degraded") WAV of a direction,
// per ctx.options.audio (report_audio.cc); a note when the file is missing, "" for kNone.
std::string audio_player(Context& ctx, const CallRecord& call, const nlohmann::json* direction_json,
                         const std::string& direction, const std::string& key, const std::string& label,
                         const std::filesystem::path& page_dir);

// The call page's "Scenario" section from result.json (report_scenario.cc): description, source,
// tags and each link's settings; a note when result.json predates these fields.
std::string scenario_section(const nlohmann::json* result);

// The index's jitter-buffer frontier section (report_frontier.cc): per trace, MOS-LQO WB against
// mean mouth-to-ear delay with one point per jitter_buffer setting, the Pareto frontier, a table;
// "" when no trace has three or more jitter_buffer settings.
std::string frontier_section(Context& ctx);

void write_call_page(Context& ctx, const CallRecord& call);
void write_index(Context& ctx, const std::map<std::pair<std::string, std::string>, std::string>& sparklines);

// A file of a call direction: result.json's files/<key> entry, else <folder>/<default_name>.
std::filesystem::path call_file(const CallRecord& call, const nlohmann::json* direction,
                                const std::string& name, const std::string& key,
                                const std::string& default_name);

// "3.912", "n/a".
std::string metric_text(const std::string& metric, std::optional<double> value);

// A call's sweep parameters, "network=3g codec=wb24 (alice->bob)" (`separator` between them): an
// axis that changed only some directions (a matrix's apply_to) names them. "" when it has none.
std::string params_text(const CallRecord& call, const std::string& separator);

}  // namespace callsim::harness::report_detail
