// Sweeps: byte-identical results whatever the thread count, resume, exit codes, record contents.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "audio/audio.h"
#include "common/build_id.h"
#include "common/error.h"
#include "harness/sweep/merge.h"
#include "harness/sweep/results_io.h"
#include "harness/sweep/suite.h"
#include "harness/sweep/sweep.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testutil::TempDir;

// 2 networks × 3 seeds of a 2 s one-way call: 6 jobs.
std::vector<Job> six_jobs(const TempDir& dir) {
  const json m = {{"matrix", "grid"},
                  {"base", testutil::short_call("call")},
                  {"axes", {{"network", {"good_wifi", "3g"}}, {"seed", {1, 2, 3}}}}};
  testutil::write_json(dir / "grid.json", m);
  return expand_suites({(dir / "grid.json").string()});
}

SweepOptions quiet_options(const fs::path& out, int threads) {
  SweepOptions o;
  o.out_dir = out;
  o.threads = threads;
  o.audio = false;
  return o;
}

TEST(Sweep, ResultsAreByteIdenticalForOneAndTwoThreads) {
  TempDir dir;
  const SweepReport one = run_sweep(six_jobs(dir), quiet_options(dir / "one", 1));
  const SweepReport two = run_sweep(six_jobs(dir), quiet_options(dir / "two", 2));
  EXPECT_EQ(one.calls, 6u);
  EXPECT_EQ(one.ran, 6u);
  EXPECT_EQ(two.threads, 2);
  const std::string a = testutil::read_text(dir / "one" / "results.jsonl");
  EXPECT_EQ(a, testutil::read_text(dir / "two" / "results.jsonl"));
  EXPECT_EQ(testutil::summary_without_timing(dir / "one"), testutil::summary_without_timing(dir / "two"));
  for (const auto& job : six_jobs(dir))
    EXPECT_EQ(testutil::read_text(call_dir(dir / "one", job.id) / "result.json"),
              testutil::read_text(call_dir(dir / "two", job.id) / "result.json"))
        << job.id;
  // Different seeds and networks really give different calls.
  const ResultLines lines = read_results(dir / "one" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), 6u);
  EXPECT_NE(lines.records[0].at("metrics"), lines.records[1].at("metrics"));
  EXPECT_NE(lines.records[0].at("metrics"), lines.records[3].at("metrics"));
}

TEST(Sweep, RecordsFollowJobOrderAndNameTheirCall) {
  TempDir dir;
  const std::vector<Job> jobs = six_jobs(dir);
  const SweepReport r = run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
  EXPECT_EQ(r.exit_code(), 0);
  const ResultLines lines = read_results(dir / "out" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const json& rec = lines.records[i];
    EXPECT_EQ(rec.at("id"), jobs[i].id);
    EXPECT_EQ(rec.at("dir"), "calls/" + jobs[i].id);
    EXPECT_EQ(rec.at("scenario"), "call");
    EXPECT_EQ(rec.at("seed"), jobs[i].scenario.seed);
    EXPECT_EQ(rec.at("params"), jobs[i].params);
    EXPECT_TRUE(rec.at("passed").get<bool>());
    EXPECT_EQ(rec.at("expectations").size(), 1u);
    EXPECT_GT(rec.at("metrics").at("alice->bob").at("packets_sent").get<double>(),
              90.0);  // 2 s of 20 ms frames
    EXPECT_TRUE(fs::exists(dir / "out" / rec.at("dir").get<std::string>() / "alice-to-bob" / "packets.csv"));
    EXPECT_FALSE(
        fs::exists(dir / "out" / rec.at("dir").get<std::string>() / "alice-to-bob" / "degraded.wav"));
  }
  const json summary = json::parse(testutil::read_text(dir / "out" / "summary.json"));
  EXPECT_EQ(summary.at("calls"), 6);
  EXPECT_EQ(summary.at("passed"), 6);
  EXPECT_EQ(summary.at("by_param").at("network").at("3g").at("calls"), 3);
  EXPECT_EQ(summary.at("by_param").at("seed").at("2").at("calls"), 2);
  EXPECT_EQ(summary.at("by_scenario").at("call").at("calls"), 6);
  EXPECT_EQ(summary.at("timing").at("calls_run"), 6);
}

