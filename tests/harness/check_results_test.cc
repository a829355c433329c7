// Reading result sets: results.jsonl lines, sweep folders, `callsim run` folders, and the errors
// for malformed lines, wrong types and duplicate ids.
#include "harness/check/check_results.h"

#include <gtest/gtest.h>

#include "check_test_util.h"
#include "common/error.h"

namespace callsim::harness {
namespace {

using checkutil::make_call;
using checkutil::ScratchDir;
using checkutil::write_file;

std::string error_of(const std::vector<std::filesystem::path>& paths) {
  try {
    load_calls(paths);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ResultSet, ReadsWhatTheSweepWrites) {
  ScratchDir dir("results");
  CallRecord a = make_call("smoke/3g/nb12");
  a.params = {{"codec", "nb12"}, {"network", "3g"}};
  a.dir = "calls/smoke/3g/nb12";
  CallRecord broken = make_call("smoke/3g/wb24");
  broken.error = "cannot read talker";
  checkutil::write_results(dir.path() / "results.jsonl", {a, broken});
  const ResultSet set = load_result_set(dir.path());  // the folder: finds results.jsonl
  ASSERT_EQ(set.calls.size(), 2u);
  const CallRecord& r = set.calls[0];
  EXPECT_EQ(r.id, "smoke/3g/nb12");
  EXPECT_EQ(r.scenario, "smoke_call");
  EXPECT_EQ(r.params.at("codec"), "nb12");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.dir, dir.path() / "calls/smoke/3g/nb12");
  EXPECT_EQ(r.origin, (dir.path() / "results.jsonl").string() + ":1");
  EXPECT_EQ(*find_metric(r, "bob->alice", "mos_lqo_wb"), 4.2);
  EXPECT_FALSE(find_metric(r, "bob->alice", "mos_lqo_xx").has_value());
  ASSERT_EQ(r.expectations.size(), 1u);
  EXPECT_EQ(r.expectations[0].expect, "mos_lqo_nb >= 3");
  EXPECT_EQ(set.calls[1].error, "cannot read talker");
  EXPECT_FALSE(set.calls[1].passed);
  EXPECT_TRUE(set.calls[1].metrics.empty());
}

TEST(ResultSet, RunFolderIsAOneCallSetNamedAfterTheScenario) {
  ScratchDir dir("run");
  checkutil::write_sweep(dir.path(), {{"c1", "wb", 0.05, 3.5, 180, false}});
  const ResultSet set = load_result_set(dir.path() / "calls/c1");
  ASSERT_EQ(set.calls.size(), 1u);
  EXPECT_EQ(set.calls[0].id, "smoke_call");
  EXPECT_FALSE(set.calls[0].passed);
  EXPECT_EQ(*find_metric(set.calls[0], "alice->bob", "packet_loss_ratio"), 0.05);
  EXPECT_EQ(set.calls[0].dir, dir.path() / "calls/c1");
  EXPECT_TRUE(read_call_result(set.calls[0]).has_value());
}

// A run folder's result.json with "directions": {} read as a call that passed with nothing to
// judge: check and report passed it and `baseline update` wrote an entry that gates nothing. The
// same record in results.jsonl was already refused ("/metrics: no directions").
TEST(ResultSet, ARunFolderWithoutDirectionsIsRefusedAsResultsJsonlIs) {
  ScratchDir dir("nodirs");
  checkutil::write_sweep(dir.path(), {{"c1", "wb", 0.05, 3.5, 180, true}});
  const auto file = dir.path() / "calls/c1/result.json";
  nlohmann::json doc = nlohmann::json::parse(checkutil::read_file(file));
  doc["directions"] = nlohmann::json::object();
  write_file(file, doc.dump());
  const std::string expected = file.string() + ": /directions: no directions";
  EXPECT_EQ(error_of({dir.path() / "calls/c1"}).rfind(expected, 0), 0u) << error_of({dir.path() / "calls/c1"});
  EXPECT_EQ(error_of({file}).rfind(expected, 0), 0u) << error_of({file});
  // The CLI: check, report and baseline update exit 2 naming the file; no baseline is written.
  const auto log = dir.path() / "log.txt";
  EXPECT_EQ(checkutil::run_callsim({"check", (dir.path() / "calls/c1").string()}, log), 2);
  EXPECT_NE(checkutil::read_file(log).find(expected), std::string::npos) << checkutil::read_file(log);
  EXPECT_EQ(checkutil::run_callsim({"baseline", "update", (dir.path() / "calls/c1").string(), "-o",
                                    (dir.path() / "b.json").string()},
                                   log),
            2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "b.json"));
  EXPECT_EQ(checkutil::run_callsim({"report", (dir.path() / "calls/c1").string(), "-o",
                                    (dir.path() / "rep").string(), "-q", "--audio", "none"},
                                   log),
            2);
}

TEST(ResultSet, MalformedLinesNameFileLineAndByte) {
  ScratchDir dir("bad");
  const auto file = dir.path() / "results.jsonl";
  const std::string good =
      "{\"id\": \"a\", \"passed\": true, \"metrics\": {\"a->b\": {\"packets_sent\": 1}}}\n";
  write_file(file, good + "\n{\"id\": \"b\", \"passed\": tru}\n");
  EXPECT_EQ(error_of({file}), file.string() + ":3: byte 96 (column 26): malformed JSON line");
  write_file(file, "{\"id\": \"a\", \"passed\": \"yes\"}\n");
  EXPECT_EQ(error_of({file}), file.string() + ":1: /passed: expected a boolean, got a string");
  write_file(file,
             "{\"id\": \"a\", \"passed\": true, \"metrics\": {\"alice->bob\": {\"mos_lqo_nb\": \"4\"}}}\n");
  EXPECT_EQ(error_of({file}),
            file.string() + ":1: /metrics/alice->bob/mos_lqo_nb: expected a number, got a string");
  write_file(file, "[1, 2]\n");
  EXPECT_EQ(error_of({file}), file.string() + ":1: /: expected an object (one call per line)");
  // A number beyond a double's range is bad input, not an internal error (it was exit 3).
  write_file(file, good + "{\"id\": \"b\", \"seed\": 1e400}\n");
  EXPECT_EQ(error_of({file}),
            file.string() + ":2: byte 90 (column 21): 1e400 is beyond the range of a double");
  EXPECT_EQ(error_of({dir.path() / "nothing"}),
            (dir.path() / "nothing").string() + ": no such file or folder");
  std::filesystem::create_directories(dir.path() / "empty");
  EXPECT_EQ(
      error_of({dir.path() / "empty"}),
      (dir.path() / "empty").string() + ": holds neither results.jsonl (a sweep) nor result.json (a run)");
}

TEST(ResultSet, DuplicateIdsAcrossSetsAreAnError) {
  ScratchDir dir("dup");
  checkutil::write_results(dir.path() / "one.jsonl", {make_call("a"), make_call("b")});
  checkutil::write_results(dir.path() / "two.jsonl", {make_call("c"), make_call("b")});
  EXPECT_EQ(error_of({dir.path() / "one.jsonl", dir.path() / "two.jsonl"}),
            (dir.path() / "two.jsonl").string() + ":2: /id: duplicate call id 'b' (first in " +
                (dir.path() / "one.jsonl").string() + ":2)");
  EXPECT_EQ(load_calls({dir.path() / "one.jsonl"}).size(), 2u);
}

}  // namespace
}  // namespace callsim::harness
