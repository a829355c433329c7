// `callsim check` and `callsim baseline update` as CI runs them: exit codes 0 / 1 / 2, the
// baseline written by update gating the next run, overrides surviving an update, JUnit output.
#include <gtest/gtest.h>

#include "check_test_util.h"
#include "harness/check/baseline.h"

namespace callsim::harness {
namespace {

using checkutil::good_metrics;
using checkutil::make_call;
using checkutil::read_file;
using checkutil::run_callsim;
using checkutil::ScratchDir;
using checkutil::write_results;

class CheckCli : public ::testing::Test {
 protected:
  ScratchDir dir{"check-cli"};
  std::string path(const std::string& name) const { return (dir.path() / name).string(); }
  std::string log() const { return read_file(dir.path() / "log.txt"); }
  int callsim(const std::vector<std::string>& args) { return run_callsim(args, dir.path() / "log.txt"); }
};

TEST_F(CheckCli, UpdateThenCheckPassesRegressionFailsBadBaselineIsInputError) {
  write_results(dir.path() / "night1.jsonl", {make_call("a"), make_call("b")});
  ASSERT_EQ(callsim({"baseline", "update", path("night1.jsonl"), "-o", path("baseline.json")}), 0) << log();
  EXPECT_NE(log().find("added (2): a b"), std::string::npos) << log();

  ASSERT_EQ(
      callsim({"check", path("night1.jsonl"), "--baseline", path("baseline.json"), "--junit", path("j.xml")}),
      0)
      << log();
  EXPECT_NE(log().find("CHECK PASSED"), std::string::npos);
  EXPECT_NE(
      read_file(dir.path() / "j.xml").find("<testsuites name=\"callsim check\" tests=\"2\" failures=\"0\""),
      std::string::npos);

  auto worse = good_metrics();
  worse["mouth_to_ear_p95_ms"] = 260;  // +30%: beyond the default 10%
  write_results(dir.path() / "night2.jsonl", {make_call("a", worse), make_call("b")});
  EXPECT_EQ(
      callsim({"check", path("night2.jsonl"), "--baseline", path("baseline.json"), "--junit", path("j.xml")}),
      1);
  EXPECT_NE(log().find("REGRESSION  a   alice->bob  mouth_to_ear_p95_ms"), std::string::npos) << log();
  EXPECT_NE(read_file(dir.path() / "j.xml").find("failures=\"1\""), std::string::npos);
  // A looser gate lets it through: 10% x 4 = 40% allowed.
  EXPECT_EQ(
      callsim({"check", path("night2.jsonl"), "--baseline", path("baseline.json"), "--tolerance-scale", "4"}),
      0)
      << log();

  // Missing call: exit 1.
  write_results(dir.path() / "night3.jsonl", {make_call("a")});
  EXPECT_EQ(callsim({"check", path("night3.jsonl"), "--baseline", path("baseline.json")}), 1);
  EXPECT_NE(log().find("Missing (in the baseline, not in the results):\n  b  (scenario smoke_call)"),
            std::string::npos)
      << log();

  // Malformed baseline: exit 2, the message names the file and the place.
  checkutil::write_file(dir.path() / "broken.json",
                        "{\"format\": \"callsim-baseline/1\", \"defaults\": {}, \"calls\": [}");
  EXPECT_EQ(callsim({"check", path("night1.jsonl"), "--baseline", path("broken.json")}), 2);
  EXPECT_NE(log().find(path("broken.json") + ": byte 59 (line 1, column 60): malformed JSON"),
            std::string::npos)
      << log();
  checkutil::write_file(
      dir.path() / "typed.json",
      "{\"format\": \"callsim-baseline/1\", \"defaults\": {\"emodel_r_wb\": {\"worse\": \"lower\", "
      "\"absolute\": \"2\"}}, \"calls\": {}}");
  EXPECT_EQ(callsim({"check", path("night1.jsonl"), "--baseline", path("typed.json")}), 2);
  EXPECT_NE(log().find(path("typed.json") + ": /defaults/emodel_r_wb/absolute: expected a number, got a string"),
            std::string::npos)
      << log();
  EXPECT_EQ(callsim({"check", path("nothing.jsonl")}), 2);
}

// End to end: a scenario run, made the baseline, then edited under the same name (another seed,
// the same expectations) and run again. The check compared the new call's figures with the old
// one's and passed or "regressed" by chance; it fails now and says the scenario changed. The
// untouched scenario, run from another folder, still passes against the same baseline.
TEST_F(CheckCli, AScenarioEditedSinceTheBaselineFailsTheCheckAndSaysSo) {
  const std::string scenario = R"({"name": "edited", "duration_s": 2, "seed": 1,
    "peers": {"alice": {"talker": "en_female"}, "bob": {}},
    "links": {"alice->bob": {"delay": {"base_ms": 40}, "loss": {"model": "bernoulli", "p": 0.05}}},
    "scoring": {"pesq": false}})";
  checkutil::write_file(dir.path() / "s.json", scenario);
  ASSERT_EQ(callsim({"run", path("s.json"), "-o", path("first"), "--no-audio"}), 0) << log();
  ASSERT_EQ(callsim({"baseline", "update", path("first"), "-o", path("baseline.json")}), 0) << log();
  const std::string fingerprint =
      nlohmann::json::parse(read_file(dir.path() / "first" / "result.json")).at("scenario").at("fingerprint");
  EXPECT_EQ(load_baseline(dir.path() / "baseline.json").calls.at("edited").scenario_fingerprint, fingerprint);

