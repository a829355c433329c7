// `callsim report RESULTS… -o DIR [--baseline FILE] [--history DIR…] [--date TEXT] [--reference CSV…] [--frontier-tolerance WB]`: the nightly
// HTML report (see harness/report.h). Exit 0 when written (whatever the CI verdict it shows: the
// gate's exit code is `callsim check`'s), 2 on bad input, an unusable output folder, or when
// gnuplot is missing or fails.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_numbers.h"
#include "commands.h"
#include "harness/report/report.h"

namespace callsim::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> results, history, series, references;
  std::string output, baseline, date, audio = "opus", gnuplot = "gnuplot";
  double tolerance_scale = 1.0, frontier_tolerance = 0.05;
  bool quiet = false, allow_missing = false;
};

int run_report(const ReportArgs& a) {
  harness::ReportOptions o;
  o.output = a.output;
  if (!a.baseline.empty()) o.baseline = a.baseline;
  o.history.assign(a.history.begin(), a.history.end());
  o.date = a.date;
  o.gnuplot = a.gnuplot;
  o.audio = a.audio == "link"   ? harness::AudioMode::kLink
            : a.audio == "none" ? harness::AudioMode::kNone
            : a.audio == "flac" ? harness::AudioMode::kFlac
            : a.audio == "wav"  ? harness::AudioMode::kWav
                                : harness::AudioMode::kOpus;
  o.tolerance_scale = a.tolerance_scale;
  o.allow_missing = a.allow_missing;
  o.series_axes = a.series;
  o.frontier_tolerance = a.frontier_tolerance;
  o.references.assign(a.references.begin(), a.references.end());
  const std::vector<std::filesystem::path> results(a.results.begin(), a.results.end());
  const auto summary = harness::write_report(results, o);
  for (const auto& w : summary.warnings) std::cerr << "callsim report: warning: " << w << '\n';
  if (!a.quiet)
    std::cout << "callsim report: wrote " << a.output << "/index.html (" << summary.calls << " calls, "
              << summary.pages << " pages, " << summary.plots << " plots)\n";
  return 0;
}

}  // namespace

Command add_report(CLI::App& app) {
  auto* sub = app.add_subcommand("report", "Nightly HTML report: overview, sweep plots, a page per call");
  auto a = std::make_shared<ReportArgs>();
  sub->add_option("results", a->results, "results.jsonl files, sweep folders or run folders")->required();
  sub->add_option("-o,--out", a->output, "Report folder to write (replaced if it is an earlier report)")
      ->required()->transform(OutputPath());
  sub->add_option("--baseline", a->baseline, "Baseline file: show regressions and improvements");
  sub->add_option("--history", a->history, "Earlier report or result folders, oldest first: trends");
  sub->add_option("--date", a->date, "Run date to show (the report never reads the clock)");
  sub->add_option("--audio", a->audio,
                  "Audio of the call pages: encoded into the report as Ogg/Opus 48 kbit/s (opus), FLAC "
                  "(flac) or copied as WAV (wav); linked to the call folders (link); or none")
      ->check(CLI::IsMember({"opus", "flac", "wav", "link", "none"}))
      ->capture_default_str();
  sub->add_option("--series", a->series,
                  "Sweep axes that name a codec setting (default: axes containing 'codec')");
  sub->add_option("--reference", a->references,
                  "CSV of reference points for the jitter-buffer frontier (label, mos_lqo_wb, "
                  "mouth_to_ear_mean_ms[, mouth_to_ear_p95_ms][, direction], sweep parameters), e.g. NetEq "
                  "measured on the same traces: drawn and judged beside the sweep's buffers (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--frontier-tolerance", a->frontier_tolerance,
                  "MOS-LQO WB difference the jitter-buffer frontier takes as equal (P.862's precision): a "
                  "setting at more delay is on it only when its WB is higher by more than this; 0 for the "
                  "strict Pareto frontier")
      ->check(Number(0, 4.5))
      ->capture_default_str();
  sub->add_option("--tolerance-scale", a->tolerance_scale, "Multiply every baseline tolerance by this factor")
      ->check(Number(0, 1000, true));
  sub->add_flag("--allow-missing", a->allow_missing,
                "Baseline calls absent from the results do not fail the page's CI verdict (as check "
                "--allow-missing: a report of a subset of the baseline's calls)");
  sub->add_option("--gnuplot", a->gnuplot, "gnuplot program")->capture_default_str();
  sub->add_flag("-q,--quiet", a->quiet, "Print only warnings and errors");
  return {sub, [a] { return run_report(*a); }};
}

}  // namespace callsim::cli