TEST(Sweep, ResumeKeepsCompleteCallsAndRerunsTheRest) {
  TempDir dir;
  const fs::path out = dir / "out";
  run_sweep(six_jobs(dir), quiet_options(out, 2));
  const std::vector<Job> jobs = six_jobs(dir);
  // Mark call 0's result so a rerun would be visible; make call 1 look interrupted (no job.json);
  // give call 2 a job.json from a different scenario.
  const fs::path kept = call_dir(out, jobs[0].id) / "result.json";
  json tampered = json::parse(testutil::read_text(kept));
  tampered["passed"] = false;
  json stale = json::parse(testutil::read_text(call_dir(out, jobs[2].id) / "job.json"));
  stale["fingerprint"] = "0000000000000000";

  const std::string fresh_lines = testutil::read_text(out / "results.jsonl");
  // Everything resumed: the records read back from result.json give the same bytes as the ones
  // made from the calls in memory.
  EXPECT_EQ(run_sweep(jobs, quiet_options(out, 2)).resumed, 6u);
  EXPECT_EQ(testutil::read_text(out / "results.jsonl"), fresh_lines);

  testutil::write_text(kept, tampered.dump(2) + "\n");
  fs::remove(call_dir(out, jobs[1].id) / "job.json");
  testutil::write_json(call_dir(out, jobs[2].id) / "job.json", stale);
  const SweepReport r = run_sweep(jobs, quiet_options(out, 2));
  EXPECT_EQ(r.ran, 2u);
  EXPECT_EQ(r.resumed, 4u);
  EXPECT_EQ(r.failed, 1u);  // the tampered call was not run again
  EXPECT_EQ(r.exit_code(), 1);
  const ResultLines lines = read_results(out / "results.jsonl");
  EXPECT_FALSE(lines.records[0].at("passed").get<bool>());
  EXPECT_TRUE(lines.records[1].at("passed").get<bool>());

  // Asking for audio that the earlier run did not write reruns; --no-resume reruns everything.
  SweepOptions audio = quiet_options(out, 2);
  audio.audio = true;
  EXPECT_EQ(run_sweep(jobs, audio).ran, 6u);
  EXPECT_TRUE(fs::exists(call_dir(out, jobs[0].id) / "alice-to-bob" / "degraded.wav"));
  SweepOptions fresh = quiet_options(out, 2);
  fresh.resume = false;
  const SweepReport again = run_sweep(jobs, fresh);
  EXPECT_EQ(again.ran, 6u);
  EXPECT_EQ(again.exit_code(), 0);
  EXPECT_FALSE(
      fs::exists(call_dir(out, jobs[0].id) / "alice-to-bob" / "degraded.wav"));  // stale files removed
}

// A sweep into an earlier sweep's folder that was interrupted left the earlier results.jsonl beside
// the new calls' folders: `check` passed on figures the folders no longer held. While a sweep runs,
// the folder holds no results.jsonl or summary.json; they come back when it is done.
TEST(Sweep, WhileASweepRunsTheFolderHoldsNoEarlierResults) {
  TempDir dir;
  const fs::path out = dir / "out";
  run_sweep(six_jobs(dir), quiet_options(out, 1));
  ASSERT_TRUE(fs::exists(out / "results.jsonl"));
  ASSERT_TRUE(fs::exists(out / "summary.json"));
  // A progress stream that looks at the folder each time a call is reported done.
  struct Watch : std::streambuf {
    fs::path out;
    int writes = 0, index_seen = 0;
    int overflow(int c) override {
      ++writes;
      index_seen += fs::exists(out / "results.jsonl") || fs::exists(out / "summary.json");
      return c;
    }
  } watch;
  watch.out = out;
  std::ostream progress(&watch);
  SweepOptions o = quiet_options(out, 1);
  o.resume = false;
  o.progress = &progress;
  const SweepReport r = run_sweep(six_jobs(dir), o);
  EXPECT_EQ(r.ran, 6u);
  EXPECT_GT(watch.writes, 0);
  EXPECT_EQ(watch.index_seen, 0);
  EXPECT_TRUE(fs::exists(out / "results.jsonl"));
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_EQ(read_results(out / "results.jsonl").records.size(), 6u);
}

