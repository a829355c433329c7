// Matrix expansion: combination count, id order, what each axis changes, and error locations.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "common/error.h"
#include "harness/sweep/matrix.h"
#include "harness/sweep/suite.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

using nlohmann::json;
using testutil::TempDir;

json two_way_matrix() {
  json base = testutil::short_call("call", 3.0, true);
  base["peers"]["alice"]["codec"]["fec"] = true;
  return {{"matrix", "m"},
          {"base", base},
          {"axes",
           {{"network", {"good_wifi", "3g"}},
            {"codec",
             {{"wb24", {{"bitrate_kbps", 24}}}, {"nb12", {{"bitrate_kbps", 12}, {"sample_rate_hz", 8000}}}}},
            {"talker", {"en_female", "de_male"}},
            {"seed", {2, 10, 1}}}}};
}

std::vector<Job> expand_file(const TempDir& dir, const json& matrix) {
  testutil::write_json(dir / "m.json", matrix);
  return expand_suites({(dir / "m.json").string()});
}

// Runs the expansion and returns the InputError it must throw.
InputError expansion_error(const TempDir& dir, const json& matrix) {
  try {
    expand_file(dir, matrix);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError";
  return InputError("", "", "");
}

TEST(MatrixExpand, CrossesEveryAxisInNaturalIdOrder) {
  TempDir dir;
  const std::vector<Job> jobs = expand_file(dir, two_way_matrix());
  ASSERT_EQ(jobs.size(), 2u * 2u * 2u * 3u);
  EXPECT_EQ(jobs[0].id, "m/3g/nb12/de_male/s1");
  EXPECT_EQ(jobs[1].id, "m/3g/nb12/de_male/s2");  // natural order: s2 before s10
  EXPECT_EQ(jobs[2].id, "m/3g/nb12/de_male/s10");
  EXPECT_EQ(jobs[3].id, "m/3g/nb12/en_female/s1");
  EXPECT_EQ(jobs.back().id, "m/good_wifi/wb24/en_female/s10");
  for (const auto& j : jobs) EXPECT_EQ(j.file, (dir / "m.json").string());
  EXPECT_EQ(jobs[2].params,
            json({{"network", "3g"}, {"codec", "nb12"}, {"talker", "de_male"}, {"seed", 10}}));
}

TEST(MatrixExpand, AxesChangeTheirPartOfTheScenario) {
  TempDir dir;
  const std::vector<Job> jobs = expand_file(dir, two_way_matrix());
  const Job& j = jobs[2];  // m/3g/nb12/de_male/s10, applied to both directions
  EXPECT_EQ(j.scenario.seed, 10u);
  for (const auto& [name, peer] : j.scenario.peers) {
    EXPECT_EQ(peer.talker.builtin, "de_male") << name;
    EXPECT_EQ(peer.codec.bitrate_bps, 12000) << name;
    EXPECT_EQ(peer.codec.sample_rate_hz, 8000) << name;
  }
  EXPECT_TRUE(j.scenario.peers.at("alice").codec.inband_fec);  // merged, not replaced
  EXPECT_FALSE(j.scenario.peers.at("bob").codec.inband_fec);
  // 3g differs from the base link (30 ms) in its delay.
  EXPECT_NE(j.scenario.links.at("alice->bob").delay.base_ms, 30.0);
  EXPECT_EQ(j.scenario.links.at("alice->bob").delay.base_ms, j.scenario.links.at("bob->alice").delay.base_ms);
}

TEST(MatrixExpand, ApplyToOneDirectionLeavesTheOtherAlone) {
  TempDir dir;
  json m = two_way_matrix();
  m["apply_to"] = {"alice->bob"};
  const std::vector<Job> jobs = expand_file(dir, m);
  const Job& j = jobs[2];
  EXPECT_EQ(j.scenario.peers.at("alice").talker.builtin, "de_male");
  EXPECT_EQ(j.scenario.peers.at("bob").talker.builtin, "en_male");
  EXPECT_EQ(j.scenario.peers.at("bob").codec.bitrate_bps, 20000);
  EXPECT_EQ(j.scenario.links.at("bob->alice").delay.base_ms, 30.0);
  EXPECT_NE(j.scenario.links.at("alice->bob").delay.base_ms, 30.0);
  // The record says which direction each axis changed; the seed changes the whole call.
  using Directions = std::map<std::string, std::vector<std::string>>;
  EXPECT_EQ(j.param_directions,
            (Directions{{"network", {"alice->bob"}}, {"codec", {"alice->bob"}}, {"talker", {"alice->bob"}}}));
  // A jitter-buffer axis changes the receiver's buffer: alice's, which only bob->alice reaches.
  m["axes"]["jitter_buffer"] = {"fixed", "adaptive"};
  m["apply_to"] = {"bob->alice"};
  EXPECT_EQ(expand_file(dir, m)[0].param_directions,
            (Directions{{"network", {"bob->alice"}},
                        {"codec", {"bob->alice"}},
                        {"talker", {"bob->alice"}},
                        {"jitter_buffer", {"bob->alice"}}}));
  // Applied to every direction, no axis is listed (and the records are as before).
  m.erase("apply_to");
  for (const Job& job : expand_file(dir, m)) EXPECT_TRUE(job.param_directions.empty()) << job.id;
}

TEST(MatrixExpand, CustomAxesPatchAndExclusionsSkip) {
  TempDir dir;
  json m = {{"matrix", "c"},
            {"base", testutil::short_call("call")},
            {"patch", {{"duration_s", 3}}},
            {"axes",
             {{"length", {{"short", {{"duration_s", 2}}}, {"long", {{"duration_s", 4}}}}},
              {"jitter_buffer", {"fixed", "adaptive"}},
              {"seed", {1, 2}}}},
            {"exclude",
             {{{"length", "long"}, {"seed", {2}}},
              {{"jitter_buffer", "fixed"}, {"length", "short"}, {"seed", "s1"}}}}};
  const std::vector<Job> jobs = expand_file(dir, m);
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  // 2 × 2 × 2 = 8, minus 2 (long & s2) minus 1 (fixed & short & s1).
  EXPECT_EQ(ids, (std::vector<std::string>{"c/adaptive/long/s1", "c/adaptive/short/s1", "c/adaptive/short/s2",
                                           "c/fixed/long/s1", "c/fixed/short/s2"}));
  EXPECT_EQ(jobs[0].scenario.duration, sim::Duration::seconds(4));
  EXPECT_EQ(jobs[1].scenario.duration, sim::Duration::seconds(2));
  EXPECT_EQ(jobs[3].scenario.peers.at("bob").jitter_buffer.kind, jitter::JitterBufferKind::kFixed);
}

TEST(MatrixExpand, BaseFileIsResolvedNextToTheMatrix) {
  TempDir dir;
  testutil::write_json(dir / "base" / "call.json", testutil::short_call("call"));
  json m = {
      {"matrix", "b"}, {"base", "base/call.json"}, {"patch", {{"duration_s", 3}}}, {"axes", {{"seed", {7}}}}};
  const std::vector<Job> jobs = expand_file(dir, m);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, "b/s7");
  EXPECT_EQ(jobs[0].scenario.seed, 7u);
  EXPECT_EQ(jobs[0].scenario.duration, sim::Duration::seconds(3));
}