  std::filesystem::create_directories(dir.path() / "elsewhere" / "deeper");
  checkutil::write_file(dir.path() / "elsewhere" / "deeper" / "s.json", scenario);
  ASSERT_EQ(callsim({"run", path("elsewhere/deeper/s.json"), "-o", path("again"), "--no-audio"}), 0) << log();
  EXPECT_EQ(callsim({"check", path("again"), "--baseline", path("baseline.json")}), 0) << log();

  nlohmann::json doc = nlohmann::json::parse(scenario);
  doc["seed"] = 2;
  checkutil::write_file(dir.path() / "s.json", doc.dump());
  ASSERT_EQ(callsim({"run", path("s.json"), "-o", path("second"), "--no-audio"}), 0) << log();
  EXPECT_EQ(callsim({"check", path("second"), "--baseline", path("baseline.json"), "--junit", path("j.xml")}), 1)
      << log();
  EXPECT_NE(log().find("1 fail (1 of another scenario than the baseline's)"), std::string::npos) << log();
  EXPECT_NE(log().find("Scenario changed since the baseline"), std::string::npos) << log();
  EXPECT_NE(log().find("metrics vs baseline: 0 regressed, 0 improved, 0 within tolerance"), std::string::npos)
      << log();
  EXPECT_NE(read_file(dir.path() / "j.xml").find("scenario changed since the baseline ("), std::string::npos);

  ASSERT_EQ(callsim({"baseline", "update", path("second"), "-o", path("baseline.json")}), 0) << log();
  EXPECT_NE(log().find("scenario changed since the previous baseline (no previous value kept) (1): edited"),
            std::string::npos)
      << log();
  EXPECT_EQ(callsim({"check", path("second"), "--baseline", path("baseline.json")}), 0) << log();
}

TEST_F(CheckCli, UpdateKeepsHandEditedOverrides) {
  write_results(dir.path() / "r.jsonl", {make_call("a")});
  ASSERT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json")}), 0) << log();
  Baseline b = load_baseline(path("baseline.json"));
  b.calls["a"].directions["alice->bob"]["emodel_r_wb"].override_tolerance.absolute = 9.0;
  save_baseline(b, path("baseline.json"));
  auto m = good_metrics();
  m["emodel_r_wb"] = 80.0;
  write_results(dir.path() / "r.jsonl", {make_call("a", m)});
  ASSERT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json")}), 0) << log();
  const Baseline after = load_baseline(path("baseline.json"));
  const BaselineMetric& r = after.calls.at("a").directions.at("alice->bob").at("emodel_r_wb");
  EXPECT_EQ(r.value, 80.0);
  EXPECT_EQ(*r.override_tolerance.absolute, 9.0);
  EXPECT_NE(read_file(dir.path() / "baseline.json").find("\"emodel_r_wb\": {\n            \"absolute\": 9.0,\n"),
            std::string::npos);
}

