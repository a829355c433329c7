// Same scenario + seed ⇒ byte-identical outputs (event trace, result.json, audio, pcap, CSVs);
// another seed gives a different call.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "scratch_dir.h"

namespace callsim::call {
using namespace callsim::scenario;  // scenario types (Scenario, PeerConfig, ...) read unqualified in tests
namespace {

const std::string kData = std::string(CALLSIM_SOURCE_DIR) + "/tests/scenario/data/";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CallResult run(uint64_t seed, std::string* trace = nullptr) {
  Scenario s = load_scenario(kData + "two_way.json");
  s.seed = seed;
  RunOptions o;
  o.score = false;
  std::ostringstream t;
  o.event_trace = &t;
  CallResult r = run_call(s, o);
  if (trace) *trace = t.str();
  return r;
}

TEST(CallDeterminism, SameSeedGivesIdenticalTraceAndOutputs) {
  std::string trace_a, trace_b;
  const CallResult a = run(7, &trace_a);
  const CallResult b = run(7, &trace_b);
  ASSERT_GT(trace_a.size(), 1000u);
  EXPECT_EQ(trace_a, trace_b);
  EXPECT_EQ(a.event_trace_digest, b.event_trace_digest);
  EXPECT_EQ(result_to_json(a).dump(), result_to_json(b).dump());

  const testing_util::ScratchDir scratch("determinism");
  const std::filesystem::path& dir = scratch.path();
  write_call_outputs(a, dir / "a");
  write_call_outputs(b, dir / "b");
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "a")) {
    if (!e.is_regular_file()) continue;
    const auto rel = std::filesystem::relative(e.path(), dir / "a");
    EXPECT_EQ(slurp(e.path()), slurp(dir / "b" / rel)) << rel;
    ++files;
  }
  EXPECT_EQ(files, 13);  // result.json + 6 per direction
}

TEST(CallDeterminism, AnotherSeedGivesAnotherCall) {
  const CallResult a = run(7), c = run(8);
  EXPECT_NE(a.event_trace_digest, c.event_trace_digest);
  EXPECT_NE(a.directions[0].degraded.samples, c.directions[0].degraded.samples);
}

}  // namespace
}  // namespace callsim::call