TEST(MatrixExpand, ErrorsNameTheMatrixFileAndTheAxisEntry) {
  TempDir dir;
  const std::string file = (dir / "m.json").string();
  json m = two_way_matrix();
  m["axes"]["codec"]["huge"] = {{"bitrate_kbps", 900}};
  InputError e = expansion_error(dir, m);
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.location(), "/axes/codec/huge/bitrate_kbps");
  EXPECT_NE(e.message().find("900"), std::string::npos) << e.message();

  m = two_way_matrix();
  m["axes"]["network"] = {"good_wifi", "no_such_profile"};
  e = expansion_error(dir, m);
  EXPECT_EQ(e.location(), "/axes/network/1");
  EXPECT_NE(e.message().find("no_such_profile"), std::string::npos) << e.message();

  m = two_way_matrix();
  m["axes"]["codec"]["a/b"] = json::object();
  EXPECT_EQ(expansion_error(dir, m).location(), "/axes/codec/a~1b");

  m = two_way_matrix();
  m["frobnicate"] = 1;
  EXPECT_EQ(expansion_error(dir, m).location(), "/frobnicate");

  m = two_way_matrix();
  m["apply_to"] = {"alice->bob", "carol->bob"};
  EXPECT_EQ(expansion_error(dir, m).location(), "/apply_to/1");

  m = two_way_matrix();
  m["base"]["peers"]["alice"]["clock_drift_ppm"] = 5000;
  EXPECT_EQ(expansion_error(dir, m).location(), "/base/peers/alice/clock_drift_ppm");

  m = two_way_matrix();
  m["base"] = "missing.json";
  EXPECT_EQ(expansion_error(dir, m).location(), "/base");

  m = two_way_matrix();
  m["axes"]["seed"] = {1, 1};
  EXPECT_EQ(expansion_error(dir, m).location(), "/axes/seed/1");

  m = two_way_matrix();
  m["exclude"] = {{{"codec", "nope"}}};
  EXPECT_EQ(expansion_error(dir, m).location(), "/exclude/0/codec");
}

