// Exit codes as documented: 0 ran and held, 1 an expectation or check failed, 2 bad input, an
// unusable output path or a missing tool (with a message naming it), 3 only for a bug. The CLI
// cases run the binary; the mapping from exception types to codes is also tested in process,
// since a correct build offers no input that reaches a bug.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <new>

#include "audio/audio.h"
#include "cli_test_util.h"
#include "common/error.h"
#include "harness/sweep/sweep.h"

namespace callsim::clitest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTiny = R"({
  "name": "tiny", "duration_s": 2, "seed": 3,
  "peers": {"alice": {"talker": "en_female"}, "bob": {}},
  "links": {"alice->bob": {"delay": {"base_ms": 30}}},
  "scoring": {"pesq": false},
  "expect": {"all": ["mouth_to_ear_p95_ms <= LIMIT"]}
})";

std::string tiny(const std::string& limit) {
  std::string s = kTiny;
  s.replace(s.find("LIMIT"), 5, limit);
  return s;
}

class ExitCodes : public ::testing::Test {
 protected:
  Scratch dir{"cli-exit"};
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

TEST_F(ExitCodes, ZeroWhenEveryExpectationHoldsOneWhenOneFails) {
  write_text(dir / "pass.json", tiny("1000"));
  write_text(dir / "fail.json", tiny("1"));
  const CliRun pass = callsim({"run", path("pass.json"), "--no-audio", "-o", path("pass")});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  const CliRun fail = callsim({"run", path("fail.json"), "--no-audio", "-o", path("fail")});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_TRUE(fs::is_regular_file(dir / "fail/result.json"));  // a failed expectation is a result
}

// --no-score: a MOS expectation cannot be measured, so it is skipped with a note (exit 0); an
// expectation that does not need P.862 still gates.
TEST_F(ExitCodes, NoScoreSkipsMosExpectationsAndStillGatesTheRest) {
  const auto scored_tiny = [](const std::string& limit) {
    std::string s = tiny(limit);
    const std::string off = "  \"scoring\": {\"pesq\": false},\n";
    s.erase(s.find(off), off.size());
    s.insert(s.find("\"mouth_to_ear_p95_ms"), "\"mos_lqo_nb >= 4.4\", ");
    return s;
  };
  write_text(dir / "pass.json", scored_tiny("1000"));
  write_text(dir / "fail.json", scored_tiny("1"));
  const CliRun run = callsim({"run", path("pass.json"), "--no-score", "--no-audio", "-o", path("run")});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("SKIP alice->bob: mos_lqo_nb >= 4.4  (skipped: mos_lqo_nb needs P.862"), std::string::npos)
      << run.out;
  EXPECT_NE(read_text(dir / "run/result.json").find(R"("status": "skipped")"), std::string::npos);
  const CliRun sweep = callsim({"sweep", path("pass.json"), "--no-score", "--no-audio", "-q", "-o", path("sweep")});
  EXPECT_EQ(sweep.exit_code, 0) << sweep.out << sweep.err;
  const CliRun check = callsim({"check", path("sweep")});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("Skipped expectations (not failures)"), std::string::npos) << check.out;
  const CliRun fail = callsim({"run", path("fail.json"), "--no-score", "--no-audio", "-o", path("fail")});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;  // mouth_to_ear_p95_ms <= 1 still fails
  // With scoring on, the same MOS expectation is measured (and 4.4 on NB is out of reach).
  const CliRun scored = callsim({"run", path("pass.json"), "--no-audio", "-o", path("scored")});
  EXPECT_EQ(scored.exit_code, 1) << scored.out << scored.err;
  EXPECT_NE(scored.out.find("FAIL alice->bob: mos_lqo_nb >= 4.4"), std::string::npos) << scored.out;
}

