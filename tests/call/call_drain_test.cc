// When a call ends: after the talker stops, the receiver plays until the newest delivered audio
// has played and then stops; when the last packets never arrive it stops 200 ms (drain_idle)
// after the last arrival. Neither case may pad the degraded signal with concealment (an earlier
// rule compared against a buffer delay that grows while concealing, so every call ended with up
// to 2 s of PLC and short calls reported concealed_ratio ~0.2).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "call/call_runner.h"
#include "scratch_dir.h"
#include "scenario/scenario.h"

namespace callsim::call {
using namespace callsim::scenario;  // scenario types (Scenario, PeerConfig, ...) read unqualified in tests
namespace {

nlohmann::json one_way(const nlohmann::json& link, const std::string& jitter_buffer) {
  nlohmann::json doc = {
      {"name", "drain"},
      {"duration_s", 6},
      {"seed", 3},
      {"peers",
       {{"alice", {{"talker", "en_female"}, {"codec", {{"sample_rate_hz", 16000}, {"bitrate_kbps", 24}}}}},
        {"bob", {{"jitter_buffer", {{"type", jitter_buffer}}}}}}},
      {"links", {{"alice->bob", link}}},
      {"scoring", {{"pesq", false}}}};
  return doc;
}

struct Ending {
  double last_real_ms = 0;  // play time of the last frame of real audio
  double last_frame_ms = 0;
  int frames_after_real = 0;
  double concealed_ratio = 0;
  double last_arrival_ms = 0;
};

Ending ending(const CallResult& r) {
  const DirectionResult& d = r.directions.at(0);
  Ending e;
  for (const auto& f : d.frames)
    if (f.mouth_to_ear_ms) e.last_real_ms = f.play_time.to_ms();
  e.last_frame_ms = d.frames.back().play_time.to_ms();
  e.frames_after_real = static_cast<int>(std::count_if(
      d.frames.begin(), d.frames.end(), [&](const auto& f) { return f.play_time.to_ms() > e.last_real_ms; }));
  e.concealed_ratio = d.metrics.at("concealed_ratio");
  for (const auto& a : d.arrivals) e.last_arrival_ms = std::max(e.last_arrival_ms, a.arrival.to_ms());
  return e;
}

const nlohmann::json kJitteryLink = {
    {"delay", {{"base_ms", 60}, {"jitter_ms", 15}, {"distribution", "normal"}, {"correlation", 0.5}}}};

TEST(CallDrain, StopsRightAfterTheLastAudioHasPlayed) {
  for (const char* buffer : {"adaptive", "fixed", "speex"}) {
    const Ending e = ending(run_call(parse_scenario(one_way(kJitteryLink, buffer), "drain.json", "")));
    // The last 20 ms packet plays as two 10 ms frames; at most one more tick after it.
    EXPECT_LE(e.frames_after_real, 1) << buffer;
    EXPECT_GT(e.last_real_ms, 6000) << buffer;         // the whole talk was played
    EXPECT_LT(e.last_frame_ms, 6000 + 400) << buffer;  // network ~60 ms + buffer, not 2 s
    EXPECT_LT(e.concealed_ratio, 0.01) << buffer;
  }
}

// A perfect link (0 ms, the delay of a link with no keys) is the control condition: nothing may
// be concealed before the talk has played. Each packet arrived at a playout tick's instant but
// was handled after that tick (its arrival was scheduled after the tick), while the buffer counts
// a packet that arrived by a tick as there for it: the adaptive buffer accelerated into a stall
// every 40 ms of pause (34 concealment events, concealed_ratio 0.034 in 10 s).
TEST(CallDrain, APerfectLinkConcealsNothingWhileTheTalkPlays) {
  for (const char* buffer : {"adaptive", "fixed", "speex"}) {
    for (double base_ms : {0.0, 10.0, 20.0}) {
      const CallResult r =
          run_call(parse_scenario(one_way({{"delay", {{"base_ms", base_ms}}}}, buffer), "drain.json", ""));
      const Ending e = ending(r);
      int synthetic_before_end = 0;
      for (const auto& f : r.directions.at(0).frames)
        if (f.play_time.to_ms() < e.last_real_ms && (f.type == jitter::PlayoutFrame::kExpand ||
                                                      f.type == jitter::PlayoutFrame::kComfortNoise))
          ++synthetic_before_end;
      EXPECT_EQ(synthetic_before_end, 0) << buffer << " at " << base_ms << " ms";
      EXPECT_LE(r.directions.at(0).metrics.at("concealment_events"), 1) << buffer << " at " << base_ms << " ms";
    }
  }
}

TEST(CallDrain, LostTailStopsAfterTheIdleDrain) {
  // A replayed trace: 300 packets (6 s of 20 ms frames) with 60-75 ms delay; the last 25 are lost.
  const testing_util::ScratchDir scratch("drain");
  const std::string dir = scratch.string();
  {
    std::ofstream trace(dir + "/lost_tail.csv");
    trace << "index,delay_ms\n";
    for (int i = 0; i < 300; ++i) {
      if (i >= 275)
        trace << i << ",lost\n";
      else
        trace << i << "," << 60 + (i * 7) % 16 << "\n";
    }
  }
  const nlohmann::json link = {{"trace", {{"file", "lost_tail.csv"}, {"loop", false}}}};
  const CallResult r = run_call(parse_scenario(one_way(link, "adaptive"), "drain.json", dir));
  const Ending e = ending(r);
  EXPECT_LT(e.last_arrival_ms, 5600);
  EXPECT_EQ(r.directions.at(0).link.lost, 25u);  // by the network (RTP cannot see a lost tail)
  // Playout ends 200 ms (drain_idle) after the later of the last arrival and the last real frame,
  // but not before the talk window has ended.
  EXPECT_LE(e.last_frame_ms, std::max({e.last_arrival_ms, e.last_real_ms, 6000.0}) + 200 + 10);
  EXPECT_GE(e.last_frame_ms, 6000 - 10);
}

}  // namespace
}  // namespace callsim::call