// Resuming after a plugin was rebuilt kept the old build's results: the fingerprint covered the
// scenario document only. Now it covers the library's bytes, which result.json records too.
TEST(Sweep, ResumeRerunsACallWhosePluginWasRebuiltAndResultsNameTheBuild) {
  TempDir dir;
  fs::copy_file(CALLSIM_JB_EXAMPLE_PLUGIN, dir / "mine.so");
  json doc = testutil::short_call("plugged");
  doc["peers"]["bob"]["jitter_buffer"] = {{"plugin", "mine.so"}, {"config", {{"delay_ms", 60}}}};
  testutil::write_json(dir / "plugged.json", doc);
  const fs::path out = dir / "out";
  const auto result = [&] { return json::parse(testutil::read_text(call_dir(out, "plugged") / "result.json")); };
  EXPECT_EQ(run_sweep(expand_suites({(dir / "plugged.json").string()}), quiet_options(out, 1)).ran, 1u);
  const json first = result().at("directions").at("alice->bob").at("jitter_buffer").at("plugin");
  EXPECT_EQ(first.at("path"), (dir / "mine.so").string());
  const std::string build1 = first.at("fingerprint");
  EXPECT_EQ(build1.rfind("fnv1a64:", 0), 0u) << build1;
  EXPECT_EQ(run_sweep(expand_suites({(dir / "plugged.json").string()}), quiet_options(out, 1)).resumed, 1u);

  // "Rebuilt": other bytes (trailing bytes after an ELF file's last section load as before).
  {
    std::ofstream more(dir / "mine.so", std::ios::binary | std::ios::app);
    more << std::string(64, '\0');
  }
  const SweepReport r = run_sweep(expand_suites({(dir / "plugged.json").string()}), quiet_options(out, 1));
  EXPECT_EQ(r.ran, 1u);
  EXPECT_EQ(r.resumed, 0u);
  EXPECT_EQ(r.errors, 0u);
  const std::string build2 = result().at("directions").at("alice->bob").at("jitter_buffer").at("plugin").at("fingerprint");
  EXPECT_NE(build2, build1);
}

// Resume kept a call whose talker or trace file had changed, and a call an earlier callsim build
// had made (rebuild, rerun the same sweep command: the old numbers stayed, mixed with the new):
// the README told users to pass --no-resume. The job's fingerprint now covers the files' bytes
// (the scenario fingerprint) and job.json names the build that made the call.
TEST(Sweep, ResumeRerunsACallWhoseFilesChangedOrThatAnotherBuildMade) {
  TempDir dir;
  audio::Signal tone{16000, {}};
  for (int i = 0; i < 16000 * 3; ++i) tone.samples.push_back(0.3f * static_cast<float>(std::sin(i * 0.17)));
  audio::write_audio16(dir / "talk.wav", tone);
  testutil::write_text(dir / "delays.csv", "index,delay_ms\n0,30\n1,45\n");
  json doc = testutil::short_call("filed");
  doc["peers"]["alice"]["talker"] = {{"file", "talk.wav"}};
  doc["links"]["alice->bob"] = {{"trace", {{"file", "delays.csv"}}}};
  testutil::write_json(dir / "filed.json", doc);
  const fs::path out = dir / "out";
  auto sweep = [&] { return run_sweep(expand_suites({(dir / "filed.json").string()}), quiet_options(out, 1)); };
  const auto result = [&] { return json::parse(testutil::read_text(call_dir(out, "filed") / "result.json")); };
  EXPECT_EQ(sweep().ran, 1u);
  const std::string build = result().at("callsim_build");
  EXPECT_EQ(build, callsim::build_id());
  EXPECT_EQ(json::parse(testutil::read_text(call_dir(out, "filed") / "job.json")).at("callsim_build"), build);
  EXPECT_EQ(sweep().resumed, 1u);

  testutil::write_text(dir / "delays.csv", "index,delay_ms\n0,30\n1,46\n");  // the same name, other bytes
  EXPECT_EQ(sweep().ran, 1u);
  EXPECT_EQ(sweep().resumed, 1u);
  tone.samples[100] = 0.0f;
  audio::write_audio16(dir / "talk.wav", tone);
  EXPECT_EQ(sweep().ran, 1u);
  EXPECT_EQ(sweep().resumed, 1u);

  // A call folder another build made (its job.json names that build) is run again.
  json marker = json::parse(testutil::read_text(call_dir(out, "filed") / "job.json"));
  marker["callsim_build"] = "0123456789abcdef0123456789abcdef01234567";
  testutil::write_json(call_dir(out, "filed") / "job.json", marker);
  const SweepReport r = sweep();
  EXPECT_EQ(r.ran, 1u);
  EXPECT_EQ(r.resumed, 0u);
  EXPECT_EQ(json::parse(testutil::read_text(call_dir(out, "filed") / "job.json")).at("callsim_build"), build);
}

