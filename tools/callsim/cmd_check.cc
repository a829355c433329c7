// `callsim check RESULTS… [--baseline FILE] [--junit FILE] [--tolerance-scale X]`: the CI gate.
// RESULTS are results.jsonl files, sweep folders or `callsim run` folders. Prints what moved
// against the baseline (regressions first), failed and skipped expectations, missing and new calls;
// exit 1 when a call failed, regressed or is missing (unless --allow-missing) or when the results hold
// no calls at all (unless --allow-empty), 2 on bad input. An earlier --junit FILE is removed first,
// and a check that reaches no verdict writes one <error> there instead (reports/README.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_numbers.h"
#include "commands.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "harness/check/check.h"
#include "harness/check/junit.h"

namespace callsim::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> results;
  std::string baseline, junit;
  double tolerance_scale = 1.0;
  bool verbose = false;
  bool allow_missing = false;
  bool allow_empty = false;
};

int check_and_report(const CheckArgs& a, const std::vector<std::filesystem::path>& paths) {
  const auto calls = harness::load_calls(paths);
  std::optional<harness::Baseline> baseline;
  if (!a.baseline.empty()) baseline = harness::load_baseline(a.baseline);
  const auto report =
      harness::run_check(calls, baseline ? &*baseline : nullptr,
                         harness::CheckOptions{a.tolerance_scale, a.allow_missing, a.allow_empty});
  // The XML first: when it cannot be written the check ends with exit 2 and no verdict on stdout.
  if (!a.junit.empty()) write_file_atomic(a.junit, harness::junit_xml(report));
  std::cout << harness::format_check_table(report, a.verbose);
  return report.passed() ? 0 : 1;
}

// An earlier run's --junit FILE, removed before this check can fail: a CI server that publishes
// the file whatever the exit code must never show an earlier (passing) verdict for a check that
// reached none. A folder there is left alone (writing the XML fails, naming it).
void remove_earlier_junit(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(file, ec);
  if (ec || !fs::exists(st) || fs::is_directory(st)) return;
  if (!fs::remove(file, ec) && ec)
    throw OutputError(file.string(), "cannot remove the earlier JUnit file: " + ec.message());
}

int run_check_command(const CheckArgs& a) {
  std::vector<std::filesystem::path> paths(a.results.begin(), a.results.end());
  if (a.junit.empty()) return check_and_report(a, paths);
  // The files check reads: results given as files, a sweep's results.jsonl, a run's result.json.
  std::vector<std::filesystem::path> read = paths;
  for (const auto& p : paths) read.push_back(p / "results.jsonl"), read.push_back(p / "result.json");
  if (!a.baseline.empty()) read.push_back(a.baseline);
  refuse_output_over_input(a.junit, "--junit", read);
  remove_earlier_junit(a.junit);
  try {
    return check_and_report(a, paths);
  } catch (...) {
    // No verdict (bad input, the XML or the table cannot be written, a bug): the file says so if it
    // can be written; else it stays absent. The error itself ends the command as before.
    try {
      write_file_atomic(a.junit, harness::junit_error_xml(describe_error(std::current_exception())));
    } catch (...) {
      // Not written either (a full disk): the earlier file is gone all the same.
    }
    throw;
  }
}

}  // namespace

Command add_check(CLI::App& app) {
  auto* sub = app.add_subcommand("check", "CI gate: expectations and regressions against a baseline");
  auto a = std::make_shared<CheckArgs>();
  sub->add_option("results", a->results, "results.jsonl files, sweep folders or run folders")->required();
  sub->add_option("--baseline", a->baseline,
                  "Baseline file (e.g. reports/baseline.json); without it only "
                  "expectations are checked");
  sub->add_option("--junit", a->junit, "Also write JUnit XML to this file")->transform(OutputPath());
  sub->add_option("--tolerance-scale", a->tolerance_scale, "Multiply every tolerance by this factor")
      ->check(Number(0, 1000, true));
  sub->add_flag("-v,--verbose", a->verbose, "Also list metrics that moved within tolerance");
  sub->add_flag("--allow-missing", a->allow_missing,
                "Baseline calls absent from the results do not fail the check (a subset run against a full "
                "baseline); they are listed, and <skipped> in JUnit");
  sub->add_flag(
      "--allow-empty", a->allow_empty,
      "Results holding no calls at all pass (an empty shard when a sweep has more shards than jobs); "
      "without it a check of no calls fails");
  return {sub, [a] { return run_check_command(*a); }};
}

}  // namespace callsim::cli
