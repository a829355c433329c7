// What `validate` and `sweep` accept (issue 11, "Wrong acceptance"): validate refuses everything
// run would refuse about its inputs; sweep refuses bad input before running anything; numbers on
// the command line are range-checked; a huge matrix is counted and refused at once; errors inside
// referenced files name the scenario and its pointer first, then the resolved path; validate
// checks matrix files and folders call by call, as sweep expands them.
#include <gtest/gtest.h>

#include "hardening_util.h"

namespace callsim::hardening {
namespace {

class Acceptance : public ::testing::Test {
 protected:
  Scratch dir{"acceptance"};
  std::string scenario(const std::string& name, const nlohmann::json& doc) {
    write_text(dir / name, doc.dump());
    return dir / name;
  }
};

void expect_refused(const CliResult& r, const std::string& message) {
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\n" << describe(r);
}

TEST_F(Acceptance, ValidateRefusesWhatRunWouldRefuse) {
  auto doc = small_scenario();
  doc["peers"]["alice"]["talker"] = "nobody";
  const std::string unknown = scenario("unknown.json", doc);
  const std::string msg =
      "unknown.json: /peers/alice/talker: unknown built-in talker 'nobody' (built-in talkers: "
      "de_female, de_male, en_female, en_male)";
  expect_refused(run_cli({"validate", unknown}), msg);
  expect_refused(run_cli({"run", unknown, "-o", dir / "out"}), msg);

  std::filesystem::create_directory(dir.path() / "talker_dir");
  doc["peers"]["alice"]["talker"] = {{"file", "talker_dir"}};
  expect_refused(run_cli({"validate", scenario("dir.json", doc)}),
                 "dir.json: /peers/alice/talker/file: talker file 'talker_dir': " + dir / "talker_dir" +
                     ": audio file is a folder; only regular files are read");
  write_text(dir.path() / "junk.wav", "not audio at all");
  doc["peers"]["alice"]["talker"] = {{"file", "junk.wav"}};
  expect_refused(run_cli({"validate", scenario("junk.json", doc)}), "junk.wav: cannot read audio:");
  doc["peers"]["alice"]["talker"] = {{"file", "missing.wav"}};
  expect_refused(
      run_cli({"validate", scenario("missing.json", doc)}),
      "/peers/alice/talker/file: talker file 'missing.wav': " + dir / "missing.wav" + ": no such file");

  doc = small_scenario(std::string(101, 'n'));
  expect_refused(run_cli({"validate", scenario("long.json", doc)}),
                 "long.json: /name: name must be 1 to 100");
  doc = small_scenario();
  doc["peers"]["bob"]["jitter_buffer"] = {{"plugin", "plugin_dir"}};
  expect_refused(run_cli({"validate", scenario("plugin.json", doc)}),
                 "plugin.json: /peers/bob/jitter_buffer/plugin: plugin library 'plugin_dir': " +
                     dir / "plugin_dir" + ": no such file");
  write_text(dir.path() / "fake.so", "not a library");
  doc["peers"]["bob"]["jitter_buffer"] = {{"plugin", "fake.so"}};
  expect_refused(run_cli({"validate", scenario("plugin2.json", doc)}),
                 "plugin2.json: /peers/bob/jitter_buffer: plugin cannot be used:");
}

TEST_F(Acceptance, SweepRefusesBadInputBeforeRunningAnything) {
  scenario("good.json", small_scenario("good"));
  auto bad = small_scenario("bad");
  bad["peers"]["alice"]["talker"] = {{"file", "/dev/zero"}};
  scenario("bad.json", bad);
  const CliResult r = run_cli({"sweep", dir / "good.json", dir / "bad.json", "-o", dir / "sweep", "-q"});
  expect_refused(r, "bad.json: /peers/alice/talker/file: talker file '/dev/zero'");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sweep")) << "nothing may run or be written";
}

TEST_F(Acceptance, ValidateChecksMatrixFilesAndFoldersAsSweepExpandsThem) {
  // A matrix whose second entry breaks a call: validate names the call's file and pointer as sweep
  // does (before, validate read a matrix as a scenario and refused its "matrix" key).
  nlohmann::json m = {{"matrix", "m"}, {"base", small_scenario()}, {"axes", {{"variant", nlohmann::json::object()}}}};
  m["axes"]["variant"]["ok"] = {{"peers", {{"alice", {{"talker", "en_male"}}}}}};
  const std::string good = scenario("m.json", m);
  const CliResult ok = run_cli({"validate", good});
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  EXPECT_EQ(ok.out, good + ": ok (1 call, each scenario valid, as `callsim sweep` expands it)\n") << describe(ok);
  m["axes"]["variant"]["bad"] = {{"peers", {{"alice", {{"talker", "nobody"}}}}}};
  const std::string bad = scenario("m_bad.json", m);
  const CliResult sweep = run_cli({"sweep", bad, "--list"});
  const CliResult validate = run_cli({"validate", bad});
  expect_refused(validate, "unknown built-in talker 'nobody'");
  EXPECT_EQ("callsim: " + validate.err, sweep.err) << describe(validate) << describe(sweep);
  // A folder: every scenario below it.
  std::filesystem::create_directory(dir.path() / "suite");
  write_text(dir.path() / "suite" / "a.json", small_scenario("a").dump());
  write_text(dir.path() / "suite" / "b.json", small_scenario("b").dump());
  const CliResult folder = run_cli({"validate", dir / "suite"});
  EXPECT_EQ(folder.exit_code, 0) << describe(folder);
  EXPECT_NE(folder.out.find(": ok (2 calls,"), std::string::npos) << describe(folder);
  auto broken = small_scenario("c");
  broken["duration_s"] = -1;
  write_text(dir.path() / "suite" / "c.json", broken.dump());
  expect_refused(run_cli({"validate", dir / "suite"}), "c.json: /duration_s");
  // A glob, as sweep takes it.
  const CliResult glob = run_cli({"validate", dir / "suite/[ab].json"});
  EXPECT_EQ(glob.exit_code, 0) << describe(glob);
  EXPECT_NE(glob.out.find(": ok (2 calls,"), std::string::npos) << describe(glob);
}

TEST_F(Acceptance, OutOfRangeNumbersOnTheCommandLineAreUsageErrors) {
  const std::string s = scenario("s.json", small_scenario());
  expect_refused(run_cli({"run", s, "--seed", "-1"}),
                 "--seed: '-1' is not an integer in [0, 18446744073709551615]");
  expect_refused(run_cli({"run", s, "--seed", "99999999999999999999"}),
                 "'99999999999999999999' is not an integer in [0, 18446744073709551615]");
  expect_refused(run_cli({"run", s, "--seed", "0x10"}), "'0x10' is not an integer");
  expect_refused(run_cli({"netsim", s, "--duration", "1e12"}),
                 "--duration: '1e12' is not a number in (0, 7200]");
  expect_refused(run_cli({"netsim", s, "--duration", "nan"}), "'nan' is not a number in (0, 7200]");
  expect_refused(run_cli({"netsim", s, "--pps", "inf"}), "'inf' is not a number in (0, 1000000]");
  // Each packet's fate is kept (~93 bytes): 1e6 pps for 7200 s took memory without bound.
  expect_refused(run_cli({"netsim", s, "--pps", "1000000", "--duration", "7200"}),
                 "--pps: 1000000 pps for 7200 s is 7200000000 packets; at most 20000000 are simulated");
  expect_refused(run_cli({"netsim", s, "--size", "99999999999999999999"}), "is not an integer in [1, 65507]");
  expect_refused(run_cli({"sweep", s, "-j", "100000"}), "'100000' is not an integer in [0, 256]");
  // In range: still accepted, and "010" is ten (not octal eight).
  const CliResult ok = run_cli({"netsim", s, "--duration", "2", "--seed", "010"});
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  EXPECT_NE(ok.out.find("seed 10,"), std::string::npos) << describe(ok);
}

TEST_F(Acceptance, AHugeMatrixIsCountedAndRefusedBeforeAnythingIsBuilt) {
  nlohmann::json m = {{"matrix", "huge"}, {"base", small_scenario()}, {"axes", nlohmann::json::object()}};
  for (const char* axis : {"a", "b", "c", "d", "e", "f", "g"}) {  // 10^7 combinations
    nlohmann::json entries = nlohmann::json::object();
    for (int i = 0; i < 10; ++i) entries["e" + std::to_string(i)] = nlohmann::json::object();
    m["axes"][axis] = entries;
  }
  const std::string file = scenario("huge.json", m);
  const CliResult r = run_cli({"sweep", file, "-o", dir / "sweep"}, 30);
  expect_refused(r,
                 "huge.json: /axes: the matrix expands to 10000000 calls; the limit is 100000 (raise it with "
                 "--max-calls)");
  // Exclusions are counted too: 7 seeds x 3 entries, 18 excluded -> 3 calls, over a limit of 2.
  m["axes"] = {
      {"seed", {1, 2, 3, 4, 5, 6, 7}},
      {"x",
       {{"p", nlohmann::json::object()}, {"q", nlohmann::json::object()}, {"r", nlohmann::json::object()}}}};
  m["exclude"] = {{{"x", {"p", "q"}}}, {{"seed", {1, 2, 3, 4}}}};
  expect_refused(run_cli({"sweep", scenario("three.json", m), "--max-calls", "2", "--list"}),
                 "three.json: /axes: the matrix expands to more than 2 calls; the limit is 2");
  const CliResult ok = run_cli({"sweep", dir / "three.json", "--max-calls", "3", "--list"});
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  EXPECT_EQ(ok.out, "huge/r/s5\nhuge/r/s6\nhuge/r/s7\n") << describe(ok);
}

TEST_F(Acceptance, ErrorsInReferencedFilesNameTheScenarioPointerThenTheResolvedPath) {
  auto doc = small_scenario();
  doc["links"]["alice->bob"] = {{"profile", "../../../../../../../../etc/passwd"}};
  expect_refused(
      run_cli({"validate", scenario("p.json", doc)}),
      "p.json: /links/alice->bob/profile: profile '../../../../../../../../etc/passwd': /etc/passwd: "
      "byte 0 (line 1, column 1): malformed JSON");
  std::filesystem::create_directory(dir.path() / "profiles");
  write_text(dir.path() / "profiles" / "bad.json", R"({"loss": {"model": "bernoulli", "p": 1.5}})");
  doc["links"]["alice->bob"] = {{"profile", "bad"}};
  expect_refused(run_cli({"validate", scenario("q.json", doc)}),
                 "q.json: /links/alice->bob/profile: profile 'bad': " + dir / "profiles/bad.json" +
                     ": /loss/p: 1.5 is not in [0, 1]");
}

}  // namespace
}  // namespace callsim::hardening