TEST_F(ExitCodes, TwoForBadInputNamingTheFileAndPointer) {
  write_text(dir / "bad.json", R"({"name": "x", "peers": {}, "links": {}, "duration_s": "long"})");
  const CliRun validate = callsim({"validate", path("bad.json")});
  const CliRun run = callsim({"run", path("bad.json"), "-o", path("out")});
  for (const CliRun& r : {validate, run}) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(path("bad.json") + ": /duration_s"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "out"));
  const CliRun missing = callsim({"run", path("nonexistent.json")});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("nonexistent.json"), std::string::npos) << missing.err;
  // Command-line mistakes are bad input too.
  EXPECT_EQ(callsim({"run", "--no-such-option"}).exit_code, 2);
  EXPECT_EQ(callsim({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(callsim({}).exit_code, 2);
  EXPECT_EQ(callsim({"check"}).exit_code, 2);  // RESULTS is required
}

// validate passed two files with one scenario name, and a matrix beside it, that sweep refuses
// together; it printed no notes for a matrix's calls; it had no --max-calls for what sweep accepts.
TEST_F(ExitCodes, ValidateRefusesWhatSweepRefusesOfSeveralArgumentsTogether) {
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  write_text(dir / "a/one.json", tiny("1000"));
  write_text(dir / "b/two.json", tiny("1000"));  // the same scenario name: one job id twice
  const CliRun both = callsim({"validate", path("a/one.json"), path("b/two.json")});
  const CliRun sweep = callsim({"sweep", path("a/one.json"), path("b/two.json"), "--list"});
  for (const CliRun& r : {both, sweep}) {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("job id 'tiny' is also produced by"), std::string::npos) << r.err;
  }
  EXPECT_NE(both.out.find(path("a/one.json") + ": ok"), std::string::npos) << both.out;  // each alone is fine
  // A single scenario: the fingerprint a run records and `check` compares, without running it.
  const CliRun one = callsim({"validate", path("a/one.json")});
  EXPECT_EQ(one.exit_code, 0);
  const size_t at = one.out.find("; fingerprint fnv1a64:");
  ASSERT_NE(at, std::string::npos) << one.out;
  const std::string printed = one.out.substr(at + 14, 8 + 16);
  ASSERT_EQ(callsim({"run", path("a/one.json"), "-o", path("one_run"), "--no-audio", "--no-score"}).exit_code, 0);
  std::ifstream result(dir / "one_run" / "result.json");
  EXPECT_EQ(nlohmann::json::parse(result).at("scenario").at("fingerprint"), printed);
  // A matrix: notes of its calls, each once; --max-calls as sweep takes it.
  write_text(dir / "m.json", R"({"matrix": "m", "base": "a/one.json",
    "axes": {"seed": [1, 2, 3], "narrow": {"n": {"peers": {"alice": {"codec": {"sample_rate_hz": 8000}}},
                                                 "scoring": {"pesq": true}, "expect": {"all": ["mos_lqo_wb >= 3"]}}}}})");
  const CliRun m = callsim({"validate", path("m.json")});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("note: 3 calls (the first m/n/s1): "), std::string::npos) << m.err;
  const CliRun limited = callsim({"validate", path("m.json"), "--max-calls", "2"});
  EXPECT_EQ(limited.exit_code, 2) << limited.err;
  EXPECT_EQ(callsim({"validate", path("m.json"), "--max-calls", "3"}).exit_code, 0);
}

// A link profile file given where a scenario goes read "/delay: unknown key 'delay'; expected one
// of: $schema, name, ..." from run, sweep and validate alike. They say what it is; validate refuses
// it as run does (exit 2) and adds the profile's own verdict. A baseline file is named too.
TEST_F(ExitCodes, AProfileOrBaselineFileWhereAScenarioGoesIsNamedForWhatItIs) {
  write_text(dir / "wifi.json", R"({"description": "a link", "delay": {"base_ms": 15}, "loss": {"model": "bernoulli", "p": 0.01}})");
  write_text(dir / "broken.json", R"({"delay": {"base_ms": -5}})");
  const CliRun run = callsim({"run", path("wifi.json"), "--no-audio", "-o", path("out")});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(path("wifi.json") + ": this is a link profile (one link's settings), not a scenario: a scenario "
                         "uses it as \"links\": {\"alice->bob\": {\"profile\": \"<its path>\"}}"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  const CliRun sweep = callsim({"sweep", path("wifi.json"), "--list"});
  EXPECT_EQ(sweep.exit_code, 2) << sweep.err;
  EXPECT_NE(sweep.err.find("this is a link profile (one link's settings), neither a scenario nor a matrix"),
            std::string::npos)
      << sweep.err;
  const CliRun good = callsim({"validate", path("wifi.json")});
  EXPECT_EQ(good.exit_code, 2) << good.out << good.err;
  EXPECT_NE(good.err.find("; as a link profile it is valid (delay, loss)"), std::string::npos) << good.err;
  const CliRun bad = callsim({"validate", path("broken.json")});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("; as a link profile it is not valid: " + path("broken.json") + ": /delay/base_ms: -5 is not in"),
            std::string::npos)
      << bad.err;
  write_text(dir / "base.json", R"({"format": "callsim-baseline/1", "defaults": {}, "calls": {}})");
  const CliRun base = callsim({"validate", path("base.json")});
  EXPECT_EQ(base.exit_code, 2);
  EXPECT_NE(base.err.find("this is a callsim baseline (`callsim check --baseline` reads it), not a scenario"),
            std::string::npos)
      << base.err;
  // A matrix file or a suite folder: validate takes both (as sweep reads them); run read
  // "/axes: unknown key 'axes'" and "JSON file is a folder".
  const std::string matrix = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/matrices/smoke.json";
  const CliRun m = callsim({"run", matrix, "--no-audio", "-o", path("out")});
  EXPECT_EQ(m.exit_code, 2) << m.err;
  EXPECT_NE(m.err.find("this is a matrix file (a base scenario times axes of settings), not a scenario: `callsim sweep` "
                       "runs its calls"),
            std::string::npos)
      << m.err;
  const CliRun folder = callsim({"run", std::string(CALLSIM_SOURCE_DIR) + "/scenarios/suites/smoke", "-o", path("out")});
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
  EXPECT_NE(folder.err.find("is a folder, not a scenario: `callsim sweep` runs the scenarios of a suite folder"),
            std::string::npos)
      << folder.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// sweep ran a call with a silent talker without a word (validate and run noted it): the CI path
// only showed "nothing to score". It prints the calls' input notes before running them.
TEST_F(ExitCodes, SweepPrintsTheInputNotesValidateAndRunPrint) {
  audio::write_audio16(dir / "silent.wav", audio::Signal{16000, std::vector<float>(16000 * 4, 0.0f)});
  std::string s = tiny("1000");
  s.replace(s.find("\"talker\": \"en_female\""), std::string("\"talker\": \"en_female\"").size(),
            "\"talker\": {\"file\": \"silent.wav\"}");
  write_text(dir / "quiet.json", s);
  const std::string note = "silent.wav is silent (-inf dBFS over the 3.000 s the call reads)";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", path("quiet.json")},
        std::vector<std::string>{"run", path("quiet.json"), "--no-audio", "-o", path("r")},
        std::vector<std::string>{"sweep", path("quiet.json"), "--no-audio", "-o", path("s")}}) {
    const CliRun r = callsim(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << r.err;
    EXPECT_NE(r.err.find(note), std::string::npos) << args[0] << ": " << r.err;
  }
  EXPECT_EQ(callsim({"sweep", path("quiet.json"), "--no-audio", "-o", path("s2"), "-q"}).err.find(note),
            std::string::npos);
}

