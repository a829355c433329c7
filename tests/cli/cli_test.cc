// The command line's surface: `callsim --version` and `callsim version` agree; every command that
// writes a file or folder takes it as -o/--out (and really writes there); --help of the program and
// of each command ends with the exit codes.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"
#include "common/version.h"

namespace callsim::clitest {
namespace {

namespace fs = std::filesystem;

// A 2 s one-way call without scoring: fast enough to run several times per test.
constexpr const char* kTinyScenario = R"({
  "name": "tiny", "duration_s": 2, "seed": 3,
  "peers": {"alice": {"talker": "en_female"}, "bob": {}},
  "links": {"alice->bob": {"delay": {"base_ms": 30}}},
  "scoring": {"pesq": false},
  "expect": {"all": ["mouth_to_ear_p95_ms <= 1000"]}
})";

TEST(Cli, VersionFlagAndVersionCommandPrintTheSameVersion) {
  const CliRun flag = callsim({"--version"});
  const CliRun command = callsim({"version"});
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(command.exit_code, 0) << command.err;
  EXPECT_EQ(flag.out, command.out);
  EXPECT_EQ(flag.out.substr(0, flag.out.find('\n')), std::string("callsim ") + kVersion);
  // The libraries that can move scores are named with their versions.
  EXPECT_TRUE(std::regex_search(flag.out, std::regex(R"(\nlibopus \d+\.\d+)"))) << flag.out;
  EXPECT_TRUE(std::regex_search(flag.out, std::regex(R"(libsndfile-\d+\.\d+)"))) << flag.out;
  EXPECT_EQ(flag.err, "");
}

TEST(Cli, HelpOfTheProgramAndOfEveryCommandStatesTheExitCodes) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},          {"run", "--help"},    {"validate", "--help"},
                                             {"score", "--help"}, {"sweep", "--help"},  {"check", "--help"},
                                             {"report", "--help"}, {"netsim", "--help"}, {"level", "--help"},
                                             {"merge", "--help"}, {"baseline", "update", "--help"},
                                             {"relay", "--help"}, {"relay", "verify", "--help"}}) {
    const CliRun r = callsim(args);
    const std::string what = args.front();
    EXPECT_EQ(r.exit_code, 0) << what;
    const std::string text = std::regex_replace(r.out, std::regex(R"(\s+)"), " ");
    for (const char* code :
         {"Exit codes: 0 ran, every expectation and check held;",
          "1 an expectation, check or regression failed;",
          "2 bad input, an unusable output path or a missing tool", "3 internal error, a bug in callsim"})
      EXPECT_NE(text.find(code), std::string::npos) << what << " --help lacks '" << code << "':\n" << r.out;
  }
}

TEST(Cli, EveryCommandThatWritesTakesDashOAndDashDashOut) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"run", "--help"}, {"sweep", "--help"}, {"merge", "--help"}, {"netsim", "--help"},
           {"level", "--help"}, {"report", "--help"}, {"baseline", "update", "--help"}, {"relay", "--help"}}) {
    const CliRun r = callsim(args);
    EXPECT_NE(r.out.find("-o,--out"), std::string::npos) << args.front() << ":\n" << r.out;
  }
  // No command spells it differently.
  for (const char* command : {"run", "validate", "score", "sweep", "check", "report", "netsim", "level", "merge", "relay"})
    EXPECT_EQ(callsim({command, "--help"}).out.find("--output"), std::string::npos) << command;
}

