// Sharding across processes: three `callsim sweep --shard K/3` processes and `callsim merge`
// reproduce one unsharded run byte for byte; the CLI's exit codes for bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <sstream>
#include <tuple>

#include "harness/sweep/results_io.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testutil::TempDir;

const std::string kCallsim = CALLSIM_BINARY_DIR "/callsim";

// 7 jobs (so the shards hold 3, 2 and 2): a matrix of 3 networks × 2 seeds and one plain scenario.
std::vector<std::string> write_suite(const fs::path& dir) {
  const json m = {{"matrix", "grid"},
                  {"base", testutil::short_call("call")},
                  {"axes", {{"network", {"good_wifi", "3g", "satellite"}}, {"seed", {1, 2}}}}};
  testutil::write_json(dir / "grid.json", m);
  testutil::write_json(dir / "single" / "one.json", testutil::short_call("lonely", 2.0, true));
  return {(dir / "grid.json").string(), (dir / "single").string()};
}

std::vector<std::string> sweep_args(const std::vector<std::string>& suites, const fs::path& out,
                                    const std::vector<std::string>& extra) {
  std::vector<std::string> a = {kCallsim, "sweep"};
  a.insert(a.end(), suites.begin(), suites.end());
  a.insert(a.end(), {"-o", out.string(), "--no-audio", "--no-score"});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST(ShardMerge, ThreeShardProcessesMergeIntoTheUnshardedRun) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  std::vector<pid_t> shards;
  for (int k = 1; k <= 3; ++k) {
    const std::string name = "shard" + std::to_string(k);
    shards.push_back(testutil::spawn(
        sweep_args(suites, dir / name, {"-j", "1", "--shard", std::to_string(k) + "/3"}), log));
  }
  for (pid_t pid : shards) EXPECT_EQ(testutil::wait_exit(pid), 0) << testutil::read_text(log);
  EXPECT_EQ(read_results(dir / "shard1" / "results.jsonl").records.size(), 3u);
  EXPECT_EQ(read_results(dir / "shard3" / "results.jsonl").records.size(), 2u);

  // Merge in a scrambled order: the result does not depend on it.
  ASSERT_EQ(testutil::run({kCallsim, "merge", (dir / "shard3").string(), (dir / "shard1").string(),
                           (dir / "shard2").string(), "-o", (dir / "merged").string()},
                          log),
            0)
      << testutil::read_text(log);
  const std::string full = testutil::read_text(dir / "full" / "results.jsonl");
  EXPECT_EQ(testutil::read_text(dir / "merged" / "results.jsonl"), full);
  EXPECT_EQ(testutil::summary_without_timing(dir / "merged"), testutil::summary_without_timing(dir / "full"));
  const ResultLines lines = read_results(dir / "full" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), 7u);
  for (const auto& r : lines.records) {
    const fs::path rel = r.at("dir").get<std::string>();
    EXPECT_EQ(testutil::read_text(dir / "merged" / rel / "result.json"),
              testutil::read_text(dir / "full" / rel / "result.json"))
        << rel;
    EXPECT_TRUE(fs::exists(dir / "merged" / rel / "alice-to-bob" / "frames.csv")) << rel;
  }

  // Incomplete or doubled shard sets are refused.
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "shard1").string(), (dir / "shard2").string(), "-o",
                           (dir / "partial").string()},
                          log),
            2);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "shard1").string(), (dir / "shard2").string(),
                           (dir / "shard2").string(), "-o", (dir / "doubled").string()},
                          log),
            2);
  EXPECT_FALSE(fs::exists(dir / "partial" / "results.jsonl"));
}

