// DelayHistogram, ArrivalHistory, PeakDetector and DelayManager.
#include <gtest/gtest.h>

#include <cmath>

#include "jitter/arrival_history.h"
#include "jitter/delay_histogram.h"
#include "jitter/delay_manager.h"
#include "jitter/peak_detector.h"
#include "sim/random.h"

namespace callsim::jitter {
namespace {

// Uniform delays on [0, 100) ms: the q-quantile is 100 q. With forget factor 0.9993 the histogram
// holds an effective ~1/(1-f) = 1430 samples; the standard error of a quantile estimate of U(0,100)
// is 100 sqrt(q(1-q)/n) <= 1.3 ms, so 5 ms is ~4 standard errors (plus 1 ms bucket interpolation).
TEST(DelayHistogram, QuantilesOfAUniformDistribution) {
  DelayHistogram h(2.0, 200, 0.9993);
  sim::RandomStream r(3, "histogram");
  for (int i = 0; i < 20000; ++i) h.add(r.uniform(0, 100));
  for (double q : {0.5, 0.9, 0.95, 0.99}) EXPECT_NEAR(h.quantile(q), 100 * q, 5.0) << q;
  EXPECT_NEAR(h.mass_above(80), 0.2, 0.05);
}

// Until the forget factor is reached the histogram is a plain average of what it saw.
TEST(DelayHistogram, StartsAsAPlainAverage) {
  DelayHistogram h(10.0, 10, 0.9993);
  EXPECT_EQ(h.quantile(0.5), 0.0);
  h.add(5);
  h.add(15);
  h.add(25);
  h.add(35);
  EXPECT_DOUBLE_EQ(h.mass_above(20), 0.5);
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 20.0);  // two of four samples in [0, 20): edge of bucket 1
  EXPECT_DOUBLE_EQ(h.quantile(1.0), 40.0);
}

// After a switch from U(0,20) to U(0,100) the 95th percentile reaches the new distribution's
// once the new mass exceeds 5 % (n = ln(0.95)/ln(f) = 73 packets at f = 0.9993) and converges
// over ~1/(1-f); with forget 0.99 it adapts in a few hundred packets.
TEST(DelayHistogram, ForgetsTheOldDistribution) {
  DelayHistogram h(1.0, 200, 0.99);
  sim::RandomStream r(4, "forget");
  for (int i = 0; i < 2000; ++i) h.add(r.uniform(0, 20));
  EXPECT_NEAR(h.quantile(0.95), 19.0, 1.5);
  for (int i = 0; i < 600; ++i) h.add(r.uniform(0, 100));
  // Remaining old mass 0.99^600 = 0.24 %: the quantile is that of the new distribution.
  EXPECT_NEAR(h.quantile(0.95), 95.0, 4.0);
}

TEST(ArrivalHistory, DelayIsRelativeToTheFastestPacketInTheWindow) {
  ArrivalHistory h(48000, sim::Duration::seconds(2));
  // Packet k (20 ms, 960 samples) sent at 20k ms; delays 50, 40, 70 ms.
  EXPECT_DOUBLE_EQ(h.insert(0, sim::Timestamp::from_ms(50)), 0.0);
  EXPECT_DOUBLE_EQ(h.insert(960, sim::Timestamp::from_ms(60)), 0.0);  // new fastest
  EXPECT_DOUBLE_EQ(h.insert(1920, sim::Timestamp::from_ms(110)), 30.0);
  // Playing position 1920 at 140 ms: 140 - 40 (sent) - 40 (fastest delay) = 60 ms.
  EXPECT_DOUBLE_EQ(h.delay_ms(1920, sim::Timestamp::from_ms(140)), 60.0);
  EXPECT_EQ(h.time_for(1920, 60.0), sim::Timestamp::from_ms(140));
  // 2.5 s later the 40 ms packet has left the window; a 70 ms packet is the only reference.
  EXPECT_DOUBLE_EQ(h.insert(960 * 130, sim::Timestamp::from_ms(2600 + 70)), 0.0);
  EXPECT_DOUBLE_EQ(h.delay_ms(960 * 130, sim::Timestamp::from_ms(2700)), 30.0);
}

TEST(ArrivalHistory, FollowsClockDrift) {
  // The sender's clock runs 100 ppm fast: its timestamps advance 1.0001 x real time. Relative
  // delays stay within the drift accumulated over the 2 s window (0.2 ms).
  ArrivalHistory h(48000, sim::Duration::seconds(2));
  double worst = 0;
  for (int k = 0; k < 30000; ++k) {
    const int64_t position = k * 960;
    const auto arrival = sim::Timestamp::from_ms(20.0 * k / 1.0001 + 30);
    worst = std::max(worst, h.insert(position, arrival));
  }
  EXPECT_LT(worst, 0.21);
}

TEST(PeakDetector, TwoSpikesWithinTheMaxPeriodHoldTheTarget) {
  PeakDetector p;
  const auto t = [](double s) { return sim::Timestamp::from_ms(1000.0 * (s)); };
  p.update(300, 40, t(1.0));
  EXPECT_FALSE(p.peak_height_ms(t(1.1)));  // one spike is not a pattern
  p.update(250, 40, t(1.2));               // same spike (within 500 ms)
  p.update(90, 40, t(3.0));                // 90 < 2 x 40 + ... not a peak (needs > target + 60)
  EXPECT_FALSE(p.peak_height_ms(t(3.0)));
  p.update(280, 40, t(4.0));
  ASSERT_TRUE(p.peak_height_ms(t(4.0)));
  EXPECT_DOUBLE_EQ(*p.peak_height_ms(t(4.0)), 300.0);
  // Held while peaks keep coming: longest period 2.8 s, released 5.6 s after the last peak.
  EXPECT_TRUE(p.peak_height_ms(t(9.5)));
  EXPECT_FALSE(p.peak_height_ms(t(9.7)));
}

TEST(PeakDetector, SpikesFurtherApartThanTheMaxPeriodAreNoPattern) {
  PeakDetector p(sim::Duration::seconds(10));
  p.update(300, 40, sim::Timestamp::from_ms(1000.0 * (1)));
  p.update(300, 40, sim::Timestamp::from_ms(1000.0 * (12)));
  EXPECT_FALSE(p.peak_height_ms(sim::Timestamp::from_ms(1000.0 * (12))));
}

DelayManagerConfig manager_config() {
  DelayManagerConfig c;
  c.start_delay_ms = 80;
  c.max_delay_ms = 1000;
  return c;
}

TEST(DelayManager, StartDelayThenQuantileClampedToMinMax) {
  DelayManager m(manager_config());
  const auto t = sim::Timestamp::from_ms(1000.0 * (1));
  for (int i = 0; i < 24; ++i) m.packet_arrived(10, false, t);
  EXPECT_DOUBLE_EQ(m.target_delay_ms(t), 80.0);  // start delay until 25 packets
  m.packet_arrived(10, false, t);
  EXPECT_NEAR(m.target_delay_ms(t), 10.0, 2.0);  // all 10 ms: quantile in the 10 ms bucket
  DelayManagerConfig c = manager_config();
  c.min_delay_ms = 50;
  DelayManager clamped(c);
  for (int i = 0; i < 100; ++i) clamped.packet_arrived(10, false, t);
  EXPECT_DOUBLE_EQ(clamped.target_delay_ms(t), 50.0);
}

// Exponential relative delays with mean 20 ms: the 95th percentile is 20 ln 20 = 59.9 ms.
TEST(DelayManager, TargetIsTheConfiguredQuantile) {
  DelayManager m(manager_config());
  sim::RandomStream r(5, "delay-manager");
  const auto t = sim::Timestamp::from_ms(1000.0 * (1));
  for (int i = 0; i < 20000; ++i) m.packet_arrived(r.exponential(20), false, t);
  // Standard error at n_eff = 1430: sqrt(0.95 0.05 / 1430) / pdf(q95) = 0.0058 / 0.0025 = 2.3 ms.
  EXPECT_NEAR(m.target_delay_ms(t), 59.9, 8.0);
}

TEST(DelayManager, RepeatedSpikesRaiseTheTargetToTheSpikeHeight) {
  DelayManagerConfig c = manager_config();
  DelayManager with(c);
  c.peak_detection = false;
  DelayManager without(c);
  sim::RandomStream r(6, "spikes");
  sim::Timestamp t;
  for (int i = 0; i < 1500; ++i) {  // 30 s at 50 packets/s; a 400 ms spike every 3 s
    t = sim::Timestamp::from_ms(20.0 * i);
    const double d = (i % 150 == 0 && i > 0) ? 400.0 : r.uniform(0, 20);
    with.packet_arrived(d, false, t);
    without.packet_arrived(d, false, t);
  }
  EXPECT_DOUBLE_EQ(with.target_delay_ms(t), 400.0);
  EXPECT_LT(without.target_delay_ms(t), 25.0);
}

TEST(DelayManager, LatePacketsAboveTheMaxFractionRaiseTheTarget) {
  DelayManagerConfig c = manager_config();
  c.max_late_fraction = 0.02;
  DelayManager m(c);
  const auto t = sim::Timestamp::from_ms(1000.0 * (1));
  for (int i = 0; i < 200; ++i) m.packet_arrived(10, false, t);
  const double before = m.target_delay_ms(t);
  for (int i = 0; i < 500; ++i) m.packet_arrived(10, i % 10 == 0, t);  // 10 % late
  EXPECT_GT(m.late_rate(), 0.02);
  EXPECT_GT(m.target_delay_ms(t), before + 20.0);
  const double raised = m.target_delay_ms(t);
  for (int i = 0; i < 5000; ++i) m.packet_arrived(10, false, t);  // none late: margin decays
  EXPECT_LT(m.target_delay_ms(t), raised);
}

}  // namespace
}  // namespace callsim::jitter
