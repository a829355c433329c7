// `callsim report`: the nightly HTML report, a folder that opens offline in a browser.
//   index.html            overview per call and direction (MOS-LQO, E-model R, mouth-to-ear,
//                         loss, concealment, pass/fail, change vs baseline, trend vs history;
//                         sortable), sweep plots (MOS-LQO vs loss and vs mouth-to-ear delay, one
//                         point set per codec setting), the jitter-buffer frontier of a sweep with
//                         a jitter_buffer axis (report_frontier.cc; --reference points beside it)
//   calls/<slug>/         one page per call: the scenario's description, source and link settings,
//                         timeline and delay-CDF plots, audio players for the reference and
//                         degraded signal of each direction, statistics tables
//   audio/                the audio of every page (Ogg/Opus by default), each distinct file once
//   plots/, calls/<slug>/plots/   SVGs with the gnuplot scripts and data files that made them
//   report.css, report.js the page style and the table sorting / self-check script
//   results.jsonl, report.json    the records shown (without call folders) and the run date, so
//                         a report folder serves as --history for later reports
// The folder is built beside the target and moved into place when complete.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace callsim::harness {

// How call pages carry audio: encoded into the report's audio/ folder as Ogg/Opus (small, what
// browsers play), as FLAC (lossless), as the WAV itself; linked relatively to the call folders; or
// not at all.
enum class AudioMode { kOpus, kFlac, kWav, kLink, kNone };

struct ReportOptions {
  std::filesystem::path output;
  std::optional<std::filesystem::path> baseline;
  std::vector<std::filesystem::path> history;  // earlier report or result folders, oldest first
  std::string date;                            // shown as given ("" = none); never the wall clock
  std::string gnuplot = "gnuplot";             // program name or path
  AudioMode audio = AudioMode::kOpus;
  double tolerance_scale = 1.0;
  // As `callsim check --allow-missing`: baseline calls absent from these results do not make the
  // page's CI verdict FAILED (a report of a subset, e.g. the nightly matrix beside the gate's
  // baseline). The verdict is the page's; the report's exit code is 0 whenever it is written.
  bool allow_missing = false;
  std::vector<std::string> series_axes;  // sweep axes naming a codec setting; empty: "codec" axes
  // Reference points for the jitter-buffer frontier (harness/report/reference_points.h): figures
  // measured outside these results (e.g. WebRTC NetEq on the same traces), drawn and judged with
  // the sweep's settings.
  std::vector<std::filesystem::path> references;
  // The frontier's quality tolerance (MOS-LQO WB): a setting at more delay is dominated by one at
  // less delay unless its WB is higher by more than this (harness/report/pareto.h). 0.05 is P.862's
  // precision, as issue 12 judges buffers; 0 draws the strict Pareto frontier.
  double frontier_tolerance = 0.05;
};

struct ReportSummary {
  int calls = 0, pages = 0, plots = 0;
  std::vector<std::string> warnings;  // gnuplot warnings, missing files
};

// Writes the report of the calls in `results` (results.jsonl files, sweep or run folders).
// Throws InputError for bad input, PlotError when gnuplot is missing or fails. Refuses to replace
// an existing folder that is not a callsim report.
ReportSummary write_report(const std::vector<std::filesystem::path>& results, const ReportOptions& options);

}  // namespace callsim::harness
