// DelaySpread: the sliding window's mean, trend-robust sd and largest value, against the same
// figures computed directly from the values (two-pass, in double).
#include "jitter/delay_spread.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

#include "sim/random.h"

namespace callsim::jitter {
namespace {

struct Direct {
  double mean, sd, max;
};

Direct direct(const std::deque<double>& v) {
  double mean = 0, ss = 0, ds = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) ss += (x - mean) * (x - mean);
  for (size_t i = 1; i < v.size(); ++i) ds += (v[i] - v[i - 1]) * (v[i] - v[i - 1]);
  const double var = ss / static_cast<double>(v.size());
  const double var_diff = ds / static_cast<double>(v.size() - 1) / 2.0;
  return {mean, std::sqrt(std::min(var, var_diff)), *std::max_element(v.begin(), v.end())};
}

// 20000 values (forty windows) of normal jitter on a slow sine, whole microseconds so the
// integer sums are exact: mean, sd and max match the direct figures to 1e-9 ms at every 997th
// step, also long after the first values left (no drift in the running sums).
TEST(DelaySpread, MatchesTheDirectFiguresOverASlidingWindow) {
  DelaySpread s(500, 2500);
  std::deque<double> window;
  sim::RandomStream r(31, "spread");
  for (int i = 0; i < 20000; ++i) {
    const double raw = 80 + 30 * std::sin(i / 700.0) + r.normal(0, 15);
    const double v = std::round(std::clamp(raw, 0.0, 2500.0) * 1000.0) / 1000.0;
    s.add(v);
    window.push_back(v);
    if (window.size() > 500) window.pop_front();
    if (i % 997 == 0 && window.size() >= 2) {
      const Direct d = direct(window);
      ASSERT_EQ(s.size(), window.size());
      EXPECT_NEAR(s.mean_ms(), d.mean, 1e-9) << i;
      EXPECT_NEAR(s.sd_ms(), d.sd, 1e-6) << i;
      EXPECT_DOUBLE_EQ(s.max_ms(), d.max) << i;
    }
  }
}

// The sd is the smaller of the plain and the successive-difference one: a pure ramp has a plain
// sd of range / sqrt(12) but differences of one step; alternating values have the reverse.
TEST(DelaySpread, SdIgnoresATrendButNotAlternation) {
  DelaySpread ramp(500, 2500);
  for (int i = 0; i < 500; ++i) ramp.add(40.0 + 0.2 * i);  // 40 -> 139.8 ms
  EXPECT_NEAR(ramp.sd_ms(), 0.2 / std::sqrt(2.0), 1e-9);  // plain sd 28.9 ms
  DelaySpread alternating(500, 2500);
  for (int i = 0; i < 500; ++i) alternating.add(i % 2 ? 70.0 : 50.0);
  EXPECT_NEAR(alternating.sd_ms(), 10.0, 1e-9);  // plain sd 10; differences 20 / sqrt 2 = 14.1
}

TEST(DelaySpread, ClampsAndRejectsBadSettings) {
  DelaySpread s(10, 100);
  s.add(-5);
  s.add(250);
  s.add(std::nan(""));
  EXPECT_DOUBLE_EQ(s.max_ms(), 100.0);
  EXPECT_NEAR(s.mean_ms(), 100.0 / 3, 1e-12);
  EXPECT_THROW(DelaySpread(1, 100), std::invalid_argument);
  EXPECT_THROW(DelaySpread(2001, 100), std::invalid_argument);
  EXPECT_THROW(DelaySpread(10, 0), std::invalid_argument);
  EXPECT_THROW(DelaySpread(10, 60001), std::invalid_argument);
}

}  // namespace
}  // namespace callsim::jitter
