// Memory under load (issue 11, "Under load"; label slow, about an hour on two cores). The figures in
// README.md ("Memory under load") are what these tests print.
//  - a sweep of 2000 two-second two-way calls with -j2 keeps its resident memory flat: while the
//    1900th to 2000th calls run it is at most 1.15x what it was while the 100th to 200th ran, and
//    the whole run (job list, summary) peaks below 200 MiB;
//  - a 2-hour call (the schema's maximum; the default scenario stretched) completes, scored, with a
//    peak below 13 GB.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "hardening_util.h"

namespace callsim::hardening {
namespace {

nlohmann::json default_scenario() {
  return nlohmann::json::parse(read_text(std::string(CALLSIM_SOURCE_DIR) + "/scenarios/default.json"));
}

nlohmann::json load_matrix(int calls) {
  nlohmann::json base = default_scenario();
  base["name"] = "load";
  base["duration_s"] = 2;
  base["peers"]["alice"]["talk"] = {{{"start_s", 0}, {"end_s", 1}}};
  base["peers"]["bob"]["talk"] = {{{"start_s", 1}, {"end_s", 2}}};
  for (auto& [name, link] : base["links"].items()) link.erase("phases");
  base.erase("expect");
  nlohmann::json seeds = nlohmann::json::array();
  for (int s = 1; s <= calls; ++s) seeds.push_back(s);
  return {{"matrix", "load"}, {"base", base}, {"axes", {{"seed", seeds}}}};
}

void report(const char* what, const CliResult& r) {
  std::printf("%s: peak_rss_mb=%ld wall_s=%.0f exit=%d\n", what, r.peak_rss_kb / 1024, r.wall_s, r.exit_code);
}

// Resident memory while the sweep is between 100 and 200 calls done, and between 1900 and 2000.
struct Phases {
  long at_100 = 0, at_2000 = 0;
};

TEST(Load, SweepOf2000ShortCallsKeepsMemoryFlat) {
  Scratch dir("load-sweep");
  write_text(dir / "m2000.json", load_matrix(2000).dump());
  const std::filesystem::path calls = dir.path() / "s2000/calls/load";
  Phases p;
  auto sample = [&](long rss_kb) {
    std::error_code ec;
    long done = 0;
    for (std::filesystem::directory_iterator it(calls, ec), end; !ec && it != end; it.increment(ec)) ++done;
    if (done >= 100 && done < 200) p.at_100 = std::max(p.at_100, rss_kb);
    if (done >= 1900 && done < 2000) p.at_2000 = std::max(p.at_2000, rss_kb);
  };
  const CliResult r =
      run_cli({"sweep", dir / "m2000.json", "-j2", "-q", "-o", dir / "s2000"}, 4 * 3600, 0, sample);
  report("sweep of 2000 calls", r);
  std::printf("resident while running: %ld MiB at 100-200 calls done, %ld MiB at 1900-2000 (ratio %.2f)\n",
              p.at_100 / 1024, p.at_2000 / 1024,
              static_cast<double>(p.at_2000) / static_cast<double>(p.at_100));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  ASSERT_GT(p.at_100, 0);
  ASSERT_GT(p.at_2000, 0);
  EXPECT_LE(p.at_2000 * 100, p.at_100 * 115) << "resident memory grows with the calls run";
  // The whole run, with the job list and the summary's per-seed means at the end.
  EXPECT_LT(r.peak_rss_kb, 200L * 1024);
}

TEST(Load, TwoHourCallCompletesWithinTheStatedMemory) {
  Scratch dir("load-long");
  nlohmann::json s = default_scenario();
  s["name"] = "two_hours";
  s["duration_s"] = 7200;
  s["peers"]["alice"]["talk"] = {{{"start_s", 0}, {"end_s", 3600}}};
  s["peers"]["bob"]["talk"] = {{{"start_s", 3600}, {"end_s", 7200}}};
  s.erase("expect");
  write_text(dir / "long.json", s.dump());
  const CliResult r = run_cli({"run", dir / "long.json", "-q", "-o", dir / "out"}, 4 * 3600);
  report("2-hour call", r);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto result = nlohmann::json::parse(read_text(dir.path() / "out/result.json"));
  EXPECT_EQ(result["scenario"]["duration_s"], 7200);
  EXPECT_TRUE(result["directions"]["alice->bob"]["metrics"].contains("mos_lqo_nb"));
  EXPECT_LT(r.peak_rss_kb, 13L * 1024 * 1024) << "peak resident memory above 13 GB";
}

}  // namespace
}  // namespace callsim::hardening
