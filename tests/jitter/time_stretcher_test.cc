#include "jitter/time_stretcher.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "jitter_test_support.h"
#include "sim/random.h"

namespace callsim::jitter {
namespace {

constexpr int kRate = 48000;

double max_step(std::span<const float> x) {
  double m = 0;
  for (size_t i = 1; i < x.size(); ++i) m = std::max(m, std::abs(double(x[i]) - x[i - 1]));
  return m;
}

// A 160 Hz harmonic signal has a period of exactly 300 samples at 48 kHz.
TEST(TimeStretcher, FindsThePitchPeriod) {
  const TimeStretcher ts(kRate);
  for (double f0 : {100.0, 160.0, 250.0, 380.0}) {
    const auto x = testing::harmonic_signal(kRate, 0.03, f0);
    const auto p = ts.find_pitch(x);
    EXPECT_NEAR(p.lag, kRate / f0, 1.0) << f0;
    EXPECT_GT(p.correlation, 0.99) << f0;
  }
}

// Accelerate removes exactly one period and the result has no step larger than the largest
// sample-to-sample step of the input (plus 5 % for the cross-fade of slightly different periods).
TEST(TimeStretcher, AccelerateRemovesOnePeriodContinuously) {
  const TimeStretcher ts(kRate);
  const auto x = testing::harmonic_signal(kRate, 0.03, 160.0);
  const auto r = ts.accelerate(x, 0.0, false);
  ASSERT_TRUE(r.applied);
  EXPECT_FALSE(r.low_energy);
  EXPECT_EQ(r.change, 300);
  EXPECT_EQ(r.output.size(), x.size() - static_cast<size_t>(r.change));
  EXPECT_EQ(r.source.size(), r.output.size());
  EXPECT_LE(max_step(r.output), 1.05 * max_step(x));
  // The removed period is the one before the splice point: output after the cross-fade equals the
  // input one period later.
  for (size_t i = 720; i < r.output.size(); ++i) ASSERT_EQ(r.output[i], x[i + 300]);
}

TEST(TimeStretcher, PreemptiveExpandInsertsOnePeriodContinuously) {
  const TimeStretcher ts(kRate);
  const auto x = testing::harmonic_signal(kRate, 0.03, 200.0);
  const auto r = ts.preemptive_expand(x, 0.0);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.change, 240);
  EXPECT_EQ(r.output.size(), x.size() + 240);
  EXPECT_LE(max_step(r.output), 1.05 * max_step(x));
  for (size_t i = 0; i < 720; ++i) ASSERT_EQ(r.output[i], x[i]);
  for (size_t i = 720 + 240; i < r.output.size(); ++i) ASSERT_EQ(r.output[i], x[i - 240]);
}

// A multi-period preemptive expand (growth inside a talkspurt) inserts as many whole periods as
// fit in max_change and the splice point, in one continuous splice: one delay step instead of one
// per period (each step inside an utterance is one more delay change for the listener and P.862).
TEST(TimeStretcher, MultiPeriodPreemptiveExpandInsertsWholePeriodsUpToTheLimit) {
  const TimeStretcher ts(kRate);
  const auto x = testing::harmonic_signal(kRate, 0.03, 200.0);  // 240-sample period, splice at 720
  EXPECT_EQ(ts.preemptive_expand(x, 0.0, 720, false, false).change, 240);
  for (const auto& [limit, want] : {std::pair{720, 720}, std::pair{600, 480}, std::pair{400, 240}}) {
    const auto r = ts.preemptive_expand(x, 0.0, limit, false, true);
    ASSERT_TRUE(r.applied) << limit;
    EXPECT_EQ(r.change, want) << limit;
    EXPECT_EQ(r.output.size(), x.size() + static_cast<size_t>(want));
    EXPECT_LE(max_step(r.output), 1.05 * max_step(x)) << limit;
    for (size_t i = 0; i < 720; ++i) ASSERT_EQ(r.output[i], x[i]);
    for (size_t i = 720 + static_cast<size_t>(want); i < r.output.size(); ++i) ASSERT_EQ(r.output[i], x[i - want]);
  }
  EXPECT_FALSE(ts.preemptive_expand(x, 0.0, 200, false, true).applied);  // the period itself is too long
}

// A buffer running low has 20 ms, not 30 ms, of decoded audio: the splice point moves to 10 ms
// and periods up to 10 ms are found (voices above 100 Hz); below 20 ms nothing is attempted.
TEST(TimeStretcher, WorksOnTwentyMillisecondsWithShorterPeriods) {
  const TimeStretcher ts(kRate);
  EXPECT_EQ(ts.min_input_samples(), 960);
  const auto x = testing::harmonic_signal(kRate, 0.02, 200.0);  // 240-sample period
  const auto r = ts.preemptive_expand(x, 0.0);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.change, 240);
  EXPECT_EQ(r.output.size(), 960u + 240u);
  EXPECT_LE(max_step(r.output), 1.05 * max_step(x));
  for (size_t i = 0; i < 480; ++i) ASSERT_EQ(r.output[i], x[i]);
  for (size_t i = 480 + 240; i < r.output.size(); ++i) ASSERT_EQ(r.output[i], x[i - 240]);
  const auto a = ts.accelerate(x, 0.0, false);
  ASSERT_TRUE(a.applied);
  EXPECT_EQ(a.change, 240);
  EXPECT_THROW(ts.preemptive_expand(std::span(x).first(959), 0.0), std::invalid_argument);
}

TEST(TimeStretcher, FastAccelerateRemovesAllWholePeriodsThatFit) {
  const TimeStretcher ts(kRate);
  const auto x = testing::harmonic_signal(kRate, 0.03, 200.0);  // 240-sample period
  const auto r = ts.accelerate(x, 0.0, true);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.change, 720);  // 3 periods in 15 ms
  EXPECT_LE(max_step(r.output), 1.05 * max_step(x));
  const auto limited = ts.accelerate(x, 0.0, true, 500);
  EXPECT_EQ(limited.change, 480);                           // only what max_change allows
  EXPECT_FALSE(ts.accelerate(x, 0.0, false, 200).applied);  // one period is already too much
}

TEST(TimeStretcher, LeavesLoudNoiseAloneButStretchesQuietNoise) {
  const TimeStretcher ts(kRate);
  sim::RandomStream r(9, "noise");
  std::vector<float> loud(1440), quiet(1440);
  for (size_t i = 0; i < loud.size(); ++i) {
    loud[i] = static_cast<float>(0.3 * r.normal());
    quiet[i] = static_cast<float>(0.001 * r.normal());
  }
  EXPECT_FALSE(ts.accelerate(loud, 0.001, false).applied);
  EXPECT_FALSE(ts.preemptive_expand(loud, 0.001).applied);
  const auto a = ts.accelerate(quiet, 0.001, false);  // 0 dB above the background: quiet
  ASSERT_TRUE(a.applied);
  EXPECT_TRUE(a.low_energy);
  EXPECT_EQ(a.output.size(), quiet.size() - static_cast<size_t>(a.change));
}

}  // namespace
}  // namespace callsim::jitter
