// The plugin C ABI: the worked example (plugin_example/fixed_delay_plugin.c) loaded through
// make_jitter_buffer, and the loader's errors.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "jitter/jitter_buffer.h"
#include "jitter/plugin_jitter_buffer.h"
#include "jitter_test_support.h"
#include "scenario/scenario.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<JitterBuffer> make_plugin(const std::string& path, const std::string& config) {
  JitterBufferConfig c;
  c.kind = JitterBufferKind::kPlugin;
  c.plugin_path = path;
  c.plugin_config_json = config;
  return make_jitter_buffer(c, std::make_unique<FakeDecoder>(kRate), kRate);
}

// From frame `first` on, the buffer plays the stream from its first packet, sample for sample as
// the reference decode; the frame before is silence.
void expect_plays_from(const auto& r, size_t first, const auto& sent, const std::vector<float>& reference) {
  const size_t frame = kRate / 100;
  EXPECT_EQ(r.frames[first - 1].type, PlayoutFrame::kSilence);
  ASSERT_EQ(r.frames[first].type, PlayoutFrame::kNormal);
  ASSERT_TRUE(r.frames[first].playout_rtp_timestamp);
  EXPECT_EQ(*r.frames[first].playout_rtp_timestamp, sent[0].packet.rtp_timestamp);
  const auto out = r.audio();
  for (size_t i = first * frame; i < out.size(); ++i) ASSERT_EQ(out[i], reference[i - first * frame]) << i;
}

TEST(PluginJitterBuffer, ExamplePluginLoadsAndPlaysThroughTheHostDecoder) {
  const auto signal = harmonic_signal(kRate, 3.0);
  const auto sent = make_stream(signal, kRate, {});
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  auto jb = make_plugin(CALLSIM_JB_EXAMPLE_PLUGIN, R"({"delay_ms": 60})");
  EXPECT_STREQ(dynamic_cast<PluginJitterBuffer&>(*jb).plugin_name(), "fixed-delay example");
  const auto r = run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(25); }),
                     sim::Duration::seconds(3));
  // The first packet arrives at 25 ms and is due at 85 ms: the example starts at the 90 ms pull.
  expect_plays_from(r, 9, sent, reference);
  const auto s = jb->stats();
  EXPECT_EQ(s.packets_received, sent.size() - 1);  // the last one (sent 2.98 s) arrives after the last pull
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_EQ(s.total_samples_received, 300u * 160u);
  EXPECT_DOUBLE_EQ(jb->target_delay_ms(), 60.0);
}

TEST(PluginJitterBuffer, ExamplePluginConcealsLossesAndDiscardsLatePackets) {
  const auto signal = harmonic_signal(kRate, 2.0);
  const auto sent = make_stream(signal, kRate, {});
  auto jb = make_plugin(CALLSIM_JB_EXAMPLE_PLUGIN, R"({"delay_ms": 40})");
  const auto arrivals = deliver(sent, [](size_t i, sim::Timestamp) -> std::optional<sim::Duration> {
    if (i == 30) return std::nullopt;
    return sim::Duration::millis(i == 60 ? 300 : 10);
  });
  const auto r = run(*jb, arrivals, sim::Duration::seconds(2));
  const auto s = jb->stats();
  EXPECT_EQ(s.packets_discarded, 1u);
  EXPECT_EQ(s.concealment_events, 2u);
  EXPECT_EQ(s.concealed_samples, 2u * 320u);
  int expand = 0;
  for (const auto& f : r.frames) expand += f.type == PlayoutFrame::kExpand;
  EXPECT_EQ(expand, 4);
}

