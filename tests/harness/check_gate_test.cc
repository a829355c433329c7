// run_check: expectations, tolerance semantics (absolute, relative, overrides, scale, the exact
// boundary), missing / new / did-not-run calls, and the text table.
#include <gtest/gtest.h>

#include <sstream>

#include "check_test_util.h"
#include "harness/check/check.h"
#include "harness/check/junit.h"

namespace callsim::harness {
namespace {

using checkutil::good_metrics;
using checkutil::make_call;

Baseline baseline_of(const std::vector<CallRecord>& calls) {
  return update_baseline(nullptr, calls, false, nullptr);
}

CallRecord with(const std::string& id, const std::string& metric, double value) {
  auto m = good_metrics();
  m[metric] = value;
  CallRecord c = make_call(id, m);
  return c;
}

const MetricChange* change(const CheckReport& r, const std::string& id, const std::string& direction,
                           const std::string& metric) {
  for (const auto& c : r.changes)
    if (c.id == id && c.direction == direction && c.metric == metric) return &c;
  return nullptr;
}

TEST(CheckGate, IdenticalResultsPassWithEveryMetricWithinTolerance) {
  const std::vector<CallRecord> calls = {make_call("a"), make_call("b")};
  const Baseline b = baseline_of(calls);
  const CheckReport r = run_check(calls, &b, {});
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.count(CallStatus::kPass), 2);
  // good_metrics() has 6 tracked metrics (packet_loss_ratio is not tracked) x 2 directions x 2 calls.
  EXPECT_EQ(r.changes.size(), 24u);
  EXPECT_EQ(r.count(Verdict::kWithin), 24);
}

TEST(CheckGate, FailedExpectationFailsTheCallWithoutABaseline) {
  const std::vector<CallRecord> calls = {make_call("a"), make_call("b", good_metrics(), false)};
  const CheckReport r = run_check(calls, nullptr, {});
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.calls[0].status, CallStatus::kPass);
  ASSERT_EQ(r.calls[1].status, CallStatus::kFail);
  ASSERT_EQ(r.calls[1].failed_expectations.size(), 1u);
  EXPECT_EQ(r.calls[1].failed_expectations[0], "alice->bob: mos_lqo_nb >= 4.5 (measured 4.000)");
}

TEST(CheckGate, AbsoluteToleranceLowerIsWorse) {
  const Baseline b = baseline_of({make_call("a")});  // mos_lqo_wb 4.2, tolerance 0.1 absolute
  struct Case {
    double now;
    Verdict verdict;
  };
  for (const Case& c :
       {Case{4.2, Verdict::kWithin}, Case{4.15, Verdict::kWithin}, Case{4.1, Verdict::kWithin},
        Case{4.09, Verdict::kRegression}, Case{3.5, Verdict::kRegression}, Case{4.3, Verdict::kWithin},
        Case{4.31, Verdict::kImproved}}) {
    const std::vector<CallRecord> calls = {with("a", "mos_lqo_wb", c.now)};
    const CheckReport r = run_check(calls, &b, {});
    const MetricChange* ch = change(r, "a", "alice->bob", "mos_lqo_wb");
    ASSERT_NE(ch, nullptr);
    EXPECT_EQ(ch->verdict, c.verdict) << "now " << c.now;
    EXPECT_NEAR(ch->delta, c.now - 4.2, 1e-12);
    EXPECT_DOUBLE_EQ(ch->allowed, 0.1);
    EXPECT_EQ(r.passed(), c.verdict != Verdict::kRegression) << "now " << c.now;
  }
}

TEST(CheckGate, RelativeToleranceHigherIsWorse) {
  const Baseline b = baseline_of({make_call("a")});  // mouth_to_ear_p95_ms 200, 10% relative → 20 ms
  for (auto [now, verdict] : {std::pair{219.9, Verdict::kWithin}, std::pair{220.0, Verdict::kWithin},
                              std::pair{220.1, Verdict::kRegression}, std::pair{179.9, Verdict::kImproved}}) {
    const CheckReport r = run_check({with("a", "mouth_to_ear_p95_ms", now)}, &b, {});
    const MetricChange* ch = change(r, "a", "bob->alice", "mouth_to_ear_p95_ms");
    ASSERT_NE(ch, nullptr);
    EXPECT_EQ(ch->verdict, verdict) << "now " << now;
    EXPECT_DOUBLE_EQ(ch->allowed, 20.0);
    EXPECT_EQ(ch->tolerance, "10% rel");
  }
}