TEST(Cli, EveryCommandThatWritesWritesToDashDashOut) {
  Scratch dir("cli-out");
  write_text(dir / "tiny.json", kTinyScenario);
  const auto path = [&](const std::string& name) { return (dir / name).string(); };
  const auto ok = [](const CliRun& r) { return ::testing::AssertionResult(r.exit_code == 0) << r.out << r.err; };

  EXPECT_TRUE(ok(callsim({"run", path("tiny.json"), "--no-audio", "-q", "--out", path("run")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "run/result.json"));
  EXPECT_TRUE(ok(callsim({"sweep", path("tiny.json"), "-q", "-j", "1", "--no-audio", "--out",
                          path("sweep")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "sweep/results.jsonl"));
  EXPECT_TRUE(ok(callsim({"merge", path("sweep"), "-q", "--out", path("merged")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "merged/results.jsonl"));
  EXPECT_TRUE(ok(callsim({"baseline", "update", path("merged"), "--out", path("baseline.json")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "baseline.json"));
  EXPECT_TRUE(ok(callsim({"report", path("merged"), "-q", "--audio", "none", "--out", path("report")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "report/index.html"));
  EXPECT_TRUE(ok(callsim({"netsim", path("tiny.json"), "--duration", "1", "--out", path("trace.csv")})));
  EXPECT_EQ(read_text(dir / "trace.csv").substr(0, 3), "id,");
  EXPECT_TRUE(ok(callsim({"level", "builtin:en_female", "--normalize", "-26", "--out", path("talker.flac")})));
  EXPECT_TRUE(fs::is_regular_file(dir / "talker.flac"));
  // A name the written file is not (a WAV named .mp3), or the input itself: refused, nothing written.
  EXPECT_EQ(callsim({"level", "builtin:en_female", "--normalize", "-26", "--out", path("talker.mp3")}).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "talker.mp3"));
  const std::string before = read_text(dir / "talker.flac");
  EXPECT_EQ(callsim({"level", path("talker.flac"), "--normalize", "-20", "--out", path("talker.flac")}).exit_code, 2);
  EXPECT_EQ(read_text(dir / "talker.flac"), before);
  // Clipped: exit 1, and the level printed for the output is what the 16-bit file holds.
  const CliRun loud = callsim({"level", "builtin:en_female", "--normalize", "-1", "--out", path("loud.wav")});
  EXPECT_EQ(loud.exit_code, 1) << loud.err;
  EXPECT_NE(loud.out.find(path("loud.wav") + ": rate 48000 Hz"), std::string::npos) << loud.out;
  EXPECT_NE(loud.out.find("peak 0.00 dBFS"), std::string::npos) << loud.out;
  EXPECT_NE(loud.err.find("clipped (the scaled signal peaked"), std::string::npos) << loud.err;
}

// result.json names only files that exist: --no-audio writes no WAV or pcap, so neither they nor a
// `callsim score` command over them are recorded. An empty -o is refused, not the default.
TEST(Cli, ResultJsonNamesOnlyTheFilesWritten) {
  Scratch dir("cli-files");
  std::string scored = kTinyScenario;
  scored.replace(scored.find("\"pesq\": false"), 13, "\"pesq\": true");
  scored.replace(scored.find("\"duration_s\": 2"), 15, "\"duration_s\": 4");
  write_text(dir / "scored.json", scored);
  const CliRun r = callsim({"run", (dir / "scored.json").string(), "--no-audio", "-q", "-o", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json j = nlohmann::json::parse(read_text(dir / "out/result.json"));
  const nlohmann::json& d = j.at("directions").at("alice->bob");
  EXPECT_FALSE(d.at("files").contains("degraded"));
  EXPECT_FALSE(d.at("files").contains("pcap"));
  for (const auto& [key, file] : d.at("files").items())
    EXPECT_TRUE(fs::is_regular_file(dir / "out" / file.get<std::string>())) << key;
  const nlohmann::json& nb = d.at("quality").at("pesq_nb");
  EXPECT_TRUE(nb.contains("mos_lqo")) << nb.dump();
  EXPECT_FALSE(nb.contains("command"));
  EXPECT_TRUE(nb.at("command_unavailable").is_string());

  const CliRun empty = callsim({"run", (dir / "scored.json").string(), "-o", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty.out << empty.err;
  EXPECT_NE(empty.err.find("empty path"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace callsim::clitest
