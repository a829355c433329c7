// Baseline files: the update → save → load round trip, tolerance overrides surviving updates,
// dropped / kept calls, and exact errors (file + JSON pointer) for malformed files.
#include <gtest/gtest.h>

#include "check_test_util.h"
#include "common/error.h"
#include "harness/check/baseline.h"
#include "harness/check/check.h"
#include "json/schema.h"

namespace callsim::harness {
namespace {

using checkutil::good_metrics;
using checkutil::make_call;
using nlohmann::json;

std::string error_of(const json& doc) {
  try {
    parse_baseline(doc, "base.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

json minimal() {
  return json::parse(R"({"format": "callsim-baseline/1",
    "defaults": {"mos_lqo_wb": {"worse": "lower", "absolute": 0.1},
                 "mouth_to_ear_p95_ms": {"worse": "higher", "relative": 0.1}},
    "calls": {"smoke/3g/nb12": {"scenario": "smoke_call", "directions": {"alice->bob":
        {"mos_lqo_wb": 4.2, "mouth_to_ear_p95_ms": {"value": 200, "absolute": 30}}}}}})");
}

TEST(Baseline, ParsesValuesPoliciesAndOverrides) {
  const Baseline b = parse_baseline(minimal(), "base.json");
  ASSERT_EQ(b.defaults.size(), 2u);
  EXPECT_EQ(b.defaults.at("mouth_to_ear_p95_ms").worse, Worse::kHigher);
  EXPECT_EQ(*b.defaults.at("mouth_to_ear_p95_ms").tolerance.relative, 0.1);
  const auto& m = b.calls.at("smoke/3g/nb12").directions.at("alice->bob");
  EXPECT_EQ(m.at("mos_lqo_wb").value, 4.2);
  EXPECT_TRUE(m.at("mos_lqo_wb").override_tolerance.empty());
  EXPECT_EQ(m.at("mouth_to_ear_p95_ms").value, 200);
  EXPECT_EQ(*m.at("mouth_to_ear_p95_ms").override_tolerance.absolute, 30);
  EXPECT_EQ(baseline_to_json(b), minimal());  // writing gives back the same document
}

TEST(Baseline, ErrorsNameTheFileAndPointer) {
  json d = minimal();
  d["calls"]["smoke/3g/nb12"]["directions"]["alice->bob"]["mos_lqo_wb"] = "4.2";
  EXPECT_EQ(
      error_of(d),
      "base.json: /calls/smoke~13g~1nb12/directions/alice->bob/mos_lqo_wb: expected a number or an object "
      "{\"value\", \"absolute\", \"relative\"}");
  d = minimal();
  d["defaults"]["mos_lqo_wb"]["absolute"] = -1;
  EXPECT_EQ(error_of(d), "base.json: /defaults/mos_lqo_wb/absolute: -1 is not >= 0");
  d = minimal();
  d["defaults"]["mos_lqo_wb"].erase("absolute");
  EXPECT_EQ(error_of(d),
            "base.json: /defaults/mos_lqo_wb: a policy needs an 'absolute' or 'relative' tolerance");
  d = minimal();
  d["defaults"]["mos_lqo_wb"]["worse"] = "up";
  EXPECT_EQ(error_of(d), "base.json: /defaults/mos_lqo_wb/worse: 'up' is not one of: lower, higher");
  d = minimal();
  d["defaults"]["mos_lqo_wb"]["worse"] = "higher";  // the metric table says lower is worse
  EXPECT_EQ(error_of(d),
            "base.json: /defaults/mos_lqo_wb/worse: 'mos_lqo_wb': lower is worse (results/metric_table.h), not higher");
  d = minimal();
  d["defaults"]["packets_sent"] = {{"absolute", 1}};
  EXPECT_EQ(error_of(d), "base.json: /defaults/packets_sent: metric 'packets_sent' has no worse direction; it cannot be tracked");
  d = minimal();
  d["defaults"]["mos_lqo_wb"].erase("worse");  // optional: the table's
  EXPECT_EQ(parse_baseline(d, "base.json").defaults.at("mos_lqo_wb").worse, Worse::kLower);
  d = minimal();
  d["defaults"]["mos_lqo_super"] = {{"worse", "lower"}, {"absolute", 1}};
  EXPECT_EQ(error_of(d), "base.json: /defaults/mos_lqo_super: unknown metric 'mos_lqo_super' (`callsim metrics` lists them)");
  d = minimal();
  d["calls"]["smoke/3g/nb12"]["directions"]["alice->bob"]["emodel_r_wb"] = 80;
  EXPECT_EQ(
      error_of(d),
      "base.json: /calls/smoke~13g~1nb12/directions/alice->bob/emodel_r_wb: metric 'emodel_r_wb' has no policy in "
      "/defaults");
  d = minimal();
  d["format"] = "callsim-baseline/2";
  EXPECT_EQ(error_of(d),
            "base.json: /format: unsupported format 'callsim-baseline/2'; expected 'callsim-baseline/1'");
  d = minimal();
  d["calls"]["smoke/3g/nb12"]["colour"] = "red";
  EXPECT_EQ(error_of(d),
            "base.json: /calls/smoke~13g~1nb12/colour: unknown key 'colour'; expected one of: scenario, "
            "scenario_fingerprint, directions");
  d = minimal();
  d.erase("calls");
  EXPECT_EQ(error_of(d), "base.json: /: missing required key 'calls'");
  d = minimal();  // the schema refused it with no pointer at all
  d["calls"][""] = d["calls"]["smoke/3g/nb12"];
  EXPECT_EQ(error_of(d), "base.json: /calls/: a call id must not be empty");
  d = minimal();
  d["defaults"]["mos_lqo_wb"]["relative"] = 1e301;  // said "1e+301 is not >= 0"
  EXPECT_EQ(error_of(d), "base.json: /defaults/mos_lqo_wb/relative: 1e+301 is above 1e300, the largest number accepted");
  // A value its metric cannot have compared as an "improvement" or a "regression" (audit).
  d = minimal();
  d["calls"]["smoke/3g/nb12"]["directions"]["alice->bob"]["mos_lqo_wb"] = 9.0;
  EXPECT_EQ(error_of(d), "base.json: /calls/smoke~13g~1nb12/directions/alice->bob/mos_lqo_wb: 9.0 is not a value "
                         "mos_lqo_wb can have (" + results::kind_allows(results::MetricKind::kMosLqo) + ")");
  d = minimal();
  d["calls"]["smoke/3g/nb12"]["directions"]["alice->bob"]["mos_lqo_wb"] = {{"value", 0.0}, {"absolute", 0.2}};
  EXPECT_NE(error_of(d).find("/alice->bob/mos_lqo_wb/value: 0.0 is not a value mos_lqo_wb can have"), std::string::npos)
      << error_of(d);
}

TEST(Baseline, DirectionNamesAreSenderArrowReceiver) {
  json d = minimal();
  d["calls"]["smoke/3g/nb12"]["directions"]["alice-bob"] = json::object();
  EXPECT_EQ(error_of(d),
            "base.json: /calls/smoke~13g~1nb12/directions/alice-bob: 'alice-bob' is not a direction name "
            "('sender->receiver')");
}

TEST(Baseline, SchemaAcceptsTheFilesUpdateWrites) {
  const Baseline b = update_baseline(nullptr, {make_call("a"), make_call("smoke/3g/nb12")}, false, nullptr);
  EXPECT_FALSE(check_schema(baseline_to_json(b), "baseline.schema.json").has_value());
  EXPECT_FALSE(check_schema(minimal(), "baseline.schema.json").has_value());
}

TEST(Baseline, UpdateSaveLoadRoundTrip) {
  checkutil::ScratchDir dir("baseline");
  const std::vector<CallRecord> calls = {make_call("a"), make_call("b")};
  BaselineUpdate summary;
  const Baseline b = update_baseline(nullptr, calls, false, &summary);
  EXPECT_EQ(summary.added, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(b.defaults.size(), default_policies().size());
  // Only tracked metrics are stored: packet_loss_ratio has no default policy.
  EXPECT_EQ(b.calls.at("a").directions.at("alice->bob").size(), 6u);
  EXPECT_EQ(b.calls.at("a").directions.at("alice->bob").count("packet_loss_ratio"), 0u);
  save_baseline(b, dir.path() / "baseline.json");
  const Baseline loaded = load_baseline(dir.path() / "baseline.json");
  EXPECT_EQ(baseline_to_json(loaded), baseline_to_json(b));
  const std::string text = checkutil::read_file(dir.path() / "baseline.json");
  save_baseline(loaded, dir.path() / "again.json");
  EXPECT_EQ(checkutil::read_file(dir.path() / "again.json"), text);  // byte-identical
  EXPECT_TRUE(run_check(calls, &loaded, {}).passed());
}

TEST(Baseline, UpdateKeepsOverridesAndPoliciesDropsOrKeepsMissingCalls) {
  Baseline old = update_baseline(nullptr, {make_call("a"), make_call("gone")}, false, nullptr);
  old.defaults["emodel_r_wb"].tolerance = Tolerance{5.0, std::nullopt};
  old.description = "from the smoke suite";
  old.calls["a"].directions["bob->alice"]["mos_lqo_nb"].override_tolerance = Tolerance{std::nullopt, 0.05};
  auto m = good_metrics();
  m["mos_lqo_nb"] = 3.5;
  BaselineUpdate s;
  Baseline next = update_baseline(&old, {make_call("a", m), make_call("new")}, false, &s);
  EXPECT_EQ(s.updated, (std::vector<std::string>{"a"}));
  EXPECT_EQ(s.added, (std::vector<std::string>{"new"}));
  EXPECT_EQ(s.removed, (std::vector<std::string>{"gone"}));
  EXPECT_EQ(next.calls.count("gone"), 0u);
  EXPECT_EQ(*next.defaults.at("emodel_r_wb").tolerance.absolute, 5.0);
  EXPECT_EQ(next.description, "from the smoke suite");
  EXPECT_EQ(baseline_to_json(next).at("description"), "from the smoke suite");
  const BaselineMetric& nb = next.calls.at("a").directions.at("bob->alice").at("mos_lqo_nb");
  EXPECT_EQ(nb.value, 3.5);
  EXPECT_EQ(*nb.override_tolerance.relative, 0.05);
  EXPECT_TRUE(next.calls.at("a").directions.at("alice->bob").at("mos_lqo_nb").override_tolerance.empty());
  next = update_baseline(&old, {make_call("a", m)}, true, &s);
  EXPECT_EQ(s.kept, (std::vector<std::string>{"gone"}));
  EXPECT_EQ(next.calls.count("gone"), 1u);
}

TEST(Baseline, CallThatDidNotRunKeepsItsPreviousEntry) {
  const Baseline old = update_baseline(nullptr, {make_call("a")}, false, nullptr);
  CallRecord broken = make_call("a");
  broken.error = "crashed";
  broken.metrics.clear();
  BaselineUpdate s;
  const Baseline next = update_baseline(&old, {broken}, false, &s);
  EXPECT_EQ(s.skipped, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(s.removed.empty());
  EXPECT_EQ(baseline_to_json(next), baseline_to_json(old));
}

// An update from results that did not measure a tracked metric used to drop it (and its
// tolerance override) from the baseline, so the next check no longer gated it.
TEST(Baseline, UpdateKeepsEntriesOfMetricsTheResultsDidNotMeasure) {
  Baseline old = update_baseline(nullptr, {make_call("a")}, false, nullptr);
  old.calls["a"].directions["alice->bob"]["mos_lqo_nb"] =
      BaselineMetric{2.8002, Tolerance{0.3, std::nullopt}};
  old.calls["a"].directions["bob->alice"]["mos_lqo_nb"].value = 4.1;
  // --no-score: the P.862 metrics are absent, the others measured.
  CallRecord unscored = make_call("a");
  unscored.pesq_scored = false;
  for (auto& [direction, metrics] : unscored.metrics)
    for (auto it = metrics.begin(); it != metrics.end();)
      it = results::find_metric(it->first)->needs_pesq ? metrics.erase(it) : std::next(it);
  unscored.metrics["alice->bob"]["emodel_r_wb"] = 70.0;
  BaselineUpdate s;
  const Baseline next = update_baseline(&old, {unscored}, false, &s);
  const auto& ab = next.calls.at("a").directions.at("alice->bob");
  EXPECT_EQ(ab.at("mos_lqo_nb").value, 2.8002);
  EXPECT_EQ(*ab.at("mos_lqo_nb").override_tolerance.absolute, 0.3);
  EXPECT_EQ(ab.at("mos_lqo_wb").value, 4.2);
  EXPECT_EQ(ab.at("emodel_r_wb").value, 70.0);  // measured: updated
  EXPECT_EQ(next.calls.at("a").directions.at("bob->alice").at("mos_lqo_nb").value, 4.1);
  EXPECT_NE(std::find(s.kept_metrics.begin(), s.kept_metrics.end(),
                      "a alice->bob mos_lqo_nb (P.862 scoring was off)"),
            s.kept_metrics.end());
  // Every P.862 metric the old baseline tracked, in both directions.
  EXPECT_EQ(s.kept_metrics.size(), 2u * 2u);
  // A MOS collapse still fails against the updated baseline.
  auto collapsed = good_metrics();
  collapsed["mos_lqo_nb"] = 1.5;
  EXPECT_FALSE(run_check({make_call("a", collapsed)}, &next, {}).passed());

  // Scoring on, nothing measured (a dead direction): the entry stays, so check keeps failing it as
  // "not measured" instead of the gate forgetting it.
  CallRecord dead = make_call("a");
  dead.metrics["alice->bob"].erase("mos_lqo_nb");
  const Baseline after_dead = update_baseline(&old, {dead}, false, &s);
  EXPECT_EQ(after_dead.calls.at("a").directions.at("alice->bob").at("mos_lqo_nb").value, 2.8002);
  EXPECT_EQ(s.kept_metrics, (std::vector<std::string>{"a alice->bob mos_lqo_nb (not measured)"}));
  EXPECT_FALSE(run_check({dead}, &after_dead, {}).passed());
}

// A scenario edited under the same id (a 10 s copy of a 20 s call, another seed, another talker
// file) was compared with the baseline of the old one without a word: its figures moved and read
// as regressions, or stayed and passed. The scenario fingerprint travels with the values.
TEST(Baseline, ACallOfAnotherScenarioThanTheBaselinesFailsWithoutItsFiguresCompared) {
  const std::string was = "fnv1a64:00000000000000aa", now = "fnv1a64:00000000000000bb";
  CallRecord a = make_call("a");
  a.scenario_fingerprint = was;
  const Baseline base = update_baseline(nullptr, {a}, false, nullptr);
  EXPECT_EQ(base.calls.at("a").scenario_fingerprint, was);
  EXPECT_EQ(baseline_to_json(base).at("calls").at("a").at("scenario_fingerprint"), was);
  EXPECT_FALSE(check_schema(baseline_to_json(base), "baseline.schema.json").has_value());

  // The same scenario: compared as ever, a regression is one.
  EXPECT_TRUE(run_check({a}, &base, {}).passed());
  auto worse = good_metrics();
  worse["mos_lqo_nb"] = 1.5;
  CallRecord regressed = make_call("a", worse);
  regressed.scenario_fingerprint = was;
  EXPECT_FALSE(run_check({regressed}, &base, {}).passed());

  // Another scenario with the same figures: fails, nothing compared, the problem says why.
  CallRecord edited = make_call("a");
  edited.scenario_fingerprint = now;
  const CheckReport r = run_check({edited}, &base, {});
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].status, CallStatus::kFail);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_EQ(r.calls[0].scenario_changed, was + " in the baseline, " + now + " now");
  ASSERT_EQ(r.calls[0].problems().size(), 1u);
  EXPECT_EQ(r.calls[0].problems()[0],
            "scenario changed since the baseline (" + was + " in the baseline, " + now +
                " now): its figures were not compared; `callsim baseline update` takes the new scenario's");
  const std::string table = format_check_table(r, false);
  EXPECT_NE(table.find("1 fail (1 of another scenario than the baseline's)"), std::string::npos) << table;
  EXPECT_NE(table.find("Scenario changed since the baseline"), std::string::npos) << table;
  EXPECT_NE(table.find("CHECK FAILED"), std::string::npos);

  // Results or a baseline of a callsim that did not record fingerprints compare as before.
  CallRecord unknown = regressed;
  unknown.scenario_fingerprint.clear();
  EXPECT_FALSE(run_check({unknown}, &base, {}).passed());
  EXPECT_EQ(run_check({unknown}, &base, {}).calls[0].regressions.size(), 2u);
  Baseline old_format = base;
  old_format.calls.at("a").scenario_fingerprint.clear();
  EXPECT_TRUE(run_check({edited}, &old_format, {}).passed());
}

// `baseline update` over a changed scenario takes the new fingerprint and keeps no value of the
// old scenario; overrides stay. Results that lack a value the old entry tracks (P.862 off) cannot
// renew it: the old entry stays whole (so check keeps failing the call as "scenario changed")
// instead of MOS leaving the gate with its override, as a first version of this did.
TEST(Baseline, UpdateOfAChangedScenarioKeepsNoValueOfTheOldOne) {
  CallRecord a = make_call("a");
  a.scenario_fingerprint = "fnv1a64:00000000000000aa";
  Baseline old = update_baseline(nullptr, {a}, false, nullptr);
  old.calls["a"].directions["alice->bob"]["mouth_to_ear_p95_ms"].override_tolerance = Tolerance{50.0, std::nullopt};
  auto moved = good_metrics();
  moved["mos_lqo_nb"] = 3.1;
  CallRecord edited = make_call("a", moved);
  edited.scenario_fingerprint = "fnv1a64:00000000000000bb";
  BaselineUpdate s;
  Baseline next = update_baseline(&old, {edited}, false, &s);
  EXPECT_EQ(s.scenario_changed, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(s.scenario_changed_kept.empty());
  EXPECT_EQ(next.calls.at("a").scenario_fingerprint, "fnv1a64:00000000000000bb");
  EXPECT_EQ(next.calls.at("a").directions.at("alice->bob").at("mos_lqo_nb").value, 3.1);
  EXPECT_EQ(*next.calls.at("a").directions.at("alice->bob").at("mouth_to_ear_p95_ms").override_tolerance.absolute,
            50.0);

  CallRecord unscored = edited;
  unscored.pesq_scored = false;
  for (auto& [direction, metrics] : unscored.metrics)
    for (auto it = metrics.begin(); it != metrics.end();)
      it = results::find_metric(it->first)->needs_pesq ? metrics.erase(it) : std::next(it);
  next = update_baseline(&old, {unscored}, false, &s);
  EXPECT_TRUE(s.scenario_changed.empty());
  ASSERT_EQ(s.scenario_changed_kept.size(), 1u);
  EXPECT_EQ(s.scenario_changed_kept[0].rfind("a (no value for ", 0), 0u) << s.scenario_changed_kept[0];
  EXPECT_EQ(baseline_to_json(next), baseline_to_json(old));
  EXPECT_FALSE(run_check({unscored}, &next, {}).passed());
  // The same scenario again keeps what was not measured, as before.
  unscored.scenario_fingerprint = "fnv1a64:00000000000000aa";
  update_baseline(&old, {unscored}, false, &s);
  EXPECT_TRUE(s.scenario_changed.empty() && s.scenario_changed_kept.empty());
  EXPECT_EQ(s.kept_metrics.size(), 2u * 2u);
}

TEST(Baseline, AFingerprintThatIsNotOneIsRefused) {
  json d = minimal();
  d["calls"]["smoke/3g/nb12"]["scenario_fingerprint"] = "fnv1a64:XYZ";
  EXPECT_EQ(error_of(d),
            "base.json: /calls/smoke~13g~1nb12/scenario_fingerprint: expected a scenario fingerprint "
            "\"fnv1a64:\" and 16 hex digits, got 'fnv1a64:XYZ'");
  d["calls"]["smoke/3g/nb12"]["scenario_fingerprint"] = "fnv1a64:0123456789abcdef";
  EXPECT_EQ(error_of(d), "no error");
  d["calls"]["smoke/3g/nb12"]["scenario_fingerprint"] = "";  // unknown, as the schema allows
  EXPECT_EQ(error_of(d), "no error");
  EXPECT_FALSE(check_schema(d, "baseline.schema.json").has_value());
}

// Results of two callsim builds (shards built apart, a results.jsonl joined from two runs) were
// compared as one run without a word; the table says so (a note, not a failure).
TEST(Baseline, TheCheckTableSaysWhenResultsComeFromSeveralBuilds) {
  CallRecord a = make_call("a"), b = make_call("b"), c = make_call("c");
  a.callsim_build = b.callsim_build = "8804c0452fe6036d5505c940f60b3f28a9f06746";
  c.callsim_build = "0123456789abcdef0123456789abcdef01234567";
  const Baseline base = update_baseline(nullptr, {a, b, c}, false, nullptr);
  const std::vector<CallRecord> calls = {a, b, c};  // the report points into it
  const CheckReport mixed = run_check(calls, &base, {});
  EXPECT_TRUE(mixed.passed());
  EXPECT_NE(format_check_table(mixed, false)
                .find("note: these results come from 2 callsim builds: 0123456789abcdef0123456789abcdef01234567 (1 call), "
                      "8804c0452fe6036d5505c940f60b3f28a9f06746 (2 calls); "
                      "a difference between their calls may be the builds'"),
            std::string::npos)
      << format_check_table(mixed, false);
  c.callsim_build = a.callsim_build;
  const std::vector<CallRecord> one_build = {a, b, c};
  EXPECT_EQ(format_check_table(run_check(one_build, &base, {}), false).find("callsim builds"), std::string::npos);
}

TEST(Baseline, ToleranceArithmetic) {
  EXPECT_DOUBLE_EQ(allowed_change(Tolerance{2.0, 0.1}, 50.0, 1.0), 5.0);  // max(2, 10% of 50)
  EXPECT_DOUBLE_EQ(allowed_change(Tolerance{2.0, 0.1}, 10.0, 1.0), 2.0);
  EXPECT_DOUBLE_EQ(allowed_change(Tolerance{2.0, 0.1}, -50.0, 0.5), 2.5);
  EXPECT_EQ(describe_tolerance(Tolerance{2.0, 0.1}, 1.0), "max(2 abs, 10% rel)");
  EXPECT_EQ(describe_tolerance(Tolerance{0.01, std::nullopt}, 1.5), "0.015 abs");
}

}  // namespace
}  // namespace callsim::harness
