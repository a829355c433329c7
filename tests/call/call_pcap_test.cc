// A call's receiver.pcap read by Wireshark (`tshark -z rtp,streams`) gives the same packet count,
// loss and maximum RFC 3550 jitter as the call's result.json, and on a path without reordering or
// duplicates the same mean jitter as the interarrival_jitter_* metrics. Skipped without tshark.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "scratch_dir.h"
#include "json/json_node.h"

namespace callsim::call {
using namespace callsim::scenario;  // scenario types (Scenario, PeerConfig, ...) read unqualified in tests
namespace {

std::string run_command(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

constexpr const char* kScenario = R"({
  "name": "pcap_check", "duration_s": 8, "seed": 11,
  "peers": {"alice": {"talker": "en_male", "codec": {"sample_rate_hz": 16000, "bitrate_kbps": 16}},
            "bob": {"jitter_buffer": {"type": "fixed", "delay_ms": 80}}},
  "links": {"alice->bob": {
    "delay": {"base_ms": 40, "jitter_ms": 15, "distribution": "normal", "reorder_by_jitter": true},
    "loss": {"model": "gilbert_elliott", "p": 0.04, "r": 0.5},
    "duplicate": {"p": 0.02}}},
  "scoring": {"pesq": false}
})";

TEST(CallPcap, WiresharkSeesTheSameLossAndJitterAsResultJson) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "tshark is not installed; skipping the Wireshark cross-check";
  const Scenario s = parse_scenario(parse_json_text(kScenario, "pcap_check"), "pcap_check", "");
  const CallResult r = run_call(s);
  const testing_util::ScratchDir scratch("call_pcap");
  const std::filesystem::path& dir = scratch.path();
  write_call_outputs(r, dir);
  const auto& d = r.directions.at(0);
  ASSERT_GT(d.rtp.lost, 5);
  ASSERT_GT(d.rtp.reordered, 5);
  ASSERT_GT(d.rtp.duplicates, 2);

  const std::string out = run_command("tshark -r " + (dir / "alice-to-bob" / "receiver.pcap").string() +
                                      " -q -z rtp,streams 2>/dev/null");
  std::istringstream lines(out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::vector<std::string> t;
    for (std::string w; in >> w;) t.push_back(w);
    if (t.size() < 17 || t[6].rfind("0x", 0) != 0) continue;
    found = true;
    EXPECT_EQ(std::stoll(t[8]), d.rtp.received) << line;
    EXPECT_EQ(std::stoll(t[9]), d.rtp.lost) << line;
    EXPECT_NEAR(std::stod(t[16]), d.rtp.max_jitter_ms, 0.0005 + 1e-9) << line;
  }
  EXPECT_TRUE(found) << "tshark printed no RTP stream:\n" << out;
}

// tshark's rtp,streams row of the only stream in a pcap: its whitespace-separated fields.
std::vector<std::string> tshark_row(const std::filesystem::path& pcap) {
  std::istringstream lines(run_command("tshark -r " + pcap.string() + " -q -z rtp,streams 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::vector<std::string> t;
    for (std::string w; in >> w;) t.push_back(w);
    if (t.size() >= 17 && t[6].rfind("0x", 0) == 0) return t;
  }
  return {};
}

// Jittery FIFO path with loss (no reordering, no duplicates, no DTX): every packet after the first
// is "regular" for Wireshark, so its Mean Jitter is the plain mean of the RFC 3550 estimate.
TEST(CallPcap, WiresharkMeanAndMaxJitterAreTheResultsJitterMetrics) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "tshark is not installed; skipping the Wireshark cross-check";
  const Scenario s = parse_scenario(parse_json_text(R"({
    "name": "jitter_check", "duration_s": 8, "seed": 5,
    "peers": {"alice": {"talker": "en_male", "codec": {"sample_rate_hz": 16000}},
              "bob": {"jitter_buffer": {"type": "fixed", "delay_ms": 120}}},
    "links": {"alice->bob": {"delay": {"base_ms": 40, "jitter_ms": 10, "distribution": "normal"},
                             "loss": {"model": "bernoulli", "p": 0.03}}},
    "scoring": {"pesq": false}})", "jitter_check"), "jitter_check", "");
  const CallResult r = run_call(s);
  const testing_util::ScratchDir scratch("call_pcap_jitter");
  const std::filesystem::path& dir = scratch.path();
  write_call_outputs(r, dir);
  const auto& m = r.directions.at(0).metrics;
  const auto t = tshark_row(dir / "alice-to-bob" / "receiver.pcap");
  ASSERT_FALSE(t.empty()) << "tshark printed no RTP stream";
  // tshark prints 3 decimals.
  EXPECT_NEAR(std::stod(t[15]), m.at("interarrival_jitter_mean_ms"), 0.0005 + 1e-9);
  EXPECT_NEAR(std::stod(t[16]), m.at("interarrival_jitter_max_ms"), 0.0005 + 1e-9);
  // On this path the mean and the final value differ by more than tshark's precision: the final
  // value is not what a reader of "jitter" expects.
  EXPECT_GT(std::fabs(m.at("interarrival_jitter_mean_ms") - m.at("interarrival_jitter_final_ms")), 0.1);
}

}  // namespace
}  // namespace callsim::call