TEST_F(ExitCodes, TwoForAnUnusableOutputPathNamingIt) {
  write_text(dir / "pass.json", tiny("1000"));
  write_text(dir / "a_file", "not a folder\n");
  // A file where the output folder should be.
  const CliRun run = callsim({"run", path("pass.json"), "--no-audio", "-o", path("a_file")});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(path("a_file")), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("internal error"), std::string::npos) << run.err;
  EXPECT_EQ(read_text(dir / "a_file"), "not a folder\n");
  // A folder that does not exist for a file output.
  const CliRun netsim = callsim({"netsim", path("pass.json"), "--duration", "1", "-o", path("no/such/dir/t.csv")});
  EXPECT_EQ(netsim.exit_code, 2) << netsim.err;
  EXPECT_NE(netsim.err.find(path("no/such/dir/t.csv")), std::string::npos) << netsim.err;
  // JUnit output of `check` under a file.
  ASSERT_EQ(callsim({"run", path("pass.json"), "--no-audio", "-q", "-o", path("run")}).exit_code, 0);
  const CliRun check = callsim({"check", path("run"), "--junit", path("a_file/junit.xml")});
  EXPECT_EQ(check.exit_code, 2) << check.out << check.err;
  EXPECT_NE(check.err.find(path("a_file/junit.xml")), std::string::npos) << check.err;
}

TEST_F(ExitCodes, TwoWhenGnuplotIsMissing) {
  write_text(dir / "pass.json", tiny("1000"));
  ASSERT_EQ(callsim({"run", path("pass.json"), "--no-audio", "-q", "-o", path("run")}).exit_code, 0);
  const CliRun r = callsim({"report", path("run"), "--gnuplot", path("no-gnuplot"), "-o", path("report")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot run '" + path("no-gnuplot") + "'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "report"));
}

TEST(ExitCodeMapping, OnlyUnclassifiedExceptionsAreBugs) {
  const auto code = [](auto e) { return exit_code_of(std::make_exception_ptr(e)); };
  EXPECT_EQ(code(InputError("f.json", "/a", "bad")), kExitBadInput);
  EXPECT_EQ(code(EnvironmentError("out/x: cannot create: Read-only file system")), kExitBadInput);
  EXPECT_EQ(code(fs::filesystem_error("create_directories", fs::path("out"),
                                      std::make_error_code(std::errc::file_exists))),
            kExitBadInput);
  EXPECT_EQ(code(std::bad_alloc()), kExitBadInput);
  EXPECT_EQ(code(std::logic_error("Simulator: event scheduled in the past")), kExitBug);
  EXPECT_EQ(code(std::runtime_error("opus_encode_float: internal error")), kExitBug);
  EXPECT_EQ(code(42), kExitBug);
  EXPECT_EQ(describe_error(std::make_exception_ptr(std::logic_error("boom"))),
            "internal error (a bug in callsim, please report it): boom");
  EXPECT_EQ(describe_error(std::make_exception_ptr(InputError("f.json", "/a", "bad"))), "f.json: /a: bad");
}

TEST(ExitCodeMapping, SweepReportsTheMostSevereOutcome) {
  harness::SweepReport r;
  EXPECT_EQ(r.exit_code(), 0);
  r.failed = 1;
  EXPECT_EQ(r.exit_code(), 1);
  r.input_error = true;
  EXPECT_EQ(r.exit_code(), 2);
  r.internal_error = true;
  EXPECT_EQ(r.exit_code(), 3);
}

}  // namespace
}  // namespace callsim::clitest