// A baseline keeps its own list of tracked metrics through updates: a metric the table began to
// track after the baseline was made (speech_received_ratio, in reports/baseline.json) was never
// gated, and nothing said so. Update names such metrics, and --track adds one.
TEST_F(CheckCli, UpdateNamesMetricsTheBaselineDoesNotTrackAndTrackAddsThem) {
  auto m = good_metrics();
  m["speech_received_ratio"] = 1.0;
  write_results(dir.path() / "r.jsonl", {make_call("a", m)});
  ASSERT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json")}), 0) << log();
  EXPECT_EQ(log().find("not tracked by this baseline"), std::string::npos) << log();  // a new one tracks them all
  Baseline b = load_baseline(path("baseline.json"));
  b.defaults.erase("speech_received_ratio");
  for (auto& [direction, metrics] : b.calls["a"].directions) metrics.erase("speech_received_ratio");
  save_baseline(b, path("baseline.json"));
  ASSERT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json")}), 0) << log();
  EXPECT_NE(log().find("  not tracked by this baseline, though the metric table tracks them by default (--track "
                       "METRIC adds one) (1): speech_received_ratio\n"),
            std::string::npos)
      << log();
  EXPECT_EQ(load_baseline(path("baseline.json")).defaults.count("speech_received_ratio"), 0u);

  // Tracked, it gates: a call that received half its speech regresses.
  // --track before the results takes one metric (it took the results too: "results is required").
  ASSERT_EQ(callsim({"baseline", "update", "--track", "speech_received_ratio", path("r.jsonl"), "-o",
                     path("baseline.json")}),
            0)
      << log();
  EXPECT_EQ(log().find("not tracked by this baseline"), std::string::npos) << log();
  EXPECT_EQ(load_baseline(path("baseline.json")).calls.at("a").directions.at("alice->bob").at("speech_received_ratio").value,
            1.0);
  m["speech_received_ratio"] = 0.5;
  write_results(dir.path() / "half.jsonl", {make_call("a", m)});
  EXPECT_EQ(callsim({"check", path("half.jsonl"), "--baseline", path("baseline.json")}), 1) << log();
  EXPECT_NE(log().find("speech_received_ratio"), std::string::npos) << log();

  // What cannot be tracked is refused, and the baseline is left as it was.
  const std::string before = read_file(dir.path() / "baseline.json");
  EXPECT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json"), "--track", "mos"}), 2);
  EXPECT_NE(log().find("--track: 'mos' is not a metric"), std::string::npos) << log();
  EXPECT_EQ(callsim({"baseline", "update", path("r.jsonl"), "-o", path("baseline.json"), "--track", "packets_sent"}), 2);
  EXPECT_NE(log().find("--track: packets_sent: neither way of it is worse"), std::string::npos) << log();
  EXPECT_EQ(read_file(dir.path() / "baseline.json"), before);
}

