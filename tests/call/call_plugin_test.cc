// An app team's own receive pipeline in a scenario: "jitter_buffer": {"plugin": "lib….so",
// "config": {…}} loads the shared library through the C ABI and plays the call through it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "call/call_output.h"
#include "call/call_runner.h"
#include "json/json_node.h"

namespace callsim::call {
using namespace callsim::scenario;  // scenario types (Scenario, PeerConfig, ...) read unqualified in tests
namespace {

nlohmann::json plugin_scenario(const std::string& plugin, double delay_ms) {
  nlohmann::json doc = nlohmann::json::parse(R"({
    "name": "plugin_call", "duration_s": 4, "seed": 5,
    "peers": {"alice": {"talker": "de_female", "codec": {"sample_rate_hz": 48000, "bitrate_kbps": 24}},
              "bob": {}},
    "links": {"alice->bob": {"delay": {"base_ms": 30, "jitter_ms": 5, "distribution": "uniform"}}},
    "scoring": {"pesq": false}
  })");
  doc["peers"]["bob"]["jitter_buffer"] = {{"plugin", plugin}, {"config", {{"delay_ms", delay_ms}}}};
  return doc;
}

TEST(CallPlugin, ScenarioPlaysThroughTheExamplePlugin) {
#ifndef CALLSIM_JB_EXAMPLE_PLUGIN
  GTEST_SKIP() << "the example plugin target is not part of this build";
#else
  const Scenario s = parse_scenario(plugin_scenario(CALLSIM_JB_EXAMPLE_PLUGIN, 70), "plugin.json", "");
  const CallResult r = run_call(s);
  const auto& d = r.directions.at(0);
  // The example is a fixed 70 ms buffer anchored on the first arrival (which had 30..35 ms of
  // network delay): every real frame plays 20 ms packetization + ~100-105 ms + codec lookahead.
  ASSERT_GT(d.metrics.at("mouth_to_ear_mean_ms"), 20 + 30 + 70);
  EXPECT_LT(d.metrics.at("mouth_to_ear_max_ms"), 20 + 35 + 70 + 7 + 10);
  EXPECT_EQ(d.metrics.at("packets_lost"), 0);
  EXPECT_GT(d.degraded.samples.size(), 4u * 48000u);
  // A missing library is an input error naming the .so and where the scenario asked for it.
  try {
    parse_scenario(plugin_scenario("/nonexistent/libnope.so", 70), "plugin.json", "");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "plugin.json: /peers/bob/jitter_buffer/plugin: plugin library '/nonexistent/libnope.so': "
                 "/nonexistent/libnope.so: no such file");
  }
#endif
}

// A scenario in sub/ naming "../mine.so", read with the relative base folder "sub": the path
// normalised to "mine.so", which dlopen() looked for on the library path, not in the working
// folder ("cannot open shared object file"). The plugin's path is now absolute, and the call's
// result names it with the fingerprint of the library's bytes.
TEST(CallPlugin, APluginPathThatNormalisesToABareNameIsTheFileItNames) {
#ifndef CALLSIM_JB_EXAMPLE_PLUGIN
  GTEST_SKIP() << "the example plugin target is not part of this build";
#else
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("callsim_plugin_path_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  fs::copy_file(CALLSIM_JB_EXAMPLE_PLUGIN, dir / "mine.so", fs::copy_options::overwrite_existing);
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  try {
    nlohmann::json doc = plugin_scenario("../mine.so", 60);
    doc["duration_s"] = 1;
    const Scenario s = parse_scenario(doc, "sub/plugin.json", "sub");
    const auto& jb = s.peers.at("bob").jitter_buffer;
    EXPECT_EQ(jb.plugin_path, (dir / "mine.so").string());
    EXPECT_EQ(jb.plugin_fingerprint.rfind("fnv1a64:", 0), 0u) << jb.plugin_fingerprint;
    const CallResult r = run_call(s);
    const auto out = result_to_json(r).at("directions").at("alice->bob").at("jitter_buffer").at("plugin");
    EXPECT_EQ(out.at("path"), (dir / "mine.so").string());
    EXPECT_EQ(out.at("fingerprint"), jb.plugin_fingerprint);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  fs::current_path(old);
  fs::remove_all(dir);
#endif
}

}  // namespace
}  // namespace callsim::call
