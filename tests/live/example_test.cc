// The README's worked example, run as a user would (tools/relay_example.sh): two GStreamer RTP
// endpoints, independent of callsim, talk Opus through `callsim relay` with the default scenario's
// links and a control command midway; the script then verifies the fate logs, replays them with
// `callsim run` and scores what an endpoint heard. Skipped without gst-launch-1.0 or tshark.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "loopback_util.h"

namespace callsim::live {
namespace {

TEST(RelayExample, GstreamerEndpointsThroughTheRelay) {
  if (std::system("command -v gst-launch-1.0 >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "gst-launch-1.0 or tshark is not installed (tools/setup.sh installs them)";
  const auto dir = testing::fresh_dir("relay-example");
  const std::string log = (dir / "log.txt").string();
  const std::string cmd = "cd " CALLSIM_SOURCE_DIR " && CALLSIM=" + testing::callsim_binary() +
                          " tools/relay_example.sh " + (dir / "out").string() + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
  EXPECT_NE(text.find("\"ok\":true"), std::string::npos) << text;  // the control command
  EXPECT_NE(text.find("call 0 a->b (link alice->bob, seed 1)"), std::string::npos) << text;
  EXPECT_EQ(text.find("differ"), std::string::npos) << text;
  EXPECT_NE(text.find("every fate reproduced"), std::string::npos) << text;
  EXPECT_NE(text.find("MOS-LQO"), std::string::npos) << text;  // the replay and the score ran
  std::ifstream record(dir / "out" / "relay" / "relay.json");
  const auto r = nlohmann::json::parse(record);
  for (const char* d : {"a->b", "b->a"}) {
    const auto& x = r["calls"][0][d];
    EXPECT_GT(x["packets"].get<int>(), 400) << d;  // ~10 s of 20 ms Opus frames
    EXPECT_EQ(x["in"]["rtp_streams"][0]["clock_rate_hz"], 48000) << d;
    EXPECT_EQ(x["out"]["packets"], x["released"]) << d;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callsim::live
