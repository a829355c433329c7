// PlayoutQueue and StatsRecorder.
#include <gtest/gtest.h>

#include "jitter/playout_queue.h"
#include "jitter/stats_recorder.h"

namespace callsim::jitter {
namespace {

TEST(PlayoutQueue, ReplaceHeadCarriesProvenance) {
  PlayoutQueue q;
  const std::vector<float> a = {1, 2, 3, 4};
  q.append_decoded(a, 100, sim::Timestamp::from_ms(1), SampleKind::kNormal);
  q.append_synthetic(std::vector<float>{9}, SampleKind::kExpand);
  // Drop sample 1 (as an accelerate would), splice the cross-fade at index 1.
  const std::vector<float> out = {1, 2.5f, 4};
  const std::vector<int> src = {0, 2, 3};
  const std::vector<uint8_t> spliced = {0, 1, 0};
  q.replace_head(4, out, src, spliced, SampleKind::kAccelerate);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q.metas()[1].position, 102);
  EXPECT_EQ(q.metas()[1].kind, SampleKind::kAccelerate);
  EXPECT_EQ(q.metas()[2].kind, SampleKind::kNormal);
  EXPECT_EQ(q.metas()[3].kind, SampleKind::kExpand);
  std::vector<float> s;
  std::vector<SampleMeta> m;
  q.pop(2, s, m);
  EXPECT_EQ(s, (std::vector<float>{1, 2.5f}));
  EXPECT_EQ(frame_type(m), PlayoutFrame::kAccelerate);
  EXPECT_EQ(q.samples()[0], 4.0f);
}

std::vector<SampleMeta> metas(size_t n, SampleKind kind, int64_t arrival_ns = -1) {
  return std::vector<SampleMeta>(n, SampleMeta{arrival_ns >= 0 ? 0 : -1, arrival_ns, kind});
}

TEST(StatsRecorder, CountsConcealmentEventsInterruptionsAndDelay) {
  StatsRecorder r(1000);  // 1 kHz: 10 samples per 10 ms frame, 1 sample = 1 ms
  r.dtx_seen();           // a stream with DTX: its comfort noise is not concealment
  const auto t = [](int ms) { return sim::Timestamp::from_ms(ms); };
  // Each frame's own delay comes back (frames.csv jitter_buffer_delay_ms): none without decoded audio.
  EXPECT_EQ(r.frame_emitted(t(100), metas(10, SampleKind::kNormal, 60000000), 40), 40.0);  // waited 40 ms
  EXPECT_EQ(r.frame_emitted(t(110), metas(10, SampleKind::kExpand), 40), std::nullopt);
  EXPECT_EQ(r.frame_emitted(t(120), metas(10, SampleKind::kNormal, 60000000), 40), 60.0);  // waited 60 ms
  // 160 ms of concealment (the last part silent): one event and one interruption.
  for (int i = 0; i < 16; ++i)
    r.frame_emitted(t(130 + 10 * i), metas(10, i < 10 ? SampleKind::kExpand : SampleKind::kExpandSilent), 40);
  r.frame_emitted(t(300), metas(10, SampleKind::kComfortNoise), 40);
  const JitterStats s = r.stats();
  EXPECT_EQ(s.concealment_events, 2u);
  EXPECT_EQ(s.concealed_samples, 170u);
  EXPECT_EQ(s.silent_concealed_samples, 60u);
  EXPECT_EQ(s.interruption_count, 1u);
  EXPECT_DOUBLE_EQ(s.total_interruption_duration_s, 0.16);
  EXPECT_EQ(s.comfort_noise_samples, 10u);
  EXPECT_EQ(s.total_samples_received, 200u);
  EXPECT_EQ(s.jitter_buffer_emitted_count, 20u);
  EXPECT_NEAR(s.mean_delay_ms(), 50.0, 1e-9);
  EXPECT_NEAR(s.jitter_buffer_target_delay_s, 20 * 0.040, 1e-12);
  EXPECT_DOUBLE_EQ(s.jitter_buffer_delay_p95_ms, 60.0);  // frames of 40 and 60 ms: nearest rank, the 2nd of 2
}

// On a stream without DTX every frame was sent: comfort noise played in a gap stands for lost or
// late packets, silent concealment (it was counted as DTX comfort noise, so a call with losses in
// one side's pauses read concealed_ratio 0). A stream's first DTX pause is only known for one when
// the packet after it arrives: the run is decided when it ends.
TEST(StatsRecorder, ComfortNoiseIsSilentConcealmentUnlessTheStreamUsesDtx) {
  const auto t = [](int ms) { return sim::Timestamp::from_ms(ms); };
  StatsRecorder r(1000);
  r.frame_emitted(t(100), metas(10, SampleKind::kNormal, 60000000), 40);
  for (int i = 0; i < 10; ++i) r.frame_emitted(t(110 + 10 * i), metas(10, SampleKind::kExpand), 40);
  for (int i = 0; i < 10; ++i) r.frame_emitted(t(210 + 10 * i), metas(10, SampleKind::kComfortNoise), 40);
  JitterStats s = r.stats();  // the run is still playing: counted as what it is so far
  EXPECT_EQ(s.concealed_samples, 200u);
  EXPECT_EQ(s.silent_concealed_samples, 100u);
  EXPECT_EQ(s.concealment_events, 1u);  // the comfort noise continues the decoder's concealment
  EXPECT_EQ(s.comfort_noise_samples, 0u);
  EXPECT_EQ(s.interruption_count, 1u);  // and has lasted 200 ms: an interruption already
  EXPECT_DOUBLE_EQ(s.total_interruption_duration_s, 0.2);
  r.frame_emitted(t(310), metas(10, SampleKind::kNormal, 300000000), 40);
  s = r.stats();
  EXPECT_EQ(s.concealment_events, 1u);
  EXPECT_EQ(s.interruption_count, 1u);  // 200 ms of concealment ended by a decoded frame
  EXPECT_DOUBLE_EQ(s.total_interruption_duration_s, 0.2);
  EXPECT_EQ(s.total_samples_received, 220u);

  // The packet after the pause shows DTX: the same run is the sender's silence, not concealment.
  StatsRecorder d(1000);
  d.frame_emitted(t(100), metas(10, SampleKind::kNormal, 60000000), 40);
  for (int i = 0; i < 30; ++i) d.frame_emitted(t(110 + 10 * i), metas(10, SampleKind::kComfortNoise), 40);
  d.dtx_seen();
  d.frame_emitted(t(410), metas(10, SampleKind::kNormal, 400000000), 40);
  s = d.stats();
  EXPECT_EQ(s.comfort_noise_samples, 300u);
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_EQ(s.concealment_events, 0u);
  EXPECT_EQ(s.interruption_count, 0u);
}

// A call that ends in concealment (the link died before the end) read interruptionCount 0 however
// long the concealment was: an event was counted only when decoded audio ended it. An event still
// playing when the stats are read counts once it has lasted 150 ms, with the duration so far.
TEST(StatsRecorder, AConcealmentEventStillPlayingIsAnInterruptionOnceItLasted150Ms) {
  const auto t = [](int ms) { return sim::Timestamp::from_ms(ms); };
  StatsRecorder r(1000);
  r.frame_emitted(t(100), metas(10, SampleKind::kNormal, 60000000), 40);
  for (int i = 0; i < 14; ++i) r.frame_emitted(t(110 + 10 * i), metas(10, SampleKind::kExpand), 40);
  EXPECT_EQ(r.stats().interruption_count, 0u);  // 140 ms so far: not yet
  r.frame_emitted(t(250), metas(10, SampleKind::kExpandSilent), 40);
  JitterStats s = r.stats();
  EXPECT_EQ(s.concealment_events, 1u);
  EXPECT_EQ(s.interruption_count, 1u);
  EXPECT_DOUBLE_EQ(s.total_interruption_duration_s, 0.15);
  // Reading the stats changes nothing: the event ends once, counted once with its whole length.
  for (int i = 0; i < 5; ++i) r.frame_emitted(t(260 + 10 * i), metas(10, SampleKind::kExpand), 40);
  r.frame_emitted(t(310), metas(10, SampleKind::kNormal, 300000000), 40);
  s = r.stats();
  EXPECT_EQ(s.interruption_count, 1u);
  EXPECT_DOUBLE_EQ(s.total_interruption_duration_s, 0.2);
  // Concealment before the first decoded audio is no interruption (the call had not started).
  StatsRecorder before(1000);
  for (int i = 0; i < 30; ++i) before.frame_emitted(t(10 * i), metas(10, SampleKind::kExpand), 40);
  EXPECT_EQ(before.stats().interruption_count, 0u);
}

}  // namespace
}  // namespace callsim::jitter