// Shards of two different sweeps with the same number of jobs used to merge: the shard record
// had only index, count and jobs_total. Merge also wrote into one of its inputs, or into any folder.
// Shards run on different machines sweep the same files from different clones (or spell the path
// another way): their job lists held the scenario's folder, so merge refused them as shards of
// different sweeps. What the files name is compared by content (the scenario fingerprint).
TEST(ShardMerge, ShardsSweptFromDifferentClonesMerge) {
  TempDir dir;
  const auto here = write_suite(dir.path());
  fs::create_directories(dir / "clone" / "deeper");
  const auto there = write_suite(dir / "clone" / "deeper");
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(here, dir / "full", {}), log), 0) << testutil::read_text(log);
  ASSERT_EQ(testutil::run(sweep_args(here, dir / "s1", {"--shard", "1/2"}), log), 0) << testutil::read_text(log);
  ASSERT_EQ(testutil::run(sweep_args(there, dir / "s2", {"--shard", "2/2"}), log), 0) << testutil::read_text(log);
  ASSERT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o", (dir / "merged").string()}, log),
            0)
      << testutil::read_text(log);
  const ResultLines merged = read_results(dir / "merged" / "results.jsonl");
  const ResultLines full = read_results(dir / "full" / "results.jsonl");
  ASSERT_EQ(merged.records.size(), full.records.size());
  for (size_t i = 0; i < full.records.size(); ++i) {  // the same calls, apart from where their files lay
    json a = merged.records[i], b = full.records[i];
    a.erase("file");
    b.erase("file");
    EXPECT_EQ(a, b) << i;
  }
}

TEST(ShardMerge, RefusesShardsOfDifferentSweepsAndOutputsThatAreInputsOrForeignFolders) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  json other = json::parse(testutil::read_text(dir / "grid.json"));
  other["axes"]["seed"] = {3, 4};  // other calls, still 7 jobs with the plain scenario
  testutil::write_json(dir / "other.json", other);
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "a1", {"-j", "1", "--shard", "1/2"}), log), 0)
      << testutil::read_text(log);
  ASSERT_EQ(testutil::run(sweep_args({(dir / "other.json").string(), suites[1]}, dir / "b2",
                                     {"-j", "1", "--shard", "2/2"}),
                          log),
            0)
      << testutil::read_text(log);
  const json shard = json::parse(testutil::read_text(dir / "a1" / "summary.json")).at("shard");
  EXPECT_EQ(shard.at("jobs_total"), 7);
  EXPECT_EQ(shard.at("jobs_fingerprint").get<std::string>().size(), 16u);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "a1").string(), (dir / "b2").string(), "-o",
                           (dir / "mixed").string()},
                          log),
            2);
  const std::string message = testutil::read_text(log);
  EXPECT_NE(message.find((dir / "b2" / "summary.json").string() +
                         ": /shard: shard of a different sweep than " + (dir / "a1").string()),
            std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(dir / "mixed"));

  // The same sweep's other shard merges; not into an input, nor into a folder that is not a sweep's.
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "a2", {"-j", "1", "--shard", "2/2"}), log), 0);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "a1").string(), (dir / "a2").string(), "-o",
                           (dir / "a2").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "a2").string() + ": is also an input folder"),
            std::string::npos)
      << testutil::read_text(log);
  testutil::write_json(dir / "precious" / "notes.json", json::object());
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "a1").string(), (dir / "a2").string(), "-o",
                           (dir / "precious").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "precious").string() +
                                          ": exists and is not a sweep's output folder"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_EQ(testutil::read_text(dir / "precious" / "notes.json"), "{}\n");
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "a1").string(), (dir / "a2").string(), "-o",
                           (dir / "merged").string()},
                          log),
            0)
      << testutil::read_text(log);
}

