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

sim::Timestamp at_packet(int i) { return sim::Timestamp::from_ms(20.0 * i); }

PacketArrivalInfo arrival(double delay_ms, sim::Timestamp t, bool late = false, bool fec = false) {
  PacketArrivalInfo p;
  p.relative_delay_ms = delay_ms;
  p.arrival = t;
  p.late = late;
  p.has_fec = fec;
  p.offset_ms = delay_ms;
  return p;
}

// The start delay holds until the first 500 ms interval closes; then the estimate of a steady path
// (relative delays all 10 ms) is 1.2 x 10 ms (the robust floor: 1.2 x the 75th percentile of the
// interval maxima, never above the largest), clamped to min_delay.
TEST(DelayManager, StartDelayThenTheEstimateClampedToMinMax) {
  DelayManager m(manager_config());
  EXPECT_DOUBLE_EQ(m.target_delay_ms(at_packet(0)), 80.0);
  for (int i = 0; i < 25; ++i) m.packet_arrived(arrival(10, at_packet(i)));
  EXPECT_DOUBLE_EQ(m.target_delay_ms(at_packet(24)), 80.0);  // first interval still open
  for (int i = 25; i < 100; ++i) m.packet_arrived(arrival(10, at_packet(i)));
  EXPECT_DOUBLE_EQ(m.target_delay_ms(at_packet(99)), 12.0);
  DelayManagerConfig c = manager_config();
  c.min_delay_ms = 50;
  DelayManager clamped(c);
  for (int i = 0; i < 100; ++i) clamped.packet_arrived(arrival(10, at_packet(i)));
  EXPECT_DOUBLE_EQ(clamped.target_delay_ms(at_packet(99)), 50.0);
}

// Exponential relative delays, mean 20 ms, 50 packets/s, after the 2 s start-up: the target is
// the 95th percentile of the per-500-ms maximum (25 packets), i.e. the per-packet quantile
// 0.95^(1/25) = 0.99795: 20 ln(1 / 0.00205) = 123.8 ms, unless 1.2 x the 75th percentile of the
// maxima (1.2 x 20 ln(1 / (1 - 0.75^(1/25))) = 1.2 x 89.5 = 107.4 ms) is higher (it is not).
// Standard error with ~60 effective intervals: about 6 ms; asserted within 15 ms.
TEST(DelayManager, TargetIsTheQuantileOfTheIntervalMaxima) {
  DelayManager m(manager_config());
  sim::RandomStream r(5, "delay-manager");
  for (int i = 0; i < 20000; ++i) m.packet_arrived(arrival(r.exponential(20), at_packet(i)));
  EXPECT_NEAR(m.target_delay_ms(at_packet(19999)), 123.8, 15.0);
}

// One spike far above the target (> 2 x target and > target + 60 ms) is ridden over: it does not
// enter the underrun estimate. Repeated spikes (every 3 s) hold the target at the spike height.
TEST(DelayManager, OneSpikeIsRiddenOverRepeatedSpikesRaiseTheTarget) {
  DelayManagerConfig c = manager_config();
  DelayManager with(c), once(c);
  c.peak_detection = false;
  DelayManager without(c);
  sim::RandomStream r(6, "spikes");
  for (int i = 0; i < 1500; ++i) {  // 30 s at 50 packets/s; a 400 ms spike every 3 s
    const double d = (i % 150 == 0 && i > 0) ? 400.0 : r.uniform(0, 20);
    with.packet_arrived(arrival(d, at_packet(i)));
    without.packet_arrived(arrival(d, at_packet(i)));
    once.packet_arrived(arrival(i == 750 ? 400.0 : d == 400.0 ? 10.0 : d, at_packet(i)));
  }
  EXPECT_DOUBLE_EQ(with.target_delay_ms(at_packet(1499)), 400.0);
  // Uniform 0..20 ms: the tail floor caps at the largest delay + 1 sd (20 + 5.8 ms).
  EXPECT_LT(once.target_delay_ms(at_packet(1499)), 27.0);
  EXPECT_GT(without.target_delay_ms(at_packet(1499)), 300.0);  // spikes in the estimate
}

