// The plugin C ABI: the worked example (plugin_example/fixed_delay_plugin.c) loaded through
// make_jitter_buffer, and the loader's errors.
#include <gtest/gtest.h>

#include "common/error.h"
#include "jitter/jitter_buffer.h"
#include "jitter/plugin_jitter_buffer.h"
#include "jitter_test_support.h"

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
  try {
    make_plugin("libm.so.6", "{}");  // loads, but is no plugin
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "libm.so.6");
    EXPECT_NE(e.message().find("missing symbol callsim_jb_plugin_v1"), std::string::npos) << e.message();
  }
  try {
    make_plugin(CALLSIM_JB_EXAMPLE_PLUGIN, R"({"delay_ms": -5})");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), CALLSIM_JB_EXAMPLE_PLUGIN);
    EXPECT_NE(e.message().find("rejected its config"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("delay_ms"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace callsim::jitter
