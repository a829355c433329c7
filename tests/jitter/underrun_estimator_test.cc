// UnderrunEstimator: interval maxima, their quantile, the robust floor, the start-up floor and
// the tail floor.
#include "jitter/underrun_estimator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/random.h"

namespace callsim::jitter {
namespace {

sim::Timestamp at_packet(int i) { return sim::Timestamp::from_ms(20.0 * i); }

UnderrunConfig plain() {
  UnderrunConfig c;
  c.robust_factor = 0;
  c.startup_intervals = 0;
  c.tail_sigmas = 0;
  return c;
}

// Only the tail floor (the quantile is far below it at quantile 0.5 of the maxima).
UnderrunConfig tail_only() {
  UnderrunConfig c = plain();
  c.quantile = 0.5;
  c.tail_sigmas = 3.8;
  return c;
}

TEST(UnderrunEstimator, RunningMaximumUntilTheFirstIntervalCloses) {
  UnderrunEstimator u(plain());
  EXPECT_FALSE(u.estimate_ms());
  u.add(12, at_packet(0));
  u.add(30, at_packet(1));
  u.add(5, at_packet(2));
  EXPECT_DOUBLE_EQ(*u.estimate_ms(), 30.0);
  EXPECT_EQ(u.intervals(), 0u);
  for (int i = 3; i <= 25; ++i) u.add(5, at_packet(i));  // packet 25 arrives 500 ms after packet 0
  EXPECT_EQ(u.intervals(), 1u);
  EXPECT_DOUBLE_EQ(*u.estimate_ms(), 30.0);  // the one closed maximum
}

// A path whose delays never vary is estimated at exactly 0, not at the histogram bucket's
// interpolated 0.95 x 2 ms.
TEST(UnderrunEstimator, ASteadyPathIsEstimatedAtZero) {
  UnderrunEstimator u(UnderrunConfig{});
  for (int i = 0; i < 1000; ++i) u.add(0.0, at_packet(i));
  EXPECT_DOUBLE_EQ(*u.estimate_ms(), 0.0);
}

// Normal delays N(50, 20) ms, 50 packets/s, 120 s: the 0.95 quantile of 25-packet maxima is the
// per-packet quantile 0.95^(1/25) = 0.997950, z = 2.870: 50 + 2.870 x 20 = 107.4 ms. Standard
// error with ~60 effective intervals of the maxima (sd ~0.43 x 20 ms): ~3 ms; asserted +-8 ms.
TEST(UnderrunEstimator, QuantileOfTheIntervalMaxima) {
  UnderrunEstimator u(plain());
  sim::RandomStream r(11, "underrun");
  for (int i = 0; i < 6000; ++i) u.add(r.normal(50, 20), at_packet(i));
  EXPECT_NEAR(*u.estimate_ms(), 107.4, 8.0);
}

// The robust floor: 1.2 x the 0.75 quantile of the maxima (0.75^(1/25) = 0.988559, z = 2.275:
// 1.2 x (50 + 45.5) = 114.6 ms) when that is above the plain quantile (107.4 ms).
TEST(UnderrunEstimator, RobustFloorAboveThePlainQuantile) {
  UnderrunConfig c = plain();
  c.robust_factor = 1.2;
  UnderrunEstimator u(c);
  sim::RandomStream r(11, "underrun");
  for (int i = 0; i < 6000; ++i) u.add(r.normal(50, 20), at_packet(i));
  EXPECT_NEAR(*u.estimate_ms(), 114.6, 8.0);
}

// Start-up (first 4 intervals): at least 5.5 standard deviations of the delays seen, so the first
// packets of a jittery path already give a target that the rest of the call will not exceed;
// a steady path has none.
TEST(UnderrunEstimator, StartUpFloorFromTheSpreadOfTheFirstPackets) {
  UnderrunConfig c;
  c.tail_sigmas = 0;
  UnderrunEstimator u(c);
  sim::RandomStream r(12, "startup");
  for (int i = 0; i < 30; ++i) u.add(std::max(0.0, r.normal(60, 25)), at_packet(i));
  const double e = *u.estimate_ms();
  EXPECT_GT(e, 5.5 * 25 * 0.7);  // sample sd of 30 draws is within 30 % of 25 with p > 0.99
  EXPECT_LT(e, 5.5 * 25 * 1.3);
  UnderrunEstimator steady(UnderrunConfig{});
  for (int i = 0; i < 30; ++i) steady.add(0.0, at_packet(i));
  EXPECT_DOUBLE_EQ(*steady.estimate_ms(), 0.0);
}

// Settling: the estimate rests on fewer than 12 start-up packets (the buffer only grows its delay
// in the leading silence then); from the 12th packet, or once the start-up is over, it does not.
TEST(UnderrunEstimator, SettlingUntilTwelveStartUpPackets) {
  UnderrunEstimator u(UnderrunConfig{});
  for (int i = 0; i < 11; ++i) {
    u.add(40, at_packet(i));
    EXPECT_TRUE(u.settling()) << i;
  }
  u.add(40, at_packet(11));
  EXPECT_FALSE(u.settling());
  UnderrunConfig no_startup;
  no_startup.startup_intervals = 0;
  UnderrunEstimator v(no_startup);
  v.add(40, at_packet(0));
  EXPECT_FALSE(v.settling());
}

// Every 20 ms packet is one sample, but forgetting is per packet: the same distribution sent at
// 100 packets/s gives the same estimate once each interval holds 50 packets: the quantile of
// 50-packet maxima is higher (0.95^(1/50) = 0.998975, z = 3.084: 111.7 ms).
TEST(UnderrunEstimator, IntervalsAreArrivalTime) {
  UnderrunEstimator u(plain());
  sim::RandomStream r(13, "rate");
  for (int i = 0; i < 12000; ++i) u.add(r.normal(50, 20), sim::Timestamp::from_ms(10.0 * i));
  EXPECT_NEAR(*u.estimate_ms(), 111.7, 8.0);
}

// Tail floor on normal delays N(60, 25) ms: after 10 s (500 packets) the estimate is at least
// mean + 3.8 sd = 155 ms, the largest delay a buffer should expect over some minutes, above the
// largest of these 500 (about mean + 3 sd). The
// sample mean and sd of 500 draws are within +-3.4 and +-2.3 ms (3 standard errors); the
// difference-based sd within ~3.5 ms: asserted +-12 ms. The cap (largest + 1 sd) is not reached:
// the largest of 500 normal draws is 2.6 to 3.6 sd above the mean with p > 0.99.
TEST(UnderrunEstimator, TailFloorIsANormalTailFittedToTheRecentDelays) {
  UnderrunEstimator u(tail_only());
  sim::RandomStream r(21, "tail");
  double largest = 0;
  for (int i = 0; i < 500; ++i) {
    const double d = std::max(0.0, r.normal(60, 25));
    largest = std::max(largest, d);
    u.add(d, at_packet(i));
  }
  EXPECT_NEAR(*u.estimate_ms(), 60 + 3.8 * 25, 12.0);
  EXPECT_GT(*u.estimate_ms(), largest);
}

// Uniform delays 35..75 ms (sd 11.5 ms) end at 75: the normal term (55 + 3.8 x 11.5 = 99 ms)
// would be 24 ms above any delay the path has; the cap holds the floor at the largest delay
// seen + 1 sd (~86.5 ms). Sample sd of 500 uniform draws within +-1 ms; asserted +-3 ms.
TEST(UnderrunEstimator, TailFloorOfAShortTailedPathIsCappedAboveItsLargestDelay) {
  UnderrunEstimator u(tail_only());
  sim::RandomStream r(22, "uniform");
  double largest = 0;
  for (int i = 0; i < 500; ++i) {
    const double d = 35.0 + 40.0 * r.uniform();
    largest = std::max(largest, d);
    u.add(d, at_packet(i));
  }
  EXPECT_NEAR(*u.estimate_ms(), largest + 40.0 / std::sqrt(12.0), 3.0);
}

// A delay ramp (40 -> 140 ms over 10 s) with +-2 ms of uniform jitter: the plain sd of the
// window is ~29 ms, the packet-to-packet sd ~1.2 ms; the floor follows the jitter, not the ramp
// (mean 90 + 3.8 x 29 = 200 ms would be 60 ms above every delay). Asserted: within 8 ms of the
// largest delay.
TEST(UnderrunEstimator, TailFloorIgnoresASlowTrend) {
  UnderrunEstimator u(tail_only());
  sim::RandomStream r(23, "ramp");
  double largest = 0;
  for (int i = 0; i < 500; ++i) {
    const double d = 40.0 + 100.0 * i / 500.0 + 4.0 * (r.uniform() - 0.5);
    largest = std::max(largest, d);
    u.add(d, at_packet(i));
  }
  EXPECT_LT(*u.estimate_ms(), largest + 8.0);
}

// The window is the last 500 packets: a jittery first minute is forgotten 500 packets after the
// path turned steady, and a steady path has no floor at all.
TEST(UnderrunEstimator, TailFloorForgetsAfterItsWindow) {
  UnderrunConfig c = tail_only();
  c.forget_factor = 0.99;  // the histogram forgets fast too
  UnderrunEstimator u(c);
  sim::RandomStream r(24, "forget");
  int i = 0;
  for (; i < 3000; ++i) u.add(std::max(0.0, r.normal(60, 25)), at_packet(i));
  EXPECT_GT(*u.estimate_ms(), 130.0);
  for (int k = 0; k < 499; ++k, ++i) u.add(10.0, at_packet(i));
  EXPECT_GT(*u.estimate_ms(), 11.0);  // one jittery delay is still in the window
  u.add(10.0, at_packet(i++));
  EXPECT_NEAR(*u.estimate_ms(), 10.0, 2.0);  // the histogram's 2 ms bucket
}

TEST(UnderrunEstimator, RejectsBadSettings) {
  UnderrunConfig c;
  c.quantile = 1.0;
  EXPECT_THROW(UnderrunEstimator{c}, std::invalid_argument);
  c = UnderrunConfig{};
  c.interval_ms = 0;
  EXPECT_THROW(UnderrunEstimator{c}, std::invalid_argument);
  c = UnderrunConfig{};
  c.tail_window = 1;
  EXPECT_THROW(UnderrunEstimator{c}, std::invalid_argument);
  c = UnderrunConfig{};
  c.tail_sigmas = -1;
  EXPECT_THROW(UnderrunEstimator{c}, std::invalid_argument);
}

}  // namespace
}  // namespace callsim::jitter