TEST(CheckGate, OverrideReplacesTheDefaultAndScaleMultipliesIt) {
  Baseline b = baseline_of({make_call("a")});
  b.calls["a"].directions["alice->bob"]["mouth_to_ear_p95_ms"].override_tolerance =
      Tolerance{50.0, std::nullopt};
  const std::vector<CallRecord> calls = {with("a", "mouth_to_ear_p95_ms", 240.0)};
  CheckReport r = run_check(calls, &b, {});
  EXPECT_EQ(change(r, "a", "alice->bob", "mouth_to_ear_p95_ms")->verdict, Verdict::kWithin);
  EXPECT_EQ(change(r, "a", "alice->bob", "mouth_to_ear_p95_ms")->tolerance, "50 abs");
  EXPECT_EQ(change(r, "a", "bob->alice", "mouth_to_ear_p95_ms")->verdict,
            Verdict::kRegression);              // default 10%
  r = run_check(calls, &b, CheckOptions{2.0});  // 10% → 20%: 40 ms allowed
  EXPECT_EQ(change(r, "a", "bob->alice", "mouth_to_ear_p95_ms")->verdict, Verdict::kWithin);
  EXPECT_DOUBLE_EQ(change(r, "a", "bob->alice", "mouth_to_ear_p95_ms")->allowed, 40.0);
  EXPECT_TRUE(r.passed());
}

TEST(CheckGate, MetricNoLongerMeasuredIsARegression) {
  const Baseline b = baseline_of({make_call("a")});
  auto m = good_metrics();
  m.erase("mos_lqo_wb");
  const CheckReport r = run_check({make_call("a", m)}, &b, {});
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.calls[0].regressions.size(), 2u);  // both directions
  EXPECT_FALSE(r.calls[0].regressions[0].now.has_value());
  EXPECT_EQ(r.calls[0].problems()[0], "regression: alice->bob mos_lqo_wb 4.200 -> not measured");
}

TEST(CheckGate, MissingCallsFailNewCallsDoNot) {
  const Baseline b = baseline_of({make_call("a"), make_call("gone")});
  CheckReport r = run_check({make_call("a"), make_call("fresh")}, &b, {});
  ASSERT_EQ(r.calls.size(), 3u);
  EXPECT_EQ(r.calls[1].id, "fresh");
  EXPECT_EQ(r.calls[1].status, CallStatus::kNew);
  EXPECT_TRUE(r.calls[1].is_new);
  EXPECT_EQ(r.calls[2].id, "gone");
  EXPECT_EQ(r.calls[2].status, CallStatus::kMissing);
  EXPECT_EQ(r.calls[2].scenario, "smoke_call");
  EXPECT_FALSE(r.passed());
  r = run_check({make_call("a"), make_call("gone"), make_call("fresh")}, &b, {});
  EXPECT_TRUE(r.passed());
}

TEST(CheckGate, CallThatDidNotRunIsAnErrorAndNotCompared) {
  const Baseline b = baseline_of({make_call("a")});
  CallRecord broken = make_call("a");
  broken.error = "scenario file vanished";
  broken.metrics.clear();
  const CheckReport r = run_check({broken}, &b, {});
  EXPECT_EQ(r.calls[0].status, CallStatus::kError);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.calls[0].problems().front(), "did not run: scenario file vanished");
}

