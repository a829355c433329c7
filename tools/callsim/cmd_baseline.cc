// `callsim baseline update RESULTS… [-o reports/baseline.json] [--keep-missing]`: rewrites the
// baseline from results, deliberately. Keeps the metric policies and per-metric tolerance
// overrides of the existing file; calls not in RESULTS are dropped unless --keep-missing. Results with
// no calls at all are refused (exit 2) unless --allow-empty.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_numbers.h"
#include "commands.h"
#include "common/error.h"
#include "harness/check/baseline.h"

namespace callsim::cli {
namespace {

struct BaselineArgs {
  std::vector<std::string> results;
  std::string output = "reports/baseline.json";
  bool keep_missing = false;
  bool allow_empty = false;
  std::vector<std::string> track;
};

void print_ids(const std::string& what, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::cout << "  " << what << " (" << ids.size() << "):";
  for (const auto& id : ids) std::cout << ' ' << id;
  std::cout << '\n';
}

int run_update(const BaselineArgs& a) {
  const std::vector<std::filesystem::path> paths(a.results.begin(), a.results.end());
  const auto calls = harness::load_calls(paths);
  if (calls.empty() && !a.allow_empty) {
    std::string inputs;
    for (const auto& r : a.results) inputs += (inputs.empty() ? "" : ", ") + r;
    throw InputError(inputs, "",
                     "the results hold no calls; updating from them would leave the baseline without calls "
                     "(--allow-empty to do that deliberately)");
  }
  std::optional<harness::Baseline> previous;
  if (std::filesystem::exists(a.output)) previous = harness::load_baseline(a.output);
  if (!a.track.empty() && !previous) previous = harness::Baseline{"", harness::default_policies(), {}};
  for (const auto& m : a.track) harness::track_metric(*previous, m, "--track");
  harness::BaselineUpdate summary;
  const auto updated =
      harness::update_baseline(previous ? &*previous : nullptr, calls, a.keep_missing, &summary);
  harness::save_baseline(updated, a.output);
  std::cout << "callsim baseline: wrote " << a.output << " (" << updated.calls.size() << " calls, "
            << updated.defaults.size() << " tracked metrics)\n";
  print_ids("added", summary.added);
  print_ids("updated", summary.updated);
  print_ids("scenario changed since the previous baseline (no previous value kept)", summary.scenario_changed);
  print_ids("scenario changed, but the results lack tracked values: previous entry kept (check keeps failing it; "
            "update from results with every tracked value)",
            summary.scenario_changed_kept);
  print_ids("removed", summary.removed);
  print_ids("kept (not in the results)", summary.kept);
  print_ids("skipped (did not run; previous entry kept)", summary.skipped);
  if (!summary.kept_metrics.empty()) {
    std::cout << "  metrics kept from the previous baseline (no value in the results) ("
              << summary.kept_metrics.size() << "):\n";
    for (const auto& m : summary.kept_metrics) std::cout << "    " << m << '\n';
  }
  print_ids("not tracked by this baseline, though the metric table tracks them by default (--track METRIC "
            "adds one)",
            harness::untracked_by_default(updated));
  return 0;
}

}  // namespace

Command add_baseline(CLI::App& app) {
  auto* sub = app.add_subcommand("baseline", "Manage the check baseline");
  sub->require_subcommand(1);
  auto* update =
      sub->add_subcommand("update", "Rewrite the baseline from results (keeps tolerance overrides)");
  auto a = std::make_shared<BaselineArgs>();
  update->add_option("results", a->results, "results.jsonl files, sweep folders or run folders")->required();
  update->add_option("-o,--out", a->output, "Baseline file to write")->capture_default_str()->transform(OutputPath());
  update->add_option("--track", a->track,
                     "Also track METRIC (repeatable), with the metric table's default tolerance: a baseline keeps its "
                     "own list of tracked metrics through updates")
      ->type_name("METRIC")
      ->allow_extra_args(false);  // one metric per --track: it took the results after it too
  update->add_flag("--keep-missing", a->keep_missing, "Keep baseline calls that are not in the results");
  update->add_flag(
      "--allow-empty", a->allow_empty,
      "Accept results with no calls (without it they are refused: exit 2, the baseline is not written)");
  return {sub, [a, update] { return update->parsed() ? run_update(*a) : 2; }};
}

}  // namespace callsim::cli