TEST(Sweep, FailedExpectationsAndBrokenInputsSetTheExitCode) {
  TempDir dir;
  json failing = testutil::short_call("failing");
  failing["expect"] = {{"all", {"packets_sent <= 1"}}};  // about 100 are sent
  testutil::write_json(dir / "failing.json", failing);
  json broken = testutil::short_call("broken");
  audio::write_audio16(dir / "talker.wav", audio::Signal{16000, std::vector<float>(16000, 0.1f)});
  broken["peers"]["alice"]["talker"] = {{"file", "talker.wav"}};
  testutil::write_json(dir / "broken.json", broken);
  testutil::write_json(dir / "ok.json", testutil::short_call("ok"));

  SweepReport r = run_sweep(expand_suites({(dir / "failing.json").string(), (dir / "ok.json").string()}),
                            quiet_options(dir / "a", 2));
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.exit_code(), 1);
  // A bad talker file is refused before anything runs ...
  testutil::write_text(dir / "garbage.wav", "this is not audio");
  broken["peers"]["alice"]["talker"] = {{"file", "garbage.wav"}};
  testutil::write_json(dir / "garbage.json", broken);
  try {
    (void)expand_suites({(dir / "garbage.json").string()});
    ADD_FAILURE() << "garbage.wav was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.wav: cannot read audio"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir / "garbage.json");
  // ... and one that goes bad after the sweep started is an error record of that call (exit 2).
  std::vector<Job> jobs = expand_suites({dir.path().string()});
  testutil::write_text(dir / "talker.wav", "this is not audio any more");
  r = run_sweep(std::move(jobs), quiet_options(dir / "b", 2));
  EXPECT_EQ(r.errors, 1u);
  EXPECT_EQ(r.exit_code(), 2);
  const ResultLines lines = read_results(dir / "b" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), 3u);
  EXPECT_EQ(lines.records[0].at("id"), "broken");
  EXPECT_NE(lines.records[0].at("error").get<std::string>().find("talker.wav"), std::string::npos);
  EXPECT_FALSE(lines.records[0].contains("dir"));
  // Merged, the same records exit as the sweep did (merge exited 1 for any error record), and a
  // record of a bug in callsim exits 3 there too.
  EXPECT_EQ(merge_sweeps({dir / "b"}, dir / "merged").exit_code(), 2);
  EXPECT_EQ(lines.records[0].value("error_kind", ""), "bad_input");
  std::string text = testutil::read_text(dir / "b" / "results.jsonl");
  const size_t kind = text.find("\"error_kind\":\"bad_input\"");
  ASSERT_NE(kind, std::string::npos);
  text.replace(kind, std::string("\"error_kind\":\"bad_input\"").size(), "\"error_kind\":\"bug\"");
  testutil::write_text(dir / "b" / "results.jsonl", text);
  EXPECT_EQ(merge_sweeps({dir / "b"}, dir / "merged").exit_code(), 3);
}