// Merge wrote into its output folder in place: merged into an earlier sweep's folder, that sweep's
// other calls stayed beside the merged ones (results.jsonl did not list them, but `report` and a
// reader of calls/ saw them), and an interrupted merge left a half-written folder. The output is now
// built beside the target and swapped in whole; an input inside the output folder is refused.
TEST(ShardMerge, TheOutputFolderIsReplacedWholeAndNeverHoldsAnInput) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  for (int k = 1; k <= 2; ++k)
    ASSERT_EQ(testutil::run(sweep_args(suites, dir / ("s" + std::to_string(k)),
                                       {"-j", "1", "--shard", std::to_string(k) + "/2"}),
                            log),
              0)
        << testutil::read_text(log);
  // An earlier sweep of other calls in the output folder.
  testutil::write_json(dir / "other" / "x.json", testutil::short_call("stale_call", 1.0, true));
  ASSERT_EQ(testutil::run(sweep_args({(dir / "other").string()}, dir / "out", {"-j", "1"}), log), 0)
      << testutil::read_text(log);
  const ResultLines earlier = read_results(dir / "out" / "results.jsonl");
  ASSERT_EQ(earlier.records.size(), 1u);
  const fs::path stale = dir / "out" / earlier.records[0].at("dir").get<std::string>();
  ASSERT_TRUE(fs::exists(stale / "result.json")) << stale;
  ASSERT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o",
                           (dir / "out").string()},
                          log),
            0)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(stale)) << "a call of the earlier sweep survived the merge";
  EXPECT_EQ(read_results(dir / "out" / "results.jsonl").records.size(), 7u);
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();

  // Shards inside the output folder would be replaced with it.
  fs::rename(dir / "s1", dir / "out" / "s1");
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "out" / "s1").string(), (dir / "s2").string(), "-o",
                           (dir / "out").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "out" / "s1").string() + ": is inside the output folder"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_TRUE(fs::exists(dir / "out" / "s1" / "results.jsonl"));
}

// Merge replaces its output folder whole, so a folder that merely held a calls/ folder (a user's
// project with calls/2026-12-01/, src/ and notes) was wiped. It is refused now, as `run` refuses one.
TEST(ShardMerge, RefusesAProjectFolderThatHoldsACallsFolder) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  testutil::write_text(dir / "project" / "calls" / "2026-12-01" / "rec.wav", "customer call recording");
  testutil::write_text(dir / "project" / "calls" / "2026-12-01" / "result.json", "{\"run\": 1}\n");
  testutil::write_text(dir / "project" / "src" / "main.c", "int main(){}\n");
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "project").string()}, log), 2);
  EXPECT_NE(testutil::read_text(log).find((dir / "project").string() + ": exists and is not a sweep's output folder (it holds src"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_EQ(testutil::read_text(dir / "project" / "src" / "main.c"), "int main(){}\n");
  EXPECT_EQ(testutil::read_text(dir / "project" / "calls" / "2026-12-01" / "rec.wav"), "customer call recording");
  EXPECT_FALSE(fs::exists(dir / "project" / "results.jsonl"));
  // The sweep refuses it too, before anything runs.
  EXPECT_EQ(testutil::run(sweep_args(suites, dir / "project", {}), log), 2);
  EXPECT_TRUE(fs::exists(dir / "project" / "calls" / "2026-12-01" / "result.json"));
  // A merge output is merged into again.
  ASSERT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "merged").string()}, log), 0)
      << testutil::read_text(log);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "merged").string()}, log), 0)
      << testutil::read_text(log);
}

// A shard killed after it wrote results.jsonl but before summary.json (written last) merged alone as
// a complete sweep of its calls: merge told shards apart by summary.json only, and `check` passed
// on 4 of 7 calls. A folder without summary.json is an unfinished sweep now, refused.
TEST(ShardMerge, RefusesAFolderWhoseSweepDidNotFinish) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "s1", {"-j", "2", "--shard", "1/2"}), log), 0)
      << testutil::read_text(log);
  fs::remove(dir / "s1" / "summary.json");
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), "-o", (dir / "m").string()}, log), 2);
  EXPECT_NE(testutil::read_text(log).find((dir / "s1").string() + ": no summary.json: the sweep into this folder did not finish"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));
  // Nor a summary of other results than the folder's.
  testutil::write_json(dir / "s1" / "summary.json", {{"calls", 7}, {"by_scenario", json::object()}});
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), "-o", (dir / "m").string()}, log), 2);
  EXPECT_NE(testutil::read_text(log).find("/calls: 7 calls, but results.jsonl holds 4"), std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));
  // Finished (the same command again, resuming every call), it merges.
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "s1", {"-j", "2", "--shard", "1/2"}), log), 0);
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "s2", {"-j", "2", "--shard", "2/2"}), log), 0);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o", (dir / "m").string()}, log), 0)
      << testutil::read_text(log);
}