TEST(CheckTable, RegressionsFirstWorstFirstThenImprovementsAligned) {
  const Baseline b = baseline_of({make_call("a"), make_call("b")});
  auto ma = good_metrics(), mb = good_metrics();
  ma["mos_lqo_wb"] = 4.0;           // -0.2: 2x the tolerance
  mb["emodel_r_wb"] = 70.0;            // -15: 7.5x
  mb["concealed_ratio"] = 0.0;      // -0.01: within (exactly at the tolerance)
  ma["mouth_to_ear_p95_ms"] = 150;  // -50 ms: improved
  const CheckReport r = run_check({make_call("a", ma), make_call("b", mb)}, &b, {});
  const std::string table = format_check_table(r, false);
  std::istringstream in(table);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 10u) << table;
  EXPECT_EQ(lines[0], "callsim check: 2 calls: 0 pass, 2 fail, 0 did not run; of these 0 new (not in the baseline); 0 missing");
  EXPECT_EQ(lines[1], "metrics vs baseline: 4 regressed, 2 improved, 18 within tolerance");
  const size_t header = 3;
  EXPECT_EQ(lines[header].rfind("verdict", 0), 0u);
  // Worst first: emodel_r_wb of b (both directions), then mos_lqo_wb of a; then improvements.
  EXPECT_EQ(lines[header + 1].rfind("REGRESSION  b   alice->bob  emodel_r_wb [R/129]", 0), 0u) << table;
  EXPECT_EQ(lines[header + 2].rfind("REGRESSION  b   bob->alice  emodel_r_wb [R/129]", 0), 0u) << table;
  EXPECT_NE(lines[header + 3].find("mos_lqo_wb"), std::string::npos) << table;
  EXPECT_EQ(lines[header + 5].rfind("improved", 0), 0u) << table;
  EXPECT_NE(lines[header + 1].find("85.00  70.00  -15.00 (-17.6%)  2 abs (lower worse)"), std::string::npos)
      << table;
  // Aligned: every row's tolerance column starts where the header's does.
  const size_t col = lines[header].find("tolerance");
  for (size_t i = header + 1; i <= header + 6; ++i)
    EXPECT_EQ(lines[i].find_first_of("0123456789", col - 1), col) << lines[i];
  EXPECT_EQ(lines.back(), "CHECK FAILED");
  // Within-tolerance moves only with --verbose.
  EXPECT_EQ(table.find("\nwithin "), std::string::npos);
  EXPECT_NE(format_check_table(r, true).find("within      b   alice->bob  concealed_ratio"),
            std::string::npos);
}

TEST(CheckTable, ListsFailedExpectationsMissingAndNewCalls) {
  const Baseline b = baseline_of({make_call("a"), make_call("gone")});
  const CheckReport r = run_check({make_call("a", good_metrics(), false), make_call("fresh")}, &b, {});
  const std::string table = format_check_table(r, false);
  EXPECT_NE(table.find("Failed expectations:\n  a  alice->bob: mos_lqo_nb >= 4.5 (measured 4.000)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("Missing (in the baseline, not in the results):\n  gone  (scenario smoke_call)\n"),
            std::string::npos);
  EXPECT_NE(table.find("  fresh  (scenario smoke_call)\n"), std::string::npos);
  EXPECT_EQ(table.find("verdict"), std::string::npos);  // nothing moved: no table
}

TEST(CheckGate, ChangeBelowDisplayPrecisionIsNotImproved) {
  // A zero tolerance would call any move a change; 4.2300 -> 4.2304 prints 4.230 both times.
  Baseline b = baseline_of({with("a", "mos_lqo_nb", 4.2300)});
  b.defaults.at("mos_lqo_nb").tolerance = Tolerance{0.0, std::nullopt};
  CheckReport r = run_check({with("a", "mos_lqo_nb", 4.2304)}, &b, {});
  EXPECT_EQ(change(r, "a", "alice->bob", "mos_lqo_nb")->verdict, Verdict::kWithin);
  EXPECT_EQ(format_check_table(r, false).find("improved  a"), std::string::npos);
  r = run_check({with("a", "mos_lqo_nb", 4.2296)}, &b, {});
  EXPECT_EQ(change(r, "a", "alice->bob", "mos_lqo_nb")->verdict, Verdict::kWithin);
  EXPECT_TRUE(r.passed());
  // A change that shows is judged by the tolerance.
  r = run_check({with("a", "mos_lqo_nb", 4.231)}, &b, {});
  EXPECT_EQ(change(r, "a", "alice->bob", "mos_lqo_nb")->verdict, Verdict::kImproved);
  r = run_check({with("a", "mos_lqo_nb", 4.229)}, &b, {});
  EXPECT_EQ(change(r, "a", "alice->bob", "mos_lqo_nb")->verdict, Verdict::kRegression);
}

// A verdict its printed numbers cannot justify: a move of 0.1001 against an allowed 0.1 printed
// "-0.100, allowed 0.1 abs" as a REGRESSION (the README says a move exactly at the tolerance is
// within), and a failed "mos_lqo_nb >= 2.954" printed "measured 2.954". Such values get the
// decimals that set them apart.
TEST(CheckFormat, AVerdictsNumbersPrintApartFromItsBound) {
  Baseline b = baseline_of({with("a", "mos_lqo_nb", 3.9033)});
  const std::vector<CallRecord> calls = {with("a", "mos_lqo_nb", 3.8032)};
  const CheckReport r = run_check(calls, &b, {});
  const MetricChange* c = change(r, "a", "alice->bob", "mos_lqo_nb");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->verdict, Verdict::kRegression);
  EXPECT_EQ(c->delta_text(false), "-0.1001");
  // The tolerance is absolute, so the percent is not what the verdict turns on: one decimal (it
  // read "-2.564%", decimals that set apart nothing).
  EXPECT_NE(format_check_table(r, false).find("-0.1001 (-2.6%)"), std::string::npos) << format_check_table(r, false);
  // A relative tolerance (p95 10 %): the percent is the bound, and is set apart from it.
  Baseline rel = baseline_of({with("a", "mouth_to_ear_p95_ms", 200.0)});
  const CheckReport r_rel = run_check({with("a", "mouth_to_ear_p95_ms", 220.02)}, &rel, {});
  const MetricChange* p95 = change(r_rel, "a", "alice->bob", "mouth_to_ear_p95_ms");
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->verdict, Verdict::kRegression);
  EXPECT_TRUE(p95->relative_bound);
  EXPECT_EQ(p95->delta_text(), "+20.02 (+10.01%)");
  // At exactly the tolerance: within, printed as it is.
  const std::vector<CallRecord> at = {with("a", "mos_lqo_nb", 3.8033)};
  const CheckReport r2 = run_check(at, &b, {});
  EXPECT_EQ(change(r2, "a", "alice->bob", "mos_lqo_nb")->verdict, Verdict::kWithin);

  CallRecord failed = with("a", "mos_lqo_nb", 2.9537);
  failed.passed = false;
  failed.expectations = {{"alice->bob", "mos_lqo_nb >= 2.954", 2.9537, results::ExpectationStatus::kFailed, ""}};
  const std::vector<CallRecord> f = {failed};
  const CheckReport r3 = run_check(f, nullptr, {});
  ASSERT_EQ(r3.calls.at(0).failed_expectations.size(), 1u);
  EXPECT_EQ(r3.calls[0].failed_expectations[0], "alice->bob: mos_lqo_nb >= 2.954 (measured 2.9537)");
  EXPECT_EQ(results::format_metric_apart("mos_lqo_nb", 3.0, 2.954), "3.000");  // apart already
  EXPECT_EQ(results::format_metric_apart("packets_lost", 3, 3), "3");
  EXPECT_EQ(results::format_metric_apart("packet_loss_ratio", 0.10004, 0.1), "0.10004");
}