TEST(MatrixExpand, AnInvalidCombinationIsNamed) {
  TempDir dir;
  // Each entry is valid on its own; a 2 s call cannot hold a talk interval ending at 3 s.
  json m = {
      {"matrix", "x"},
      {"base", testutil::short_call("call", 4.0)},
      {"axes",
       {{"length", {{"short", {{"duration_s", 2}}}, {"long", {{"duration_s", 4}}}}},
        {"turns", {{"late", {{"peers", {{"alice", {{"talk", {{{"start_s", 1}, {"end_s", 3}}}}}}}}}}}}}}};
  const InputError e = expansion_error(dir, m);
  EXPECT_EQ(e.location(), "/axes");
  EXPECT_NE(e.message().find("combination 'x/short/late'"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace callsim::harness

namespace callsim::harness {
namespace {

TEST(MatrixExpand, ExampleMatricesAreValid) {
  const std::string dir = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/matrices/";
  EXPECT_EQ(expand_suites({dir + "smoke.json"}).size(), 6u);
  EXPECT_EQ(expand_suites({dir + "fec_vs_loss.json"}).size(), 40u);
  const std::vector<Job> nightly = expand_suites({dir + "nightly.json"});
  ASSERT_EQ(nightly.size(), 216u);
  EXPECT_EQ(nightly.front().id, "nightly/3g/fb32/adaptive/de_male/s1");
  EXPECT_EQ(nightly.front().scenario.name, "default");
}

// src/harness/README.md's matrix example and SUITE glob do what the README says when run as
// written (the example's patch once cut the call under Bob's talk span, so it was refused, and the
// glob named a folder that had moved).
TEST(MatrixExpand, TheReadmesMatrixExampleAndGlobExpandAsWritten) {
  std::ifstream in(std::string(CALLSIM_SOURCE_DIR) + "/src/harness/README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t section = readme.find("## Matrix files");
  ASSERT_NE(section, std::string::npos);
  const size_t open = readme.find("```json\n", section), close = readme.find("```", open + 8);
  ASSERT_NE(close, std::string::npos);
  TempDir dir;
  std::filesystem::create_directories(dir / "matrices");
  std::filesystem::copy_file(std::string(CALLSIM_SOURCE_DIR) + "/scenarios/default.json", dir / "default.json");
  testutil::write_json(dir / "matrices" / "example.json", json::parse(readme.substr(open + 8, close - open - 8)));
  const std::vector<Job> jobs = expand_suites({(dir / "matrices" / "example.json").string()});
  EXPECT_EQ(jobs.size(), 56u);  // 3 x 2 x 2 x 2 x 1 x 3 = 72, less good_wifi's seeds 2 and 3 (16)
  EXPECT_EQ(jobs.front().id, "nightly/3g/nb12/adaptive/de_male/long/s1");
  EXPECT_EQ(jobs.front().scenario.duration.to_seconds(), 30.0);

  EXPECT_NE(readme.find("'scenarios/suites/smoke/*.json'"), std::string::npos);
  const size_t globbed = expand_suites({std::string(CALLSIM_SOURCE_DIR) + "/scenarios/suites/smoke/*.json"}).size();
  EXPECT_GT(globbed, 0u);
  EXPECT_EQ(globbed, expand_suites({std::string(CALLSIM_SOURCE_DIR) + "/scenarios/suites/smoke"}).size());
}

}  // namespace
}  // namespace callsim::harness