// A shard folder holding another shard's call in place of one of its own (a copied or edited
// results.jsonl; the same record count, so summary.json agrees) merged with exit 0: the doubled call
// was taken once and the job no shard held was silently gone (6 calls of 7). A shard holding one
// record too many was reported against the first input. Both now name the shard, the call and the
// missing job.
TEST(ShardMerge, AShardHoldingAnotherShardsCallIsRefusedNamingTheCallAndTheMissingJob) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "s1", {"-j", "2", "--shard", "1/2"}), log), 0)
      << testutil::read_text(log);
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "s2", {"-j", "2", "--shard", "2/2"}), log), 0)
      << testutil::read_text(log);
  const ResultLines s1 = read_results(dir / "s1" / "results.jsonl");
  const ResultLines s2 = read_results(dir / "s2" / "results.jsonl");
  ASSERT_EQ(s1.lines.size(), 4u);
  ASSERT_EQ(s2.lines.size(), 3u);
  const std::string intruder = s1.records[0].at("id").get<std::string>(), gone = s2.records[0].at("id").get<std::string>();

  fs::copy(dir / "s2", dir / "swapped", fs::copy_options::recursive);
  testutil::write_text(dir / "swapped" / "results.jsonl", s1.lines[0] + s2.lines[1] + s2.lines[2]);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "swapped").string(), "-o",
                           (dir / "m").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "swapped" / "results.jsonl").string() + ":1: /id: call '" + intruder +
                                          "' is shard 1/2's job (also in " + (dir / "s1").string() +
                                          "), not one of shard 2/2's; shard 2/2's job '" + gone + "' is in no input"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));

  fs::copy(dir / "s2", dir / "extra", fs::copy_options::recursive);
  testutil::write_text(dir / "extra" / "results.jsonl", s2.lines[0] + s2.lines[1] + s2.lines[2] + s1.lines[0]);
  json summary = json::parse(testutil::read_text(dir / "extra" / "summary.json"));
  summary["calls"] = 4;
  testutil::write_json(dir / "extra" / "summary.json", summary);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "extra").string(), "-o",
                           (dir / "m").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "extra" / "results.jsonl").string() + ":4: /id: call '" + intruder +
                                          "' is shard 1/2's job (also in " + (dir / "s1").string() +
                                          "), not one of shard 2/2's"),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));

  // A record whose call folder is gone: a clear message naming the record, not a raw
  // "filesystem error: recursive directory iterator cannot open directory".
  const fs::path kept = dir / "kept";
  fs::rename(dir / "s1" / s1.records[1].at("dir").get<std::string>(), kept);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o",
                           (dir / "m").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "s1" / "results.jsonl").string() + ":2: /dir: the folder of call '" +
                                          s1.records[1].at("id").get<std::string>() + "' ("),
            std::string::npos)
      << testutil::read_text(log);
  EXPECT_EQ(testutil::read_text(log).find("filesystem error"), std::string::npos) << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));
  fs::rename(kept, dir / "s1" / s1.records[1].at("dir").get<std::string>());

  // Each shard records its own jobs; one without that list (written before callsim recorded it) is
  // refused, like one without a job-list fingerprint.
  summary = json::parse(testutil::read_text(dir / "s2" / "summary.json"));
  EXPECT_EQ(summary.at("shard").value("job_ids", json()),
            json({s2.records[0].at("id"), s2.records[1].at("id"), s2.records[2].at("id")}));
  summary["shard"].erase("job_ids");
  testutil::write_json(dir / "s2" / "summary.json", summary);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o",
                           (dir / "m").string()},
                          log),
            2);
  EXPECT_NE(testutil::read_text(log).find((dir / "s2" / "summary.json").string() + ": /shard: no job_ids"),
            std::string::npos)
      << testutil::read_text(log);

  // The shard block is read checked: a hand-edited index or count is bad input (a string index
  // exited 3, "a bug in callsim").
  const json good = json::parse(testutil::read_text(dir / "s1" / "summary.json"));
  for (const auto& [key, value, where] : std::vector<std::tuple<std::string, json, std::string>>{
           {"index", "1", "/shard/index: expected an integer"},
           {"index", 0, "/shard/index: "},
           {"count", 0, "/shard/count: "},
           {"jobs_total", -1, "/shard/jobs_total: "}}) {
    summary = good;
    summary["shard"][key] = value;
    testutil::write_json(dir / "s1" / "summary.json", summary);
    EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "s1").string(), (dir / "s2").string(), "-o",
                             (dir / "m").string()},
                            log),
              2)
        << key << " " << value << ": " << testutil::read_text(log);
    EXPECT_NE(testutil::read_text(log).find((dir / "s1" / "summary.json").string() + ": " + where), std::string::npos)
        << testutil::read_text(log);
  }
}

