// The adaptive buffer end to end on the situations of issue 12 (fake codec, 16 kHz): start-up,
// i.i.d. jitter with leading silence, a delay ramp, FEC on a lossy steady path, and no comfort
// noise inside speech on a stream without DTX. Counts that can fail, from fixed seeds.
#include <gtest/gtest.h>

#include <algorithm>

#include "jitter/adaptive_jitter_buffer.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<AdaptiveJitterBuffer> make_adaptive(const AdaptiveJitterConfig& c = {}) {
  AdaptiveDependencies deps = make_adaptive_dependencies(c, kRate);
  deps.fec_probe = fake_has_fec;
  return std::make_unique<AdaptiveJitterBuffer>(c, std::make_unique<FakeDecoder>(kRate), kRate, std::move(deps));
}

// 150 ms of silence, then 1.6 s talkspurts with 0.4 s pauses (like the jb-frontier speech).
std::vector<float> speech_like(double seconds) {
  std::vector<float> x(static_cast<size_t>(0.15 * kRate), 0.0f);
  const auto talk = talkspurt_signal(kRate, seconds - 0.15, 1.6, 0.4);
  x.insert(x.end(), talk.begin(), talk.end());
  return x;
}

// Delay N(mean, sd) ms floored at 5 ms (the jb-frontier generator's jitter traces).
DelayFn normal_floored(double mean_ms, double sd_ms, uint64_t seed) {
  auto rng = std::make_shared<sim::RandomStream>(seed, "test/jitter-trace");
  return [=](size_t, sim::Timestamp) {
    return std::optional(sim::Duration::from_ms(std::max(5.0, rng->normal(mean_ms, sd_ms))));
  };
}

// Concealment events (stalls) that start after `from`.
int stalls_after(const RunResult& r, sim::Timestamp from) {
  int n = 0;
  for (size_t i = 1; i < r.frames.size(); ++i)
    if (r.times[i] >= from && r.frames[i].type == PlayoutFrame::kExpand &&
        r.frames[i - 1].type != PlayoutFrame::kExpand)
      ++n;
  return n;
}

// A steady path: the first packet plays one packet (20 ms) deep; the first pause brings the delay
// down to the floor the 10 ms playout ticks allow (arrivals 5 ms before a tick: 5 ms).
TEST(AdaptiveBehaviour, SteadyPathStartsOnePacketDeepAndSettlesInTheFirstPause) {
  const auto sent = make_stream(speech_like(6.0), kRate, {});
  auto jb = make_adaptive();
  const auto r = run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(35); }),
                     sim::Duration::seconds(6));
  EXPECT_NEAR(r.delay_ms[20], 20.0, 1.0);  // 0.2 s, first talkspurt
  EXPECT_GE(r.delay_ms[400], 5.0);  // 4 s, after the pause at 1.75-2.15 s: at the floor, or within
  EXPECT_LE(r.delay_ms[400], 8.0);  // the smallest splice (2.5 ms) + 1 ms safety of it
  EXPECT_EQ(jb->stats().concealment_events, 0u);
}

// i.i.d. N(50, 20) ms jitter (issue 12: the old buffer ran dry four times in 10 s on it). Ten
// calls of 10 s with different seeds: stalls after the first 0.5 s, measured 17 in total (1.7 per
// call, most in the first talkspurt while the target is still being learned); asserted <= 25.
TEST(AdaptiveBehaviour, JitterWithLeadingSilenceRarelyRunsDry) {
  const auto sent = make_stream(speech_like(10.0), kRate, {});
  int stalls = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto jb = make_adaptive();
    const auto r = run(*jb, deliver(sent, normal_floored(50, 20, seed)), sim::Duration::seconds(10));
    stalls += stalls_after(r, sim::Timestamp::from_ms(500));
  }
  EXPECT_LE(stalls, 25);
  RecordProperty("stalls_in_10_calls", std::to_string(stalls));
}

