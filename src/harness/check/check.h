// The CI gate: compares a set of calls with their expectations and with a baseline. A call fails
// when one of its expectations failed, when it did not run, or when a tracked metric moved the
// bad way by more than its tolerance (or is no longer measured). A change that does not show at
// the metric's display precision is "within", whatever the tolerance. Expectations and baseline
// metrics that need P.862 are "skipped" (not failures) for calls run without P.862 scoring.
// Baseline calls absent from the results are failures ("missing") unless allow_missing (a subset
// run); calls absent from the baseline are "new" (not failures). A check of no calls at all (an
// empty results.jsonl) fails — it would otherwise pass whatever broke the sweep — unless
// allow_empty (an empty shard of a sweep with fewer jobs than shards). So does a check against a
// baseline that holds none of the results' calls (every call new, every baseline call missing:
// nothing was compared, most likely the wrong baseline), even under allow_missing. A call whose scenario is
// not the one the baseline's values were measured on (their scenario fingerprints differ: a
// setting, the seed, a talker or trace file changed under the same id) fails without its metrics
// being compared ("scenario changed"): figures of another scenario are no baseline for it. A
// fingerprint missing on either side (files of a callsim that did not record it) compares as before.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/baseline.h"
#include "harness/check/check_results.h"

namespace callsim::harness {

enum class Verdict {
  kRegression,
  kImproved,
  kWithin,
  kSkipped,  // needs P.862 scoring, which was off for this call
};

// One tracked metric of one call direction, baseline versus now (units of the metric).
struct MetricChange {
  std::string id, direction, metric;
  double baseline = 0;
  std::optional<double> now;  // nullopt: no longer measured (a regression)
  double delta = 0;           // now - baseline
  double allowed = 0;         // tolerance after scaling
  std::string tolerance;      // "0.1 abs", "10% rel"
  Worse worse = Worse::kLower;
  Verdict verdict = Verdict::kWithin;
  // The allowed move is the relative part of the tolerance (relative x |baseline| at least the
  // absolute part): only then is the percent the figure the verdict turns on.
  bool relative_bound = false;
  double severity() const;  // |delta| / allowed (large when allowed is 0)
  // "+0.1001 (+2.6%)": the move with the metric's decimals, more where those would print it as
  // the allowed move (a REGRESSION must not read "-0.100, allowed 0.1"); the percent of the
  // baseline value likewise where the tolerance is relative (else with one decimal). "" when not
  // measured.
  std::string delta_text(bool with_percent = true) const;
};

enum class CallStatus { kPass, kNew, kFail, kMissing, kError };

struct CallCheck {
  std::string id, scenario;
  const CallRecord* record = nullptr;  // null for a missing call
  CallStatus status = CallStatus::kPass;
  std::vector<std::string> failed_expectations;   // "alice->bob: mos_lqo_wb >= 3.6 (measured 3.214)"
  std::vector<std::string> skipped_expectations;  // "alice->bob: mos_lqo_wb >= 3.6 (skipped: ...)"
  std::vector<MetricChange> regressions;
  std::string error;    // why the job did not run
  // "fnv1a64:… in the baseline, fnv1a64:… now" when the scenario changed since the baseline
  // (a failure; its metrics were not compared); "" otherwise.
  std::string scenario_changed;
  bool is_new = false;           // not in the baseline (status kNew unless it failed otherwise)
  bool missing_allowed = false;  // kMissing under --allow-missing: reported, not a failure
  bool failed() const {
    return status == CallStatus::kFail || status == CallStatus::kError ||
           (status == CallStatus::kMissing && !missing_allowed);
  }
  // One line per problem, for JUnit failure messages and the report.
  std::vector<std::string> problems() const;
};

struct CheckOptions {
  double tolerance_scale = 1.0;
  bool allow_missing = false;  // baseline calls absent from the results do not fail the check
  bool allow_empty = false;    // results with no calls at all do not fail the check
};

struct CheckReport {
  std::vector<CallCheck> calls;       // results order, then missing calls in id order
  std::vector<MetricChange> changes;  // every compared metric
  bool has_baseline = false;
  bool allow_missing = false;
  // The callsim builds that made the calls (results::CallRecord::callsim_build, known ones only):
  // build → calls. More than one is noted by the table.
  std::map<std::string, int> builds;
  size_t checked = 0;  // calls in the results (not counting missing ones)
  bool allow_empty = false;
  bool no_calls_refused() const { return checked == 0 && !allow_empty; }  // fails the check
  // Results and a baseline without a call in common (fails the check, allow_missing or not).
  bool no_baseline_call_refused() const;
  // Why the check as a whole failed, apart from its calls (kNoCallsChecked,
  // kNoResultCallInBaseline), or nullptr.
  const char* refusal() const;
  int count(CallStatus status) const;
  int count(Verdict verdict) const;
  int scenarios_changed() const;  // calls whose scenario changed since the baseline (CallCheck::scenario_changed)
  bool passed() const;
  const CallCheck* find(const std::string& id) const;
};

// `baseline` may be null: only expectations and job errors are checked.
CheckReport run_check(const std::vector<CallRecord>& calls, const Baseline* baseline,
                      const CheckOptions& options);

std::string to_string(Verdict verdict);
std::string to_string(CallStatus status);

// A metric value with the display decimals of its kind (results/metric_table.h).
inline std::string format_metric(const std::string& metric, double value) {
  return results::format_metric(metric, value);
}

// The readable summary: a headline, an aligned table (verdict, id, direction, metric, baseline,
// now, delta, tolerance) with regressions first (worst first) then improvements — and, when
// `verbose`, changes within tolerance — followed by failed expectations, missing and new calls.
std::string format_check_table(const CheckReport& report, bool verbose);

// Why a check of no calls failed (the table and JUnit say it).
extern const char* const kNoCallsChecked;
// Why a check against a baseline holding none of the results' calls failed.
extern const char* const kNoResultCallInBaseline;

}  // namespace callsim::harness