// Two callsim processes writing one folder: a sweep running into it refuses a second sweep and a merge.
TEST(ShardMerge, AFolderAnotherCallsimIsWritingIsRefusedToSweepAndMerge) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  ASSERT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "out").string()}, log), 0);
  const std::string lines = testutil::read_text(dir / "out" / "results.jsonl");
  {
    const OutputLock running(dir / "out");
    EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "out").string()}, log), 2);
    EXPECT_NE(testutil::read_text(log).find((dir / "out").string() + ": another callsim is writing this folder"),
              std::string::npos)
        << testutil::read_text(log);
    EXPECT_EQ(testutil::run(sweep_args(suites, dir / "out", {}), log), 2);
    EXPECT_EQ(testutil::read_text(dir / "out" / "results.jsonl"), lines);
  }
  EXPECT_EQ(testutil::run(sweep_args(suites, dir / "out", {}), log), 0) << testutil::read_text(log);
}

// Two merges into one new folder at once both ran: a merge took the folder's lock only when the
// folder existed, so the later one replaced the other's output (and a sweep into it meanwhile had
// its calls swapped away). A merge makes the folder to hold its lock now. The first merge is caught
// writing (stopped while its temporary folder exists; many files to link make it take a while),
// and a second merge and a sweep into its folder are refused before it goes on.
TEST(ShardMerge, ASecondMergeOrASweepIntoANewFolderAMergeIsWritingIsRefused) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt", out = dir / "m";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  const fs::path padding =
      dir / "full" / read_results(dir / "full" / "results.jsonl").records.at(0).at("dir").get<std::string>() / "pad";
  fs::create_directories(padding);
  for (int i = 0; i < 100; ++i) testutil::write_text(padding / std::to_string(i), "x");
  for (int i = 100; i < 20000; ++i) fs::create_hard_link(padding / std::to_string(i % 100), padding / std::to_string(i));

  const pid_t first = testutil::spawn({kCallsim, "merge", (dir / "full").string(), "-o", out.string(), "-q"}, log);
  struct Resume {  // the stopped merge goes on and is waited for, whatever the test asserts
    pid_t pid;
    int finish() {
      int status = 0;
      pid_t waited = -1;
      if (pid > 0) {
        ::kill(pid, SIGCONT);
        while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
        }
      }
      const bool ok = pid > 0 && waited == pid && WIFEXITED(status);
      pid = -1;
      return ok ? WEXITSTATUS(status) : -1;
    }
    ~Resume() { finish(); }
  } resume{first};
  fs::path staging;
  int status = 0;
  while (staging.empty()) {
    if (::waitpid(first, &status, WNOHANG) == first) {
      resume.pid = -1;
      FAIL() << "the merge ended before it was seen writing: " << testutil::read_text(log);
    }
    for (const auto& e : fs::directory_iterator(dir.path()))
      if (e.path().filename().string().starts_with(".m.tmp-")) staging = e.path();
  }
  ASSERT_EQ(::kill(first, SIGSTOP), 0);
  ASSERT_EQ(::waitpid(first, &status, WUNTRACED), first);
  if (!WIFSTOPPED(status)) resume.pid = -1;
  ASSERT_TRUE(WIFSTOPPED(status)) << "the merge ended before it was stopped";
  ASSERT_TRUE(fs::exists(staging)) << "the merge finished before it was stopped";

  const fs::path second_log = dir / "second.txt";
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", out.string(), "-q"}, second_log), 2);
  EXPECT_NE(testutil::read_text(second_log).find(out.string() + ": another callsim is writing this folder"),
            std::string::npos)
      << testutil::read_text(second_log);
  EXPECT_EQ(testutil::run(sweep_args(suites, out, {}), second_log), 2) << testutil::read_text(second_log);
  EXPECT_FALSE(fs::exists(out / "results.jsonl"));

  EXPECT_EQ(resume.finish(), 0) << testutil::read_text(log);
  EXPECT_EQ(testutil::read_text(out / "results.jsonl"), testutil::read_text(dir / "full" / "results.jsonl"));
  EXPECT_FALSE(fs::exists(staging));
}

