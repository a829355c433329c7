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
  const auto t = [](int ms) { return sim::Timestamp::from_ms(ms); };
  r.frame_emitted(t(100), metas(10, SampleKind::kNormal, 60000000), 40);  // waited 40 ms
  r.frame_emitted(t(110), metas(10, SampleKind::kExpand), 40);
  r.frame_emitted(t(120), metas(10, SampleKind::kNormal, 60000000), 40);  // waited 60 ms
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
  EXPECT_DOUBLE_EQ(s.jitter_buffer_delay_p95_ms, 60.5);  // frames of 40 and 60 ms: p95 in the 60 ms bin
}

}  // namespace
}  // namespace callsim::jitter
