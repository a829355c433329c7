#include "harness/check/baseline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "common/atomic_file.h"
#include "common/error.h"
#include "json/json_node.h"
#include "json/schema.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

std::string trimmed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

const results::MetricInfo& known_metric(const JsonNode& node, const std::string& name) {
  const results::MetricInfo* info = results::find_metric(name);
  if (!info) node.fail("unknown metric '" + name + "' (`callsim metrics` lists them)");
  return *info;
}

Tolerance parse_tolerance(const JsonNode& n) {
  Tolerance t;
  if (auto a = n.find("absolute")) t.absolute = a->number(Range::at_least(0));
  if (auto r = n.find("relative")) t.relative = r->number(Range::at_least(0));
  return t;
}

// "worse" may be left out; when given it must agree with the metric table.
MetricPolicy parse_policy(const JsonNode& n, const results::MetricInfo& info) {
  n.expect_keys({"worse", "absolute", "relative"});
  MetricPolicy p;
  if (info.worse == Worse::kNeither) n.fail("metric '" + info.name + "' has no worse direction; it cannot be tracked");
  p.worse = info.worse;
  if (auto w = n.find("worse")) {
    const Worse given = w->choice({"lower", "higher"}) == "lower" ? Worse::kLower : Worse::kHigher;
    if (given != info.worse)
      w->fail("'" + info.name + "': " + to_string(info.worse) + " is worse (results/metric_table.h), not " +
              to_string(given));
  }
  p.tolerance = parse_tolerance(n);
  if (p.tolerance.empty()) n.fail("a policy needs an 'absolute' or 'relative' tolerance");
  return p;
}

BaselineMetric parse_metric(const JsonNode& n) {
  if (n.is_number()) return BaselineMetric{n.number(), {}};
  if (!n.json().is_object()) n.fail("expected a number or an object {\"value\", \"absolute\", \"relative\"}");
  n.expect_keys({"value", "absolute", "relative"});
  return BaselineMetric{n.at("value").number(), parse_tolerance(n)};
}

BaselineCall parse_call(const JsonNode& n, const Baseline& b) {
  n.expect_keys({"scenario", "scenario_fingerprint", "directions"});
  BaselineCall c;
  c.scenario = n.string_or("scenario", "");
  c.scenario_fingerprint = results::read_fingerprint(n, "scenario_fingerprint");
  for (const auto& [direction, metrics] : n.at("directions").members()) {
    static const std::regex direction_name(R"(^[A-Za-z0-9_-]+->[A-Za-z0-9_-]+$)");
    if (!std::regex_match(direction, direction_name))
      metrics.fail("'" + direction + "' is not a direction name ('sender->receiver')");
    auto& out = c.directions[direction];
    for (const auto& [name, value] : metrics.members()) {
      known_metric(value, name);
      if (!b.defaults.count(name)) value.fail("metric '" + name + "' has no policy in /defaults");
      out[name] = parse_metric(value);
      // As the results reader: a MOS of 9 or a negative ratio compared as an "improvement".
      const results::MetricInfo* info = results::find_metric(name);
      if (info && !results::value_fits_kind(info->kind, out[name].value)) {
        const JsonNode at = value.is_number() ? value : value.at("value");
        at.fail(at.json().dump() + " is not a value " + name + " can have (" +
                results::kind_allows(info->kind) + ")");
      }
    }
  }
  return c;
}

json tolerance_fields(const Tolerance& t) {
  json j = json::object();
  if (t.absolute) j["absolute"] = *t.absolute;
  if (t.relative) j["relative"] = *t.relative;
  return j;
}

}  // namespace

std::map<std::string, MetricPolicy> default_policies() {
  std::map<std::string, MetricPolicy> out;
  for (const auto& m : results::metric_table())
    if (m.tracked) out[m.name] = MetricPolicy{m.worse, m.tolerance};
  return out;
}

std::vector<std::string> untracked_by_default(const Baseline& baseline) {
  std::vector<std::string> out;
  for (const auto& m : results::metric_table())
    if (m.tracked && !baseline.defaults.count(m.name)) out.push_back(m.name);
  return out;
}

void track_metric(Baseline& baseline, const std::string& metric, const std::string& source) {
  const results::MetricInfo* info = results::find_metric(metric);
  if (!info) throw InputError(source, "", "'" + metric + "' is not a metric (`callsim metrics` lists them)");
  if (info->worse == Worse::kNeither || info->tolerance.empty())
    throw InputError(source, "", metric + ": neither way of it is worse, so it cannot regress");
  baseline.defaults.try_emplace(metric, MetricPolicy{info->worse, info->tolerance});
}

double allowed_change(const Tolerance& t, double value, double scale) {
  const double a = t.absolute.value_or(0.0);
  const double r = t.relative.value_or(0.0) * std::fabs(value);
  return scale * std::max(a, r);
}

std::string describe_tolerance(const Tolerance& t, double scale) {
  std::string a, r;
  if (t.absolute) a = trimmed(*t.absolute * scale, 4) + " abs";
  if (t.relative) r = trimmed(*t.relative * scale * 100.0, 2) + "% rel";
  if (!a.empty() && !r.empty()) return "max(" + a + ", " + r + ")";
  return a.empty() ? r : a;
}