// The dev set's ramp: 40 ms, rising to 140 ms from 1 s to 4 s, back to 40 ms by 7 s. Inside a
// talkspurt the delay grows by a pitch period whenever the running-dry margin falls under 5 ms
// and the target is above the delay. Before issue 12's second round it grew only by the few ms
// the removal headroom (up to 10 ms above the running-dry margin) lacked, which no pitch period
// fits: 7 stalls here. Now one is left, at 1.68 s: the first 0.7 s of the rise, before the target
// has risen above the delay (measured; asserted at most 1).
TEST(AdaptiveBehaviour, ARampIsFollowedWithAtMostOneStall) {
  const auto sent = make_stream(speech_like(10.0), kRate, {});
  const DelayFn ramp = [](size_t, sim::Timestamp t) {
    const double s = t.to_seconds();
    double d = 40;
    if (s > 1 && s <= 4) d = 40 + 100 * (s - 1) / 3;
    if (s > 4 && s < 7) d = 140 - 100 * (s - 4) / 3;
    return std::optional(sim::Duration::from_ms(d));
  };
  auto jb = make_adaptive();
  run(*jb, deliver(sent, ramp), sim::Duration::seconds(10));
  EXPECT_LE(jb->stats().concealment_events, 1u);
  RecordProperty("stalls", std::to_string(jb->stats().concealment_events));
}

// The dev set's spike inside a talkspurt: 40 ms, the packet sent at 4.4 s takes 390 ms and the 17
// behind it queue and arrive in one burst with it. The stall is heard as a dropout either way;
// after it the buffer skips the stale audio and plays on at its pre-spike delay, instead of
// playing the burst 350 ms late until the next pause (as before: mean delay 351 ms over 5.0-5.6 s).
TEST(AdaptiveBehaviour, AfterADelaySpikeTheQueuedBurstIsSkipped) {
  const auto sent = make_stream(speech_like(8.0), kRate, {});
  auto jb = make_adaptive();
  const auto r = run(*jb,
                     deliver(sent,
                             [](size_t, sim::Timestamp t) {
                               const double s = t.to_seconds(), late = 390 - 1000 * (s - 4.4);
                               return std::optional(sim::Duration::from_ms(s >= 4.4 - 1e-9 ? std::max(40.0, late) : 40));
                             }),
                     sim::Duration::seconds(8));
  std::vector<double> before(r.delay_ms.begin() + 380, r.delay_ms.begin() + 440);  // 3.8-4.4 s
  std::vector<double> after(r.delay_ms.begin() + 500, r.delay_ms.begin() + 560);   // 5.0-5.6 s
  EXPECT_LE(mean(after), mean(before) + 25.0);
  EXPECT_GE(jb->stats().packets_discarded, 10u);
  RecordProperty("delay_before_ms", std::to_string(mean(before)));
  RecordProperty("delay_after_ms", std::to_string(mean(after)));
}

// 40 ms steady path, every 25th packet lost, FEC on: the buffer holds one packet of headroom
// from the first FEC packet on, so every loss is rebuilt from FEC and nothing is concealed.
TEST(AdaptiveBehaviour, FecRebuildsEveryIsolatedLossOnASteadyPath) {
  StreamOptions opt;
  opt.fec = true;
  const auto sent = make_stream(speech_like(10.0), kRate, opt);
  auto jb = make_adaptive();
  int lost = 0;
  run(*jb,
      deliver(sent,
              [&](size_t i, sim::Timestamp) -> std::optional<sim::Duration> {
                if (i % 25 == 24) {
                  lost += i < 490;  // the last one, 20 ms before the end, is never due
                  return std::nullopt;
                }
                return sim::Duration::millis(40);
              }),
      sim::Duration::seconds(10));
  const auto s = jb->stats();
  EXPECT_EQ(s.fec_packets_used, static_cast<uint64_t>(lost));
  EXPECT_EQ(s.concealment_events, 0u);
  EXPECT_LE(jb->target_delay_ms(), 26.0);  // one packet (+ where arrivals land in the 10 ms grid)
}

// No DTX, 10 % loss, words separated by 150 ms gaps: losses in the gaps are concealed, never
// comfort noise (the old buffer switched to comfort noise whenever the last decoded block was
// quiet, so comfort noise appeared in the middle of sentences; only a silence as long as a DTX
// hangover, 200 ms, may be DTX).
TEST(AdaptiveBehaviour, NoComfortNoiseInsideSpeechWithoutDtx) {
  const auto signal = talkspurt_signal(kRate, 10.0, 0.5, 0.15);
  const auto sent = make_stream(signal, kRate, {});
  auto jb = make_adaptive();
  sim::RandomStream rng(31, "test/loss-in-pauses");
  run(*jb, deliver(sent, [&](size_t, sim::Timestamp) -> std::optional<sim::Duration> {
        if (rng.bernoulli(0.1)) return std::nullopt;
        return sim::Duration::millis(30);
      }),
      sim::Duration::seconds(10));
  const auto s = jb->stats();
  EXPECT_EQ(s.comfort_noise_samples, 0u);
  EXPECT_GT(s.concealed_samples, 0u);
}

}  // namespace
}  // namespace callsim::jitter