// A merge that failed after it made its output folder (a call folder an input lists was removed
// after its sweep, found only when the calls' files are linked) left that folder behind, holding
// nothing but the lock file .callsim.lock. It leaves nothing now; a folder that was there (an
// earlier merge's output, an empty one) keeps what it held.
// A merge that fails after making its output folder (here writing results.jsonl fails as on a full
// disk: a file-size limit of 512 bytes, SIGXFSZ ignored so write() says EFBIG) removes the folder it
// made; a folder that was there keeps what it held. A call folder that is gone is found before any
// output, so that merge makes no folder at all.
TEST(ShardMerge, AMergeThatFailsRemovesTheFolderItMadeAndKeepsOneThatWasThere) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  const auto merge_into = [&](const fs::path& out) {
    return testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", out.string(), "-q"}, log);
  };
  const auto merge_on_full_disk = [&](const fs::path& out) {
    return testutil::run({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"", kCallsim, "merge",
                          (dir / "full").string(), "-o", out.string(), "-q"},
                         log);
  };
  ASSERT_EQ(merge_into(dir / "earlier"), 0) << testutil::read_text(log);
  const std::string earlier = testutil::read_text(dir / "earlier" / "results.jsonl");
  ASSERT_GT(earlier.size(), 512u);  // so that writing it fails under the limit

  EXPECT_EQ(merge_on_full_disk(dir / "m"), 2);
  EXPECT_NE(testutil::read_text(log).find("results.jsonl: cannot write"), std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m")) << "the folder the failed merge made is left behind";
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();

  fs::create_directories(dir / "empty");
  EXPECT_EQ(merge_on_full_disk(dir / "empty"), 2);
  EXPECT_TRUE(fs::is_directory(dir / "empty"));
  EXPECT_EQ(merge_on_full_disk(dir / "earlier"), 2);
  EXPECT_EQ(testutil::read_text(dir / "earlier" / "results.jsonl"), earlier);
  EXPECT_TRUE(fs::exists(dir / "earlier" / "summary.json"));
  const std::string rel =
      read_results(dir / "full" / "results.jsonl").records.at(3).at("dir").get<std::string>();
  EXPECT_TRUE(fs::exists(dir / "earlier" / rel / "result.json"));

  const fs::path gone = dir / "full" / rel;
  fs::remove_all(gone);
  EXPECT_EQ(merge_into(dir / "m"), 2);
  EXPECT_NE(testutil::read_text(log).find(gone.string()), std::string::npos) << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "m"));
}