TEST(CheckGate, AllowMissingPassesASubsetRunAndSaysSo) {
  const Baseline b = baseline_of({make_call("a"), make_call("b")});
  CheckReport r = run_check({make_call("a")}, &b, {});
  EXPECT_FALSE(r.passed());  // b is missing
  r = run_check({make_call("a")}, &b, CheckOptions{1.0, true});
  EXPECT_TRUE(r.passed());
  ASSERT_NE(r.find("b"), nullptr);
  EXPECT_EQ(r.find("b")->status, CallStatus::kMissing);
  const std::string table = format_check_table(r, false);
  EXPECT_NE(table.find("callsim check: 1 call: 1 pass, 0 fail, 0 did not run; of these 0 new (not in the baseline); 1 missing (allowed)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("Not in this run (in the baseline; --allow-missing):\n  b  (scenario smoke_call)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("CHECK PASSED"), std::string::npos);
}

// The headline's buckets did not add up: a new call that passed was in neither "pass" nor "fail"
// ("1 pass, 1 fail, 0 did not run, 2 new" for 3 calls), while JUnit and the report counted it as
// passing. pass + fail + did not run are now the calls; "new" says it counts some of them again.
TEST(CheckTable, HeadlineCountsPartitionTheCallsAndAgreeWithJunit) {
  const Baseline b = baseline_of({make_call("old")});
  const CallRecord bad = make_call("fresh_bad", good_metrics(), false);
  const std::vector<CallRecord> calls = {make_call("old"), make_call("fresh_good"), bad};  // outlive the report
  const CheckReport r = run_check(calls, &b, {});
  const std::string table = format_check_table(r, false);
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "callsim check: 3 calls: 2 pass, 1 fail, 0 did not run; of these 2 new (not in the baseline); 0 missing");
  const std::string xml = junit_xml(r);
  EXPECT_NE(xml.find("<testsuites name=\"callsim check\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\""),
            std::string::npos)
      << xml;
}