// A sweep into a folder with unrelated files wrote into it; a sweep of another suite into an
// earlier sweep's folder left the old calls/<id> folders there, listed nowhere.
TEST(Sweep, RefusesAForeignOutputFolderAndRemovesCallsOfAnEarlierSuite) {
  TempDir dir;
  testutil::write_text(dir / "precious" / "thesis.txt", "do not touch");
  EXPECT_THROW(run_sweep(six_jobs(dir), quiet_options(dir / "precious", 1)), InputError);
  EXPECT_EQ(testutil::read_text(dir / "precious" / "thesis.txt"), "do not touch");
  EXPECT_FALSE(fs::exists(dir / "precious" / "calls"));

  ASSERT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "out", 2)).calls, 6u);
  testutil::write_text(dir / "out" / "calls" / ".grid.tmp-1-1" / "partial", "");  // left to its own cleanup
  // Another suite into the same folder: only the 3g calls, as a one-axis matrix.
  const json m = {{"matrix", "grid"},
                  {"base", testutil::short_call("call")},
                  {"axes", {{"network", {"3g"}}, {"seed", {1, 2, 3}}}}};
  testutil::write_json(dir / "grid3g.json", m);
  const SweepReport r =
      run_sweep(expand_suites({(dir / "grid3g.json").string()}), quiet_options(dir / "out", 2));
  EXPECT_EQ(r.resumed, 3u);
  EXPECT_EQ(r.stale_removed, 3u);
  EXPECT_FALSE(fs::exists(dir / "out" / "calls" / "grid" / "good_wifi"));
  EXPECT_TRUE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "s2" / "result.json"));
  EXPECT_TRUE(fs::exists(dir / "out" / "calls" / ".grid.tmp-1-1" / "partial"));
  EXPECT_EQ(read_results(dir / "out" / "results.jsonl").records.size(), 3u);
}

// A matrix gained an axis between two sweeps into one folder: the earlier sweep's call "grid/3g" is
// a folder around this sweep's "grid/3g/s1". This sweep's calls were written inside it, and the
// stale-call cleanup then removed that folder whole, with them: results.jsonl listed 6 calls whose
// folders were gone, and the sweep exited 0. Now the stale call loses only its own files.
TEST(Sweep, AnEarlierCallAroundThisSweepsCallsLosesOnlyItsOwnFiles) {
  TempDir dir;
  const json m = {{"matrix", "grid"},
                  {"base", testutil::short_call("call")},
                  {"axes", {{"network", {"good_wifi", "3g"}}}}};
  testutil::write_json(dir / "networks.json", m);
  const std::vector<Job> two = expand_suites({(dir / "networks.json").string()});
  ASSERT_EQ(run_sweep(two, quiet_options(dir / "out", 2)).calls, 2u);
  ASSERT_TRUE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "job.json"));

  const SweepReport r = run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(r.ran, 6u);
  EXPECT_EQ(r.stale_removed, 2u);
  const ResultLines lines = read_results(dir / "out" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), 6u);
  for (const auto& record : lines.records)
    EXPECT_TRUE(fs::exists(dir / "out" / record.at("dir").get<std::string>() / "result.json")) << record.at("id");
  // The earlier calls' own files are gone: nothing under calls/ but this sweep's calls.
  for (const char* network : {"good_wifi", "3g"}) {
    const fs::path earlier = dir / "out" / "calls" / "grid" / network;
    EXPECT_FALSE(fs::exists(earlier / "job.json")) << network;
    EXPECT_FALSE(fs::exists(earlier / "result.json")) << network;
    EXPECT_FALSE(fs::exists(earlier / "alice-to-bob")) << network;
  }
  size_t results = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out" / "calls"))
    results += e.path().filename() == "result.json";
  EXPECT_EQ(results, 6u);

  // And back: the earlier sweep's calls replace the folders that held this one's.
  const SweepReport back = run_sweep(two, quiet_options(dir / "out", 2));
  EXPECT_EQ(back.ran, 2u);
  EXPECT_TRUE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "result.json"));
  EXPECT_FALSE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "s1"));
  EXPECT_EQ(read_results(dir / "out" / "results.jsonl").records.size(), 2u);

  // The six-call sweep interrupted before its cleanup leaves its calls inside the two earlier ones'
  // folders (as made here); the two-call sweep resumes those calls and removes the six inside them.
  for (const auto& job : six_jobs(dir)) {
    const fs::path network = call_dir(dir / "out", job.id).parent_path();
    fs::create_directories(call_dir(dir / "out", job.id));
    fs::copy(network / "alice-to-bob", call_dir(dir / "out", job.id) / "alice-to-bob");
    fs::copy_file(network / "result.json", call_dir(dir / "out", job.id) / "result.json");
    testutil::write_json(call_dir(dir / "out", job.id) / "job.json", {{"id", job.id}, {"fingerprint", "0"}});
  }
  const SweepReport resumed = run_sweep(two, quiet_options(dir / "out", 2));
  EXPECT_EQ(resumed.resumed, 2u);
  EXPECT_EQ(resumed.stale_removed, 6u);
  EXPECT_FALSE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "s1"));
  EXPECT_TRUE(fs::exists(dir / "out" / "calls" / "grid" / "3g" / "alice-to-bob" / "frames.csv"));
}

