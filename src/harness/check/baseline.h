// The committed baseline that `callsim check` compares results against (reports/baseline.json,
// schema scenarios/schema/baseline.schema.json). Per call id and direction it holds metric
// values; per tracked metric a policy says which way is worse (always the metric table's, see
// results/metric_table.h) and how far a value may move:
//   allowed = scale * max(absolute, relative * |baseline value|)   (in the metric's own unit)
// A metric entry may override the tolerance ({"value": v, "absolute": a, "relative": r}); an
// override replaces the default tolerance and survives `callsim baseline update`.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/check_results.h"
#include "results/metric_table.h"

namespace callsim::harness {

using results::Tolerance;
using results::Worse;  // kLower / kHigher here: a metric whose worse is kNeither cannot be tracked

struct MetricPolicy {
  Worse worse = Worse::kLower;
  Tolerance tolerance;
};

struct BaselineMetric {
  double value = 0;
  Tolerance override_tolerance;  // empty: the metric's default
};

struct BaselineCall {
  std::string scenario;
  // The fingerprint of the scenario the values were measured on (results::CallRecord's; "" in
  // baselines written before callsim recorded it): check compares a call only with values of the
  // same scenario.
  std::string scenario_fingerprint;
  std::map<std::string, std::map<std::string, BaselineMetric>> directions;  // direction → metric
};

struct Baseline {
  std::string description;                       // free text, kept by updates
  std::map<std::string, MetricPolicy> defaults;  // the tracked metrics
  std::map<std::string, BaselineCall> calls;     // by call id
};

inline constexpr const char* kBaselineFormat = "callsim-baseline/1";

// The policies a new baseline starts from: the metric table's tracked metrics with their default
// tolerances.
std::map<std::string, MetricPolicy> default_policies();

// The metrics the metric table tracks by default that `baseline` does not track (a baseline keeps
// its own list through updates, so a metric tracked since it was made is not gated until added).
std::vector<std::string> untracked_by_default(const Baseline& baseline);
// Adds `metric` to the tracked metrics with the table's direction and default tolerance (kept if
// tracked already). InputError naming `source` (the option) for a name not in the table, or a metric that has
// no worse direction (nothing to regress).
void track_metric(Baseline& baseline, const std::string& metric, const std::string& source);

// The allowed movement of a metric whose baseline value is `value`.
double allowed_change(const Tolerance& tolerance, double value, double scale);
// "0.100 abs", "10% rel", "max(2 abs, 10% rel)".
std::string describe_tolerance(const Tolerance& tolerance, double scale);

// Reads and validates a baseline file. Throws InputError naming the file and JSON pointer.
Baseline load_baseline(const std::filesystem::path& path);
Baseline parse_baseline(const nlohmann::json& doc, const std::string& file);
nlohmann::json baseline_to_json(const Baseline& baseline);
// Writes the baseline atomically (sorted keys, two-space indent).
void save_baseline(const Baseline& baseline, const std::filesystem::path& path);

struct BaselineUpdate {
  std::vector<std::string> added, updated, removed, kept, skipped;  // call ids
  // Updated calls whose scenario changed since the previous baseline (their fingerprints differ):
  // none of their previous values is kept, not even for metrics the results lack.
  std::vector<std::string> scenario_changed;
  // Calls whose scenario changed but whose results lack a value the previous entry tracks (P.862
  // was off, or it was not measured): "<id> (no value for <direction> <metric>)". Their previous
  // entry is kept whole, so `check` keeps failing them as "scenario changed" until results with
  // every tracked value renew it (or the entry is edited by hand).
  std::vector<std::string> scenario_changed_kept;
  // "<id> <direction> <metric> (P.862 scoring was off)" / "(not measured)": previous entries kept
  // because the results had no value for them.
  std::vector<std::string> kept_metrics;
};

// A baseline holding the tracked metrics of `calls`. Policies and per-metric tolerance overrides
// come from `previous` (built-in defaults when there is none). Calls of `previous` that are not
// in `calls` are dropped unless `keep_missing`. Calls that failed to run are skipped.
// A tracked metric the previous baseline has for a call direction that the results carry but
// without that metric — P.862 scoring was off (--no-score), or scoring ran and measured nothing
// (a dead direction) — keeps its previous entry, value and override (listed in kept_metrics): an
// update never drops a metric from the gate because it was not measured. A direction no longer in
// the call's results is dropped with the call's other old values. A call whose scenario changed
// (another fingerprint) keeps nothing of its previous entry but the metric tolerance overrides;
// when its results lack a value the previous entry tracks, the previous entry is kept whole
// instead (scenario_changed_kept).
Baseline update_baseline(const Baseline* previous, const std::vector<CallRecord>& calls, bool keep_missing,
                         BaselineUpdate* summary);

}  // namespace callsim::harness