// The first packet to arrive has RTP timestamp 0; the one sent before it (timestamp 2^32 - 960)
// arrives later and unwraps to -960. The example indexed its slot table with (ts / 120) % 256 =
// -8, writing outside the table (a call with corrupted headers delivered crashed with SIGSEGV or
// "corrupted size vs. prev_size"); now it is buffered and plays first.
TEST(PluginJitterBuffer, ExamplePluginBuffersAPacketOlderThanTheFirstAcrossTheTimestampWrap) {
  const auto signal = harmonic_signal(kRate, 1.0);
  StreamOptions opt;
  opt.first_timestamp = 4294966336u;  // 2^32 - 960: packet 1 has timestamp 0
  const auto sent = make_stream(signal, kRate, opt);
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  auto jb = make_plugin(CALLSIM_JB_EXAMPLE_PLUGIN, R"({"delay_ms": 60})");
  const auto r = run(*jb, deliver(sent, [](size_t i, sim::Timestamp) { return sim::Duration::millis(i == 0 ? 30 : 5); }),
                     sim::Duration::seconds(1));
  // Anchor: packet 1 (timestamp 0) at 25 ms, so packet 0 (-960 ticks = -20 ms) is due at 5 + 60 ms.
  expect_plays_from(r, 7, sent, reference);
  EXPECT_EQ(jb->stats().packets_discarded, 0u);
}

TEST(PluginJitterBuffer, LoadErrorsNameTheLibrary) {
  try {
    make_plugin("/nonexistent/libnothing.so", "{}");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/libnothing.so");
    EXPECT_NE(e.message().find("cannot load jitter-buffer plugin"), std::string::npos) << e.message();
  }
  Dl_info libm{};
  ASSERT_NE(dladdr(reinterpret_cast<void*>(static_cast<double (*)(double)>(&::cbrt)), &libm), 0);
  const std::string libm_path = std::filesystem::canonical(libm.dli_fname).string();
  try {
    make_plugin(libm_path, "{}");  // loads, but is no plugin
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), libm_path);
    EXPECT_NE(e.message().find("missing symbol callsim_jb_plugin_v1"), std::string::npos) << e.message();
  }
  try {
    make_plugin(CALLSIM_JB_EXAMPLE_PLUGIN, R"({"delay_ms": -5})");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), std::filesystem::path(CALLSIM_JB_EXAMPLE_PLUGIN).lexically_normal().string());
    EXPECT_NE(e.message().find("rejected its config"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("delay_ms"), std::string::npos) << e.message();
  }
}

// A scenario takes the library's fingerprint when it is read (the build its results name); a
// library rebuilt before the call starts (a long sweep) is refused rather than misattributed.
TEST(PluginJitterBuffer, ALibraryChangedSinceTheScenarioWasReadIsRefused) {
  JitterBufferConfig c;
  c.kind = JitterBufferKind::kPlugin;
  c.plugin_path = CALLSIM_JB_EXAMPLE_PLUGIN;
  c.plugin_fingerprint = plugin_fingerprint(CALLSIM_JB_EXAMPLE_PLUGIN);
  EXPECT_EQ(c.plugin_fingerprint.rfind("fnv1a64:", 0), 0u) << c.plugin_fingerprint;
  EXPECT_NO_THROW(make_jitter_buffer(c, std::make_unique<FakeDecoder>(kRate), kRate));
  c.plugin_fingerprint = "fnv1a64:0000000000000000";
  try {
    make_jitter_buffer(c, std::make_unique<FakeDecoder>(kRate), kRate);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("the plugin library changed since the scenario was read (was "
                               "fnv1a64:0000000000000000)"),
              std::string::npos)
        << e.message();
  }
}

// A rebuilt plugin is what a baseline check judges, like a change in callsim: it changes the
// plugin's own fingerprint (a sweep reruns its calls) but not the scenario's (check compares the
// new build's figures with the baseline instead of calling the scenario changed).
TEST(PluginJitterBuffer, ARebuiltPluginLeavesTheScenarioFingerprintAsItWas) {
  const auto dir = std::filesystem::temp_directory_path() / ("callsim_plugin_fp_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(CALLSIM_JB_EXAMPLE_PLUGIN, dir / "jb.so", std::filesystem::copy_options::overwrite_existing);
  const auto doc = nlohmann::json::parse(R"({"name": "p", "duration_s": 2,
      "peers": {"alice": {"talker": "en_female"}, "bob": {"jitter_buffer": {"plugin": "jb.so"}}},
      "links": {"alice->bob": {"delay": {"base_ms": 30}}}})");
  const auto first = scenario::parse_scenario(doc, "p.json", dir.string());
  { std::ofstream(dir / "jb.so", std::ios::app | std::ios::binary) << "rebuilt"; }
  const auto second = scenario::parse_scenario(doc, "p.json", dir.string());
  std::filesystem::remove_all(dir);
  EXPECT_NE(first.peers.at("bob").jitter_buffer.plugin_fingerprint, second.peers.at("bob").jitter_buffer.plugin_fingerprint);
  EXPECT_EQ(first.fingerprint, second.fingerprint);
  EXPECT_EQ(first.fingerprint.rfind("fnv1a64:", 0), 0u);
}