// Any folder holding a results.jsonl or a calls/ folder counted as a sweep's output: a project
// folder with its own calls/2026-12-01/ had that folder removed as a stale call, beside src/ and
// notes a sweep never writes. A sweep's output now holds only what a sweep writes, as callsim writes it.
TEST(Sweep, RefusesAFolderHoldingWhatASweepDoesNotWrite) {
  TempDir dir;
  const auto project = [&](const fs::path& p, bool notes) {
    testutil::write_text(p / "calls" / "2026-12-01" / "rec.wav", "customer call recording");
    testutil::write_text(p / "calls" / "2026-12-01" / "result.json", "{\"run\": 1}\n");
    if (notes) testutil::write_text(p / "NOTES.md", "notes");
  };
  project(dir / "with_notes", true);
  project(dir / "calls_only", false);
  for (const char* name : {"with_notes", "calls_only"}) {
    try {
      run_sweep(six_jobs(dir), quiet_options(dir / name, 1));
      ADD_FAILURE() << name << ": not refused";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), (dir / name).string());
      EXPECT_NE(std::string(e.what()).find("exists and is not a sweep's output folder"), std::string::npos) << e.what();
    }
    EXPECT_EQ(testutil::read_text(dir / name / "calls" / "2026-12-01" / "rec.wav"), "customer call recording");
    EXPECT_FALSE(fs::exists(dir / name / "results.jsonl"));
  }

  // A sweep's folder stays one, with the JUnit file the README's gate writes beside it.
  ASSERT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "out", 2)).calls, 6u);
  testutil::write_text(dir / "out" / "junit.xml", "<testsuites/>");
  EXPECT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "out", 2)).resumed, 6u);
  // Not with a file a sweep does not write, a loose file under calls/, a call folder of another
  // program or a results.jsonl callsim cannot read.
  const auto refused = [&](const std::string& what) {
    try {
      run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
      ADD_FAILURE() << what << ": not refused";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  testutil::write_text(dir / "out" / "NOTES.md", "notes");
  refused("(it holds NOTES.md, which a sweep does not write)");
  fs::remove(dir / "out" / "NOTES.md");
  testutil::write_text(dir / "out" / "calls" / "grid" / "todo.txt", "x");
  refused("(it holds calls/grid/todo.txt, which a sweep does not write)");
  fs::remove(dir / "out" / "calls" / "grid" / "todo.txt");
  // A link to a folder of call-like files elsewhere is named as the link (it read
  // "calls/../../elsewhere", where the link points).
  fs::create_directories(dir / "elsewhere");
  testutil::write_text(dir / "elsewhere" / "result.json", "{}");
  fs::create_directory_symlink(dir / "elsewhere", dir / "out" / "calls" / "linked");
  refused("(it holds calls/linked (a link), which a sweep does not write)");
  fs::remove(dir / "out" / "calls" / "linked");
  EXPECT_TRUE(fs::exists(dir / "elsewhere" / "result.json"));
  testutil::write_text(dir / "out" / "calls" / "mine" / "job.json", "{\"id\": \"theirs\"}");
  refused("(calls/mine/job.json is not one a sweep wrote for the call 'mine')");
  fs::remove_all(dir / "out" / "calls" / "mine");
  const std::string lines = testutil::read_text(dir / "out" / "results.jsonl");
  testutil::write_text(dir / "out" / "results.jsonl", "{\"not\": \"a call\"}\n");
  refused("its results.jsonl is not one callsim wrote");
  EXPECT_EQ(testutil::read_text(dir / "out" / "results.jsonl"), "{\"not\": \"a call\"}\n");
  testutil::write_text(dir / "out" / "results.jsonl", lines);
  EXPECT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "out", 2)).resumed, 6u);
}

