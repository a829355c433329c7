#include "harness/check/check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace callsim::harness {
namespace {

// Beyond tolerance means strictly beyond, with room for the decimal rounding of result files.
bool beyond(double bad_move, double allowed, double value) {
  return bad_move > allowed + 1e-9 * std::max(1.0, std::fabs(value));
}

MetricChange compare_metric(const std::string& id, const std::string& direction, const std::string& metric,
                            const BaselineMetric& bm, const MetricPolicy& policy, std::optional<double> now,
                            double scale, bool pesq_scored) {
  const Tolerance& t = bm.override_tolerance.empty() ? policy.tolerance : bm.override_tolerance;
  MetricChange c{id,
                 direction,
                 metric,
                 bm.value,
                 now,
                 0.0,
                 allowed_change(t, bm.value, scale),
                 describe_tolerance(t, scale),
                 policy.worse,
                 Verdict::kWithin};
  c.relative_bound = t.relative && *t.relative * std::fabs(bm.value) >= t.absolute.value_or(0.0);
  if (!now || !std::isfinite(*now)) {
    c.now = std::nullopt;
    const results::MetricInfo* info = results::find_metric(metric);
    c.verdict = info && info->needs_pesq && !pesq_scored ? Verdict::kSkipped : Verdict::kRegression;
    return c;
  }
  c.delta = *now - bm.value;
  if (results::same_at_display_precision(metric, *now, bm.value)) return c;  // no visible change
  const double bad_move = policy.worse == Worse::kLower ? -c.delta : c.delta;
  if (beyond(bad_move, c.allowed, bm.value))
    c.verdict = Verdict::kRegression;
  else if (beyond(-bad_move, c.allowed, bm.value))
    c.verdict = Verdict::kImproved;
  return c;
}

void compare_call(const CallRecord& call, const BaselineCall& base, const Baseline& baseline,
                  const CheckOptions& options, CheckReport* report, CallCheck* check) {
  for (const auto& [direction, metrics] : base.directions) {
    for (const auto& [metric, bm] : metrics) {
      const MetricPolicy& policy = baseline.defaults.at(metric);
      MetricChange c = compare_metric(call.id, direction, metric, bm, policy, find_metric(call, direction, metric),
                                      options.tolerance_scale, call.pesq_scored);
      if (c.verdict == Verdict::kRegression) check->regressions.push_back(c);
      report->changes.push_back(std::move(c));
    }
  }
}

CallCheck check_call(const CallRecord& call, const Baseline* baseline, const CheckOptions& options,
                     CheckReport* report) {
  CallCheck cc;
  cc.id = call.id;
  cc.scenario = call.scenario;
  cc.record = &call;
  cc.error = call.error;
  for (const auto& e : call.expectations) {
    if (e.status == results::ExpectationStatus::kSkipped) {
      cc.skipped_expectations.push_back(e.direction + ": " + e.expect + " (" + e.note + ")");
      continue;
    }
    if (!e.failed()) continue;
    cc.failed_expectations.push_back(
        e.direction + ": " + e.expect + " (" +
        (e.measured ? "measured " + results::format_measured(e) : "measured nothing" + (e.note.empty() ? "" : ": " + e.note)) +
        ")");
  }
  if (!call.passed && call.error.empty() && cc.failed_expectations.empty())
    cc.failed_expectations.push_back("the call is marked as failed");
  if (baseline) {
    auto it = baseline->calls.find(call.id);
    if (it == baseline->calls.end())
      cc.is_new = true;
    else if (const std::string& was = it->second.scenario_fingerprint;
             call.error.empty() && results::other_scenario(was, call.scenario_fingerprint))
      cc.scenario_changed = was + " in the baseline, " + call.scenario_fingerprint + " now";
    else if (call.error.empty())
      compare_call(call, it->second, *baseline, options, report, &cc);
  }
  if (!call.error.empty())
    cc.status = CallStatus::kError;
  else if (!cc.failed_expectations.empty() || !cc.regressions.empty() || !cc.scenario_changed.empty())
    cc.status = CallStatus::kFail;
  else
    cc.status = cc.is_new ? CallStatus::kNew : CallStatus::kPass;
  return cc;
}

}  // namespace