// The working folder for one test (restored after it).
class InFolder {
 public:
  explicit InFolder(const std::filesystem::path& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InFolder() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

// A path without a slash went to dlopen() as it was, and dlopen() searches the library path for
// such a name, never the working folder: "mine.so" next to the scenario failed with "cannot open
// shared object file", and "libm.so.6" loaded the system's libm (any library of that name on
// LD_LIBRARY_PATH would have played the call).
TEST(PluginJitterBuffer, ANameWithoutASlashIsTheFileInTheWorkingFolder) {
  const auto dir = std::filesystem::temp_directory_path() / ("callsim_plugin_name_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(CALLSIM_JB_EXAMPLE_PLUGIN, dir / "mine.so",
                             std::filesystem::copy_options::overwrite_existing);
  {
    InFolder in(dir);
    auto jb = make_plugin("mine.so", "{}");
    EXPECT_EQ(dynamic_cast<PluginJitterBuffer&>(*jb).path(), (dir / "mine.so").string());
    try {
      make_plugin("libm.so.6", "{}");
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), (dir / "libm.so.6").string());
      EXPECT_NE(e.message().find("cannot load jitter-buffer plugin"), std::string::npos) << e.message();
    }
  }
  std::filesystem::remove_all(dir);
}

// The misbehaving test plugin (test_plugin/misbehaving_plugin.c) in `mode`, on 1 s of a stream
// delayed 25 ms (packet 30 lost when `lose`): the InputError's text ("" when none), its stats.
struct Misbehaved {
  std::string error;
  JitterStats stats;
  RunResult run;
};

Misbehaved misbehave(const std::string& mode, bool lose = false) {
  const auto sent = make_stream(harmonic_signal(kRate, 1.0), kRate, {});
  Misbehaved out;
  try {
    auto jb = make_plugin(CALLSIM_JB_MISBEHAVING_PLUGIN, R"({"mode": ")" + mode + R"("})");
    out.run = run(*jb,
                  deliver(sent, [lose](size_t i, sim::Timestamp) -> std::optional<sim::Duration> {
                    if (lose && i == 30) return std::nullopt;
                    return sim::Duration::millis(25);
                  }),
                  sim::Duration::seconds(1));
    out.stats = jb->stats();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), std::filesystem::path(CALLSIM_JB_MISBEHAVING_PLUGIN).lexically_normal().string());
    out.error = e.what();
  }
  return out;
}

#define EXPECT_REFUSED(mode_result, text) \
  EXPECT_NE((mode_result).error.find(text), std::string::npos) << "error: '" << (mode_result).error << "'"

TEST(PluginJitterBuffer, AnHonestPluginPassesEveryCheck) {
  const Misbehaved clean = misbehave("", true);
  EXPECT_EQ(clean.error, "");
  EXPECT_EQ(clean.stats.packets_received, 48u);  // 50 sent, one lost, the last one after the last pull
  EXPECT_EQ(clean.stats.concealment_events, 1u);
  EXPECT_GT(clean.stats.concealed_samples, 0u);
  // Full scale, and an overshoot up to +-2, is accepted as it is.
  const Misbehaved loud = misbehave("full_scale");
  EXPECT_EQ(loud.error, "");
  EXPECT_EQ(loud.run.frames.back().samples[2], 1.5f);
}

// NaN became silence (the call scored "no speech received" and passed); infinite and 1000x
// samples were taken as they were.
TEST(PluginJitterBuffer, AudioThatIsNotFiniteOrFarOutOfRangeIsRefused) {
  EXPECT_REFUSED(misbehave("nan"), "pull at 0.490 s returned sample NaN at index 17 (audio must be finite, in [-1, 1)");
  EXPECT_REFUSED(misbehave("inf"), "pull at 0.490 s returned sample -inf at index 0");
  EXPECT_REFUSED(misbehave("loud"), "pull at 0.490 s returned sample ");
}