// Two sweeps into one folder at once: each removed the other's calls as stale and rewrote
// results.jsonl, leaving records of calls whose folders were gone (or an internal error, exit 3,
// for a call whose folder vanished while it was read back). The second is refused now, before it
// changes anything, while the first holds the folder's lock.
TEST(Sweep, ASweepIntoAFolderAnotherCallsimIsWritingIsRefused) {
  TempDir dir;
  ASSERT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "out", 2)).calls, 6u);
  const std::string lines = testutil::read_text(dir / "out" / "results.jsonl");
  {
    const OutputLock other(dir / "out");  // as a running sweep or merge holds it
    try {
      run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
      ADD_FAILURE() << "not refused";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), (dir / "out").string());
      EXPECT_NE(std::string(e.what()).find("another callsim is writing this folder"), std::string::npos) << e.what();
    }
    EXPECT_EQ(testutil::read_text(dir / "out" / "results.jsonl"), lines);  // untouched
    EXPECT_TRUE(fs::exists(dir / "out" / "summary.json"));
    // Caught in the middle of removing a call (its job.json gone, a CSV left), the folder does not
    // look like a sweep's output: the reason given is still the other callsim.
    const fs::path call = call_dir(dir / "out", six_jobs(dir)[0].id);
    fs::remove(call / "job.json");
    fs::remove(call / "result.json");
    try {
      run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
      ADD_FAILURE() << "not refused";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("another callsim is writing this folder"), std::string::npos) << e.what();
    }
    fs::remove_all(call);
    // A sweep into another folder runs.
    ASSERT_EQ(run_sweep(six_jobs(dir), quiet_options(dir / "elsewhere", 2)).calls, 6u);
  }
  const SweepReport released = run_sweep(six_jobs(dir), quiet_options(dir / "out", 2));
  EXPECT_EQ(released.resumed, 5u);
  EXPECT_EQ(released.ran, 1u);
}

TEST(Sweep, ShardsRunEveryNthJob) {
  TempDir dir;
  SweepOptions o = quiet_options(dir / "s2", 1);
  o.shard = ShardSpec{2, 4};
  const SweepReport r = run_sweep(six_jobs(dir), o);
  EXPECT_EQ(r.jobs_total, 6u);
  EXPECT_EQ(r.calls, 2u);  // indexes 1 and 5
  const std::vector<Job> jobs = six_jobs(dir);
  const ResultLines lines = read_results(dir / "s2" / "results.jsonl");
  ASSERT_EQ(lines.records.size(), 2u);
  EXPECT_EQ(lines.records[0].at("id"), jobs[1].id);
  EXPECT_EQ(lines.records[1].at("id"), jobs[5].id);
  const json summary = json::parse(testutil::read_text(dir / "s2" / "summary.json"));
  EXPECT_EQ(summary.at("shard"), json({{"index", 2},
                                       {"count", 4},
                                       {"jobs_total", 6},
                                       {"jobs_fingerprint", job_list_fingerprint(jobs, o.score)},
                                       {"job_ids", {jobs[1].id, jobs[5].id}}}));
  // The fingerprint is of the whole job list: another list of the same length differs.
  std::vector<Job> other = jobs;
  other[0].document_hash += 1;  // one scenario edited
  EXPECT_NE(job_list_fingerprint(other, o.score), job_list_fingerprint(jobs, o.score));
  EXPECT_NE(job_list_fingerprint(jobs, !o.score), job_list_fingerprint(jobs, o.score));
}

}  // namespace
}  // namespace callsim::harness