// An empty result set (a sweep that wrote no calls) used to pass the gate, even against a baseline
// with --allow-missing, and `baseline update` from it emptied the baseline.
TEST_F(CheckCli, NoCallsFailsTheCheckAndBaselineUpdateRefusesIt) {
  checkutil::write_file(dir.path() / "empty.jsonl", "");
  EXPECT_EQ(callsim({"check", path("empty.jsonl"), "--junit", path("j.xml")}), 1);
  EXPECT_NE(log().find("callsim check: 0 calls"), std::string::npos) << log();
  EXPECT_NE(log().find("no calls checked: the results hold no calls"), std::string::npos) << log();
  EXPECT_NE(log().find("CHECK FAILED"), std::string::npos) << log();
  const std::string xml = read_file(dir.path() / "j.xml");
  EXPECT_NE(xml.find("<testsuites name=\"callsim check\" tests=\"1\" failures=\"1\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"no calls checked"), std::string::npos) << xml;

  write_results(dir.path() / "full.jsonl", {make_call("a"), make_call("b")});
  ASSERT_EQ(callsim({"baseline", "update", path("full.jsonl"), "-o", path("baseline.json")}), 0) << log();
  EXPECT_EQ(callsim({"check", path("empty.jsonl"), "--baseline", path("baseline.json"), "--allow-missing"}),
            1)
      << log();
  // An empty shard (more shards than jobs) is allowed when said so.
  EXPECT_EQ(callsim({"check", path("empty.jsonl"), "--baseline", path("baseline.json"), "--allow-missing",
                     "--allow-empty"}),
            0)
      << log();
  EXPECT_NE(log().find("allowed by --allow-empty"), std::string::npos) << log();

  const std::string before = read_file(dir.path() / "baseline.json");
  EXPECT_EQ(callsim({"baseline", "update", path("empty.jsonl"), "-o", path("baseline.json")}), 2);
  EXPECT_NE(log().find(path("empty.jsonl") + ": the results hold no calls"), std::string::npos) << log();
  EXPECT_EQ(read_file(dir.path() / "baseline.json"), before);
  ASSERT_EQ(
      callsim({"baseline", "update", path("empty.jsonl"), "-o", path("baseline.json"), "--allow-empty"}), 0)
      << log();
  EXPECT_TRUE(load_baseline(path("baseline.json")).calls.empty());
}

// `check --junit FILE` that reached no verdict (the results gone after a killed sweep, or the XML
// not writable) exited 2 and left the earlier run's FILE in place: a CI server publishing JUnit
// whatever the exit code showed the earlier, passing results. FILE now records the error, or is
// gone when it cannot be written.
TEST_F(CheckCli, ACheckWithoutAVerdictLeavesNoEarlierJunit) {
  write_results(dir.path() / "night1.jsonl", {make_call("a"), make_call("b")});
  ASSERT_EQ(callsim({"check", path("night1.jsonl"), "--junit", path("j.xml")}), 0) << log();
  ASSERT_NE(read_file(dir.path() / "j.xml").find("failures=\"0\" errors=\"0\""), std::string::npos);

  EXPECT_EQ(callsim({"check", path("gone.jsonl"), "--junit", path("j.xml")}), 2);
  EXPECT_NE(log().find(path("gone.jsonl") + ": no such file or folder"), std::string::npos) << log();
  const std::string xml = read_file(dir.path() / "j.xml");
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\" errors=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<error message=\"no verdict: " + path("gone.jsonl") + ": no such file or folder"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<testcase name=\"a\""), std::string::npos) << xml;
  // A bad baseline: the same.
  ASSERT_EQ(callsim({"check", path("night1.jsonl"), "--junit", path("j.xml")}), 0) << log();
  checkutil::write_file(dir.path() / "broken.json", "{");
  EXPECT_EQ(callsim({"check", path("night1.jsonl"), "--baseline", path("broken.json"), "--junit", path("j.xml")}), 2);
  EXPECT_NE(read_file(dir.path() / "j.xml").find("errors=\"1\""), std::string::npos);

  // An XML that cannot be written (a file-size limit below its size, as a full disk): the earlier
  // file is removed, and no verdict is printed; the smaller XML saying there is no verdict is.
  const std::string name = "full_disk.xml";
  const std::string earlier = "<testsuites tests=\"2\" failures=\"0\"/>";
  ASSERT_EQ(callsim({"check", path("night1.jsonl"), "--junit", path("whole.xml")}), 0) << log();
  ASSERT_GT(std::filesystem::file_size(dir.path() / "whole.xml"), 1024u) << "the XML fits in the limit";
  checkutil::write_file(dir.path() / name, earlier);
  EXPECT_EQ(checkutil::run_callsim({"check", path("night1.jsonl"), "--junit", path(name)}, dir.path() / "log.txt", 1024), 2);
  EXPECT_NE(log().find(path(name)), std::string::npos) << log();
  EXPECT_EQ(log().find("CHECK PASSED"), std::string::npos) << log();
  const std::string left = read_file(dir.path() / name);
  EXPECT_NE(left.find("<error message=\"no verdict: "), std::string::npos) << left;
  EXPECT_EQ(left.find(earlier), std::string::npos) << left;
  // Nothing fits (64 bytes): the earlier file is gone all the same.
  checkutil::write_file(dir.path() / name, earlier);
  EXPECT_EQ(checkutil::run_callsim({"check", path("night1.jsonl"), "--junit", path(name)}, dir.path() / "log.txt", 64), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / name));
}

}  // namespace
}  // namespace callsim::harness
