// The text output of `callsim check`: headline, aligned table of moved metrics, lists of failed
// expectations, calls that did not run, missing and new calls, and the final verdict.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "harness/check/check.h"

namespace callsim::harness {

const char* const kNoCallsChecked =
    "no calls checked: the results hold no calls, so nothing was gated (an empty shard of a sweep with more "
    "shards than jobs: --allow-empty)";
const char* const kNoResultCallInBaseline =
    "no result call is in the baseline: nothing was compared with it (every call is new, every baseline call "
    "missing; likely a wrong baseline)";
namespace {

using Row = std::vector<std::string>;

// The metric with its unit where the unit is not obvious from the name (R and its scale, MOS kind).
std::string metric_label(const std::string& metric) {
  const results::MetricInfo* info = results::find_metric(metric);
  if (!info || info->kind == results::MetricKind::kMilliseconds || info->kind == results::MetricKind::kRatio ||
      info->kind == results::MetricKind::kCount)
    return metric;
  return metric + " [" + std::string(results::unit_label(info->kind)) + "]";
}

Row change_row(const MetricChange& c) {
  std::string now = c.now ? format_metric(c.metric, *c.now) : "n/a";
  std::string delta = c.now ? c.delta_text() : c.verdict == Verdict::kSkipped ? "not scored" : "not measured";
  return {to_string(c.verdict),
          c.id,
          c.direction,
          metric_label(c.metric),
          format_metric(c.metric, c.baseline),
          now,
          delta,
          c.tolerance + " (" + to_string(c.worse) + " worse)"};
}

// Columns 4..6 (numbers) are right-aligned, the others left-aligned; two spaces between columns.
std::string render(const std::vector<Row>& rows) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      const std::string pad(width[i] - r[i].size(), ' ');
      const bool right = i >= 4 && i <= 6;
      line += (i ? "  " : "") + (right ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : ""));
    }
    out += line + "\n";
  }
  return out;
}

int verdict_rank(Verdict v) {
  return v == Verdict::kRegression ? 0 : v == Verdict::kImproved ? 1 : v == Verdict::kSkipped ? 2 : 3;
}

std::vector<MetricChange> moved(const CheckReport& report, bool verbose) {
  std::vector<MetricChange> out;
  for (const auto& c : report.changes)
    if ((c.verdict != Verdict::kWithin && c.verdict != Verdict::kSkipped) || (verbose && c.delta != 0))
      out.push_back(c);
  std::stable_sort(out.begin(), out.end(), [](const MetricChange& a, const MetricChange& b) {
    if (verdict_rank(a.verdict) != verdict_rank(b.verdict))
      return verdict_rank(a.verdict) < verdict_rank(b.verdict);
    if (a.severity() != b.severity()) return a.severity() > b.severity();
    return std::tie(a.id, a.direction, a.metric) < std::tie(b.id, b.direction, b.metric);
  });
  return out;
}

std::string plural(long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string headline(const CheckReport& r) {
  std::ostringstream os;
  const int in_results = static_cast<int>(r.calls.size()) - r.count(CallStatus::kMissing);
  const auto added =
      std::count_if(r.calls.begin(), r.calls.end(), [](const CallCheck& c) { return c.is_new; });
  const int changed = r.scenarios_changed();
  // pass + fail + did not run = the calls in the results (a new call is in one of them, as in
  // JUnit: a test case that passed, failed or errored); "new" counts some of them again.
  os << "callsim check: " << plural(in_results, "call", "calls") << ": "
     << r.count(CallStatus::kPass) + r.count(CallStatus::kNew) << " pass, " << r.count(CallStatus::kFail) << " fail";
  if (changed) os << " (" << changed << " of another scenario than the baseline's)";
  os << ", " << r.count(CallStatus::kError) << " did not run";
  if (r.has_baseline) {
    os << "; of these " << added << " new (not in the baseline); " << r.count(CallStatus::kMissing) << " missing"
       << (r.allow_missing && r.count(CallStatus::kMissing) ? " (allowed)" : "") << "\n"
       << "metrics vs baseline: " << r.count(Verdict::kRegression) << " regressed, "
       << r.count(Verdict::kImproved) << " improved, " << r.count(Verdict::kWithin) << " within tolerance";
    if (const int skipped = r.count(Verdict::kSkipped)) os << ", " << skipped << " skipped (not scored)";
  } else {
    os << " (no baseline: expectations only)";
  }
  return os.str() + "\n";
}

void list_section(std::ostringstream& os, const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  os << "\n" << title << "\n";
  for (const auto& l : lines) os << "  " << l << "\n";
}

// Results made by more than one callsim build (a sweep folder merged from shards built apart, a
// results.jsonl joined from two runs): said, since a difference between their calls may be the
// builds' rather than the network's.
std::string builds_note(const CheckReport& report) {
  const auto& builds = report.builds;
  if (builds.size() < 2) return "";
  std::string list;
  for (const auto& [id, n] : builds)
    list += (list.empty() ? "" : ", ") + id + " (" + plural(n, "call", "calls") + ")";
  return "note: these results come from " + std::to_string(builds.size()) + " callsim builds: " + list +
         "; a difference between their calls may be the builds'\n";
}

}  // namespace

std::string format_check_table(const CheckReport& report, bool verbose) {
  std::ostringstream os;
  os << headline(report);
  os << builds_note(report);
  const auto rows = moved(report, verbose);
  if (!rows.empty()) {
    std::vector<Row> table{{"verdict", "id", "direction", "metric", "baseline", "now", "delta", "tolerance"}};
    for (const auto& c : rows) table.push_back(change_row(c));
    os << "\n" << render(table);
  }
  std::vector<std::string> failed, skipped, errors, missing, added, changed;
  for (const auto& c : report.calls) {
    for (const auto& e : c.failed_expectations) failed.push_back(c.id + "  " + e);
    for (const auto& e : c.skipped_expectations) skipped.push_back(c.id + "  " + e);
    if (c.status == CallStatus::kError) errors.push_back(c.id + "  " + c.error);
    if (c.status == CallStatus::kMissing) missing.push_back(c.id + "  (scenario " + c.scenario + ")");
    if (c.is_new) added.push_back(c.id + "  (scenario " + c.scenario + ")");
    if (!c.scenario_changed.empty()) changed.push_back(c.id + "  (" + c.scenario_changed + ")");
  }
  list_section(os, "Failed expectations:", failed);
  list_section(os, "Skipped expectations (not failures):", skipped);
  list_section(os, "Did not run:", errors);
  list_section(os,
               "Scenario changed since the baseline (figures not compared; `callsim baseline update` takes "
               "the new scenario's):",
               changed);
  list_section(os, report.allow_missing ? "Not in this run (in the baseline; --allow-missing):"
                                        : "Missing (in the baseline, not in the results):",
               missing);
  list_section(os, "New (not in the baseline; `callsim baseline update` adds them):", added);
  if (report.checked == 0)
    os << "\n"
       << (report.allow_empty ? "No calls checked (the results hold no calls; allowed by --allow-empty)."
                              : kNoCallsChecked)
       << "\n";
  if (report.no_baseline_call_refused()) os << "\n" << kNoResultCallInBaseline << "\n";
  os << "\n" << (report.passed() ? "CHECK PASSED" : "CHECK FAILED") << "\n";
  return os.str();
}

}  // namespace callsim::harness