TEST(DelayManager, LatePacketsAboveTheMaxFractionRaiseTheTarget) {
  DelayManagerConfig c = manager_config();
  c.max_late_fraction = 0.02;
  DelayManager m(c);
  int i = 0;
  for (; i < 200; ++i) m.packet_arrived(arrival(10, at_packet(i)));
  const double before = m.target_delay_ms(at_packet(i));
  for (int k = 0; k < 500; ++k, ++i) m.packet_arrived(arrival(10, at_packet(i), k % 10 == 0));  // 10 % late
  EXPECT_GT(m.late_rate(), 0.02);
  EXPECT_GT(m.target_delay_ms(at_packet(i)), before + 20.0);
  const double raised = m.target_delay_ms(at_packet(i));
  for (int k = 0; k < 5000; ++k, ++i) m.packet_arrived(arrival(10, at_packet(i)));  // none late: decays
  EXPECT_LT(m.target_delay_ms(at_packet(i)), raised);
}

// FEC margin (one packet, 20 ms): from the first packet carrying FEC (a sender that adds FEC
// expects losses), kept while frames go missing, gone 10 s after the last missing frame or 2 s
// after the last FEC packet; never without FEC, never when the buffer does not use it.
TEST(DelayManager, FecMarginWhileFecArrivesAndFramesGoMissing) {
  DelayManager m(manager_config());
  for (int i = 0; i < 50; ++i) m.packet_arrived(arrival(0, at_packet(i)));
  EXPECT_DOUBLE_EQ(m.fec_margin_ms(at_packet(50)), 0.0);
  m.packet_arrived(arrival(0, at_packet(50), false, true));
  EXPECT_DOUBLE_EQ(m.fec_margin_ms(at_packet(50)), 20.0);
  int i = 51;
  for (; i < 600; ++i) m.packet_arrived(arrival(0, at_packet(i), false, true));  // 11 s, no loss
  EXPECT_DOUBLE_EQ(m.fec_margin_ms(at_packet(i)), 0.0);
  m.frame_missing(at_packet(i));
  EXPECT_DOUBLE_EQ(m.fec_margin_ms(at_packet(i)), 20.0);
  EXPECT_DOUBLE_EQ(m.fec_margin_ms(at_packet(i + 101)), 0.0);  // no FEC packet for 2 s
  DelayManagerConfig c = manager_config();
  c.fec_margin = false;
  DelayManager off(c);
  off.packet_arrived(arrival(0, at_packet(0), false, true));
  off.frame_missing(at_packet(1));
  EXPECT_DOUBLE_EQ(off.fec_margin_ms(at_packet(1)), 0.0);
}

// A steady rise of the delay (a filling queue) adds slope x 2.5 s to the target (1.5 s before
// issue 12's second round: on the dev set's ramp the target then reached the height the rise
// needed only after the one pause in which it could be raised unheard).
TEST(DelayManager, ARisingDelayAddsTheTrendMargin) {
  DelayManager m(manager_config());
  for (int i = 0; i < 100; ++i) m.packet_arrived(arrival(0, at_packet(i)));
  EXPECT_DOUBLE_EQ(m.trend_margin_ms(), 0.0);
  // 40 ms/s for 2 s; relative delays stay small (the reference follows the ramp).
  for (int i = 100; i < 200; ++i) {
    PacketArrivalInfo p = arrival(0.8 * (i - 100) / 5.0, at_packet(i));
    p.offset_ms = 0.8 * (i - 100);
    m.packet_arrived(p);
  }
  EXPECT_NEAR(m.trend_margin_ms(), 100.0, 5.0);
}

// A queue spike in the second interval of arrivals (0.5-1 s) is already a peak and ridden over:
// counted in (as when peaks were only recognised after two intervals), it set the target of a
// congested path to the spike's height for the first seconds and held it there.
TEST(DelayManager, ASpikeInTheSecondIntervalIsAlreadyAPeak) {
  DelayManager m(manager_config());
  sim::RandomStream r(7, "early-spike");
  for (int i = 0; i < 150; ++i) {  // 3 s; the packets at 0.6 s queue 300 ms and drain
    const double d = (i >= 30 && i < 33) ? 300.0 - 20.0 * (i - 30) : r.uniform(0, 20);
    m.packet_arrived(arrival(d, at_packet(i)));
  }
  EXPECT_LT(m.target_delay_ms(at_packet(149)), 60.0);
}

}  // namespace
}  // namespace callsim::jitter