std::string MetricChange::delta_text(bool with_percent) const {
  if (!now) return "";
  const double bound = delta >= 0 ? allowed : -allowed;
  std::string out = (delta >= 0 ? "+" : "") + results::format_metric_apart(metric, delta, bound);
  if (with_percent && baseline != 0) {
    const double base = std::fabs(baseline);
    const double percent = 100.0 * delta / base;
    out += " (" + std::string(delta >= 0 ? "+" : "") +
           results::fixed_apart(percent, relative_bound ? 100.0 * bound / base : percent, 1) + "%)";
  }
  return out;
}

double MetricChange::severity() const {
  if (!now) return 1e300;
  return allowed > 0 ? std::fabs(delta) / allowed : std::fabs(delta) * 1e12;
}

std::vector<std::string> CallCheck::problems() const {
  std::vector<std::string> out;
  if (status == CallStatus::kMissing)
    out.push_back(missing_allowed ? "not in this run (--allow-missing)" : "missing: in the baseline but not in the results");
  if (!error.empty()) out.push_back("did not run: " + error);
  if (!scenario_changed.empty())
    out.push_back("scenario changed since the baseline (" + scenario_changed +
                  "): its figures were not compared; `callsim baseline update` takes the new scenario's");
  for (const auto& e : failed_expectations) out.push_back("expectation failed: " + e);
  for (const auto& r : regressions) {
    std::string line =
        "regression: " + r.direction + " " + results::name_with_scale(r.metric) + " " + format_metric(r.metric, r.baseline);
    if (r.now)
      line += " -> " + format_metric(r.metric, *r.now) + " (" + r.delta_text(false) + ", allowed " + r.tolerance + ", " +
              to_string(r.worse) + " is worse)";
    else
      line += " -> not measured";
    out.push_back(line);
  }
  return out;
}

int CheckReport::count(CallStatus status) const {
  return static_cast<int>(
      std::count_if(calls.begin(), calls.end(), [&](const CallCheck& c) { return c.status == status; }));
}

int CheckReport::scenarios_changed() const {
  return static_cast<int>(
      std::count_if(calls.begin(), calls.end(), [](const CallCheck& c) { return !c.scenario_changed.empty(); }));
}

int CheckReport::count(Verdict verdict) const {
  return static_cast<int>(std::count_if(changes.begin(), changes.end(),
                                        [&](const MetricChange& c) { return c.verdict == verdict; }));
}

bool CheckReport::no_baseline_call_refused() const {
  // A baseline with no calls at all (what `baseline update --allow-empty` writes from an empty
  // shard) compares nothing either: every call is new, and none is missing.
  if (!has_baseline || checked == 0) return false;
  return std::all_of(calls.begin(), calls.end(),
                     [](const CallCheck& c) { return c.status == CallStatus::kMissing || c.is_new; });
}

const char* CheckReport::refusal() const {
  if (no_calls_refused()) return kNoCallsChecked;
  if (no_baseline_call_refused()) return kNoResultCallInBaseline;
  return nullptr;
}

bool CheckReport::passed() const {
  if (refusal()) return false;
  return std::none_of(calls.begin(), calls.end(), [](const CallCheck& c) { return c.failed(); });
}

const CallCheck* CheckReport::find(const std::string& id) const {
  for (const auto& c : calls)
    if (c.id == id) return &c;
  return nullptr;
}

CheckReport run_check(const std::vector<CallRecord>& calls, const Baseline* baseline,
                      const CheckOptions& options) {
  CheckReport report;
  report.has_baseline = baseline != nullptr;
  report.allow_missing = options.allow_missing;
  report.allow_empty = options.allow_empty;
  report.checked = calls.size();
  std::set<std::string> seen;
  for (const auto& call : calls) {
    report.calls.push_back(check_call(call, baseline, options, &report));
    seen.insert(call.id);
    if (!call.callsim_build.empty()) ++report.builds[call.callsim_build];
  }
  if (baseline) {
    for (const auto& [id, base] : baseline->calls) {
      if (seen.count(id)) continue;
      CallCheck missing;
      missing.id = id;
      missing.scenario = base.scenario.empty() ? id : base.scenario;
      missing.status = CallStatus::kMissing;
      missing.missing_allowed = options.allow_missing;
      report.calls.push_back(std::move(missing));
    }
  }
  return report;
}

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "REGRESSION";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kWithin:
      return "within";
    case Verdict::kSkipped:
      return "skipped";
  }
  return "?";
}

std::string to_string(CallStatus status) {
  switch (status) {
    case CallStatus::kPass:
      return "pass";
    case CallStatus::kNew:
      return "new";
    case CallStatus::kFail:
      return "FAIL";
    case CallStatus::kMissing:
      return "MISSING";
    case CallStatus::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace callsim::harness