// A record's folder is calls/<id> of its sweep folder, its id a job id: merge copies the folder a
// record names into the same place under its output, replacing what is there, and a hand-edited
// "dir" of "../victim" had it remove and replace a folder beside the output folder (exit 0).
TEST(ShardMerge, ARecordWhoseFolderIsNotItsCallsFolderIsRefusedAndNothingOutsideIsTouched) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path log = dir / "log.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "full", {"-j", "2"}), log), 0) << testutil::read_text(log);
  const std::string text = testutil::read_text(dir / "full" / "results.jsonl");
  fs::create_directories(dir / "out" / "victim");
  testutil::write_text(dir / "out" / "victim" / "mine.txt", "precious\n");
  fs::create_directories(dir / "victim");
  const auto merge_edited = [&](const std::string& key, const json& value) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    json first = json::parse(lines.at(1));
    first[key] = value;
    lines.at(1) = first.dump();
    std::string edited;
    for (const auto& l : lines) edited += l + "\n";
    testutil::write_text(dir / "full" / "results.jsonl", edited);
    return testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "out" / "m").string(), "-q"}, log);
  };
  for (const json& bad : {json("../victim"), json((dir / "victim").string()), json("calls/../../victim")}) {
    EXPECT_EQ(merge_edited("dir", bad), 2) << bad;
    EXPECT_NE(testutil::read_text(log).find("results.jsonl:2: /dir: "), std::string::npos) << testutil::read_text(log);
    EXPECT_EQ(testutil::read_text(dir / "out" / "victim" / "mine.txt"), "precious\n");
    EXPECT_FALSE(fs::exists(dir / "out" / "m"));
  }
  EXPECT_EQ(merge_edited("id", "grid/../../victim"), 2);
  EXPECT_NE(testutil::read_text(log).find("results.jsonl:2: /id: 'grid/../../victim' is not a sweep's call id"),
            std::string::npos)
      << testutil::read_text(log);
  testutil::write_text(dir / "full" / "results.jsonl", text);
  EXPECT_EQ(testutil::run({kCallsim, "merge", (dir / "full").string(), "-o", (dir / "out" / "m").string(), "-q"}, log), 0)
      << testutil::read_text(log);
}

TEST(ShardMerge, CliListsJobsAndRejectsBadInputBeforeRunning) {
  TempDir dir;
  const auto suites = write_suite(dir.path());
  const fs::path list = dir / "list.txt";
  ASSERT_EQ(testutil::run(sweep_args(suites, dir / "out", {"--list", "--shard", "2/3"}), list), 0);
  EXPECT_EQ(testutil::read_text(list), "grid/3g/s2\ngrid/satellite/s1\n");  // indexes 1 and 4 of 7
  EXPECT_FALSE(fs::exists(dir / "out"));

  json bad = json::parse(testutil::read_text(dir / "grid.json"));
  bad["axes"]["codec"] = {{"fast", {{"frame_ms", 15}}}};
  testutil::write_json(dir / "bad.json", bad);
  const fs::path log = dir / "bad.txt";
  EXPECT_EQ(testutil::run(sweep_args({suites[1], (dir / "bad.json").string()}, dir / "bad_out", {}), log), 2);
  EXPECT_NE(testutil::read_text(log).find("/axes/codec/fast/frame_ms"), std::string::npos)
      << testutil::read_text(log);
  EXPECT_FALSE(fs::exists(dir / "bad_out"));  // nothing ran
  EXPECT_EQ(testutil::run(sweep_args(suites, dir / "x", {"--shard", "4/3"}), log), 2);
}

}  // namespace
}  // namespace callsim::harness