// uint64 max discards became -1 in result.json, NaN delays went into the results, and a plugin
// could report no concealment after playing EXPAND frames.
TEST(PluginJitterBuffer, StatisticsTheCallCouldNotHaveProducedAreRefused) {
  EXPECT_REFUSED(misbehave("stats_discarded"),
                 "get_stats after the pull at 0.990 s reported packetsDiscarded 18446744073709551615, more than "
                 "the 49 packets inserted");
  EXPECT_REFUSED(misbehave("stats_nan_delay"), "reported jitterBufferDelay NaN (must be finite, >= 0");
  EXPECT_REFUSED(misbehave("stats_no_concealment", true), "reported concealedSamples 0 after 2 EXPAND frames");
  EXPECT_EQ(misbehave("stats_no_concealment").error, "");  // nothing concealed: 0 is right
  // What the host counts itself is the host's: packets handed to insert(), samples pulled.
  const Misbehaved counts = misbehave("stats_counts");
  EXPECT_EQ(counts.error, "");
  EXPECT_EQ(counts.stats.packets_received, 49u);
  EXPECT_EQ(counts.stats.total_samples_received, 100u * kRate / 100);
}

// A claimed playout timestamp is the frame's mouth-to-ear delay: 40 ms newer than what was played
// was 40 ms less delay; one on a SILENCE frame was -180 s.
TEST(PluginJitterBuffer, PlayoutTimestampsOfAudioNotDecodedAreRefused) {
  // The first packet (RTP 123456, 20 ms = 960 ticks) arrives at 25 ms and plays at the 30 ms pull.
  EXPECT_REFUSED(misbehave("shift"), "pull at 0.030 s claimed playout timestamp 125376, RTP time of no packet it "
                                     "had decoded (or rebuilt from FEC) by then");
  EXPECT_REFUSED(misbehave("claim_silence"),
                 "pull at 0.000 s claimed playout timestamp 0 for a SILENCE frame");
  // Packet 30 (RTP 123456 + 30 x 960) was lost: its concealment claimed it.
  EXPECT_REFUSED(misbehave("claim_concealed", true), "claimed playout timestamp 152256, RTP time of no packet");
}

// A write past the pull buffer went unseen (into the host's heap); per-tick delays of -20 ms or
// infinity went into timeline.csv and the plots as they were.
TEST(PluginJitterBuffer, AWritePastThePullBufferAndDelaysNoBufferHasAreRefused) {
  EXPECT_REFUSED(misbehave("overrun"),
                 "pull at 0.490 s wrote past the 160 samples it was given (at index 163): a buffer overrun");
  auto delays = [](const std::string& mode) {
    auto jb = make_plugin(CALLSIM_JB_MISBEHAVING_PLUGIN, R"({"mode": ")" + mode + R"("})");
    const auto sent = make_stream(harmonic_signal(kRate, 1.0), kRate, {});
    std::vector<double> seen;
    try {
      run(*jb, deliver(sent, [](size_t, sim::Timestamp) -> std::optional<sim::Duration> { return sim::Duration::millis(25); }),
          sim::Duration::seconds(1));
      seen = {jb->current_delay_ms(), jb->target_delay_ms()};
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string(std::isnan(seen[0]) && std::isnan(seen[1]) ? "NaN" : "taken");
  };
  EXPECT_EQ(delays(""), "taken");
  EXPECT_EQ(delays("delay_nan"), "NaN");  // unknown is allowed
  EXPECT_NE(delays("delay_negative").find("after the pull at 0.490 s current_delay_ms returned -20 ms (must be NaN "
                                          "for unknown, or finite, >= 0 and at most 60000)"),
            std::string::npos)
      << delays("delay_negative");
  EXPECT_NE(delays("delay_inf").find("current_delay_ms returned +inf ms"), std::string::npos);
}

TEST(PluginJitterBuffer, RunTimeFailuresNameTheLibraryAndTheCallTime) {
  EXPECT_REFUSED(misbehave("pull_fail"), "pull at 0.490 s failed: returned 5");
}

}  // namespace
}  // namespace callsim::jitter