Baseline parse_baseline(const json& doc, const std::string& file) {
  const JsonNode root(doc, file);
  root.expect_keys({"$schema", "format", "description", "defaults", "calls"});
  const JsonNode format = root.at("format");
  if (format.string() != kBaselineFormat)
    format.fail("unsupported format '" + format.string() + "'; expected '" + kBaselineFormat + "'");
  Baseline b;
  if (auto d = root.find("description")) b.description = d->string();
  for (const auto& [name, policy] : root.at("defaults").members())
    b.defaults[name] = parse_policy(policy, known_metric(policy, name));
  for (const auto& [id, call] : root.at("calls").members()) {
    if (id.empty()) call.fail("a call id must not be empty");
    b.calls[id] = parse_call(call, b);
  }
  // The C++ rules above give the precise messages; the schema is the published contract.
  if (auto v = check_schema(doc, "baseline.schema.json"))
    throw InputError(file, v->pointer.empty() ? "/" : v->pointer, "schema: " + v->message);
  return b;
}

Baseline load_baseline(const std::filesystem::path& path) {
  return parse_baseline(read_json_file(path.string()), path.string());
}

json baseline_to_json(const Baseline& b) {
  json defaults = json::object();
  for (const auto& [name, p] : b.defaults) {
    json j = tolerance_fields(p.tolerance);
    j["worse"] = to_string(p.worse);
    defaults[name] = j;
  }
  json calls = json::object();
  for (const auto& [id, c] : b.calls) {
    json directions = json::object();
    for (const auto& [direction, metrics] : c.directions) {
      json d = json::object();
      for (const auto& [name, m] : metrics) {
        if (m.override_tolerance.empty()) {
          d[name] = results::metric_value_json(name, m.value);
        } else {
          json j = tolerance_fields(m.override_tolerance);
          j["value"] = results::metric_value_json(name, m.value);
          d[name] = j;
        }
      }
      directions[direction] = d;
    }
    calls[id] = {{"scenario", c.scenario}, {"directions", directions}};
    if (!c.scenario_fingerprint.empty()) calls[id]["scenario_fingerprint"] = c.scenario_fingerprint;
  }
  json out = {{"format", kBaselineFormat}, {"defaults", defaults}, {"calls", calls}};
  if (!b.description.empty()) out["description"] = b.description;
  return out;
}

void save_baseline(const Baseline& b, const std::filesystem::path& path) {
  write_file_atomic(path, json_text(baseline_to_json(b), 2) + "\n");
}

Baseline update_baseline(const Baseline* previous, const std::vector<CallRecord>& calls, bool keep_missing,
                         BaselineUpdate* summary) {
  BaselineUpdate s;
  Baseline out;
  out.defaults = previous ? previous->defaults : default_policies();
  if (previous) out.description = previous->description;
  for (const auto& call : calls) {
    const BaselineCall* old = nullptr;
    if (previous)
      if (auto it = previous->calls.find(call.id); it != previous->calls.end()) old = &it->second;
    if (!call.error.empty()) {  // a job that did not run keeps its previous entry
      s.skipped.push_back(call.id);
      if (old) out.calls[call.id] = *old;
      continue;
    }
    BaselineCall bc{call.scenario, call.scenario_fingerprint, {}};
    // Values measured on another scenario say nothing about this one.
    const bool changed = old && results::other_scenario(old->scenario_fingerprint, call.scenario_fingerprint);
    if (changed) {
      // The new scenario's values replace all the old ones, or none: a tracked metric the results
      // lack (P.862 off, not measured) would otherwise leave the gate with its override.
      std::string lacking;
      for (const auto& [direction, metrics] : old->directions)
        for (const auto& [name, entry] : metrics)
          if (!find_metric(call, direction, name)) lacking = direction + " " + name;
      if (!lacking.empty()) {
        s.scenario_changed_kept.push_back(call.id + " (no value for " + lacking + ")");
        out.calls[call.id] = *old;
        continue;
      }
      s.scenario_changed.push_back(call.id);
    }
    for (const auto& [direction, metrics] : call.metrics) {
      auto& dst = bc.directions[direction];
      const std::map<std::string, BaselineMetric>* old_metrics = nullptr;
      if (old)
        if (auto d = old->directions.find(direction); d != old->directions.end()) old_metrics = &d->second;
      for (const auto& [name, policy] : out.defaults) {
        const BaselineMetric* previous_entry = nullptr;
        if (old_metrics)
          if (auto o = old_metrics->find(name); o != old_metrics->end()) previous_entry = &o->second;
        auto m = metrics.find(name);
        if (m != metrics.end()) {
          dst[name] =
              BaselineMetric{m->second, previous_entry ? previous_entry->override_tolerance : Tolerance{}};
          continue;
        }
        // Not in the results: the results say nothing new about it. A metric the baseline tracked
        // keeps its entry (value and override) instead of silently leaving the gate.
        if (!previous_entry || changed) continue;
        dst[name] = *previous_entry;
        const results::MetricInfo* info = results::find_metric(name);
        const bool unscored = info && info->needs_pesq && !call.pesq_scored;
        s.kept_metrics.push_back(call.id + " " + direction + " " + name +
                                 (unscored ? " (P.862 scoring was off)" : " (not measured)"));
      }
    }
    (old ? s.updated : s.added).push_back(call.id);
    out.calls[call.id] = std::move(bc);
  }
  if (previous) {
    for (const auto& [id, c] : previous->calls) {
      if (out.calls.count(id)) continue;
      if (keep_missing) {
        out.calls[id] = c;
        s.kept.push_back(id);
      } else {
        s.removed.push_back(id);
      }
    }
  }
  if (summary) *summary = std::move(s);
  return out;
}

}  // namespace callsim::harness