// A baseline holding none of the results' calls, with --allow-missing, passed the gate having
// compared nothing ("0 pass ... 3 new; 33 missing (allowed)", CHECK PASSED).
TEST(CheckGate, ABaselineWithNoneOfTheResultsCallsFailsEvenWithAllowMissing) {
  const Baseline b = baseline_of({make_call("x"), make_call("y")});
  const std::vector<CallRecord> calls = {make_call("a"), make_call("b")};
  for (bool allow_missing : {false, true}) {
    const CheckReport r = run_check(calls, &b, CheckOptions{1.0, allow_missing});
    EXPECT_TRUE(r.no_baseline_call_refused());
    EXPECT_FALSE(r.passed()) << allow_missing;
    const std::string table = format_check_table(r, false);
    EXPECT_NE(table.find("\nno result call is in the baseline: nothing was compared with it"), std::string::npos)
        << table;
    EXPECT_NE(table.find("CHECK FAILED"), std::string::npos) << table;
    EXPECT_NE(junit_xml(r).find("<failure message=\"no result call is in the baseline"), std::string::npos);
  }
  // A baseline with no calls compared nothing either: it passed (no call missing, every call new).
  const Baseline empty = baseline_of({});
  ASSERT_TRUE(empty.calls.empty());
  for (bool allow_missing : {false, true}) {
    const CheckReport r = run_check(calls, &empty, CheckOptions{1.0, allow_missing});
    EXPECT_TRUE(r.no_baseline_call_refused()) << allow_missing;
    EXPECT_FALSE(r.passed()) << allow_missing;
  }
  // One call in common is a comparison: a subset run passes under --allow-missing as before.
  const std::vector<CallRecord> subset = {make_call("a"), make_call("x")};
  const CheckReport r = run_check(subset, &b, CheckOptions{1.0, true});
  EXPECT_FALSE(r.no_baseline_call_refused());
  EXPECT_TRUE(r.passed());
}

TEST(CheckGate, UnscoredCallsSkipScoringMetricsAndExpectations) {
  const Baseline b = baseline_of({make_call("a")});
  auto m = good_metrics();
  m.erase("mos_lqo_nb");
  m.erase("mos_lqo_wb");
  CallRecord unscored = make_call("a", m);
  unscored.pesq_scored = false;
  unscored.expectations = {{"alice->bob", "mos_lqo_nb >= 3", std::nullopt, results::ExpectationStatus::kSkipped,
                            "skipped: needs P.862 scoring"}};
  CheckReport r = run_check({unscored}, &b, {});
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.count(Verdict::kSkipped), 4);  // two MOS metrics x two directions
  EXPECT_EQ(r.count(Verdict::kRegression), 0);
  ASSERT_EQ(r.calls[0].skipped_expectations.size(), 1u);
  const std::string table = format_check_table(r, false);
  EXPECT_NE(table.find(", 4 skipped (not scored)"), std::string::npos) << table;
  EXPECT_NE(table.find("Skipped expectations (not failures):\n  a  alice->bob: mos_lqo_nb >= 3 (skipped: needs P.862 scoring)"),
            std::string::npos)
      << table;
  // A scored call that lost its MOS is a regression.
  CallRecord scored = make_call("a", m);
  r = run_check({scored}, &b, {});
  EXPECT_EQ(r.count(Verdict::kRegression), 4);
  EXPECT_FALSE(r.passed());
}

TEST(CheckFormat, DecimalsFollowTheUnit) {
  EXPECT_EQ(format_metric("mouth_to_ear_p95_ms", 191.79), "191.8");
  EXPECT_EQ(format_metric("concealed_ratio", 0.01234), "0.0123");
  EXPECT_EQ(format_metric("mos_lqo_wb", 4.1234), "4.123");
  EXPECT_EQ(format_metric("emodel_r_wb", 93.456), "93.46");
  EXPECT_EQ(format_metric("packets_lost", 12.0), "12");
  EXPECT_EQ(format_metric("fec_frames_recovered", 5.0), "5");  // a count, not "5.00"
}

}  // namespace
}  // namespace callsim::harness
