// SlackTracker: the headroom of a packet on the 10 ms playout grid, its minimum over a window,
// and how time stretching moves it.
#include "jitter/slack_tracker.h"

#include <gtest/gtest.h>

namespace callsim::jitter {
namespace {

sim::Timestamp ms(double v) { return sim::Timestamp::from_ms(v); }
sim::Duration dur(double v) { return sim::Duration::from_ms(v); }

// Taken 5 ms after it arrived with 1.9 ms queued: removing more than 1.9 ms makes it needed one
// tick (10 ms) earlier, when it was not there yet. 25 ms after arrival with nothing queued:
// 20 ms could go (two ticks earlier, still after it arrived).
TEST(SlackTracker, HeadroomOnThePlayoutGrid) {
  SlackTracker s;
  s.taken(ms(1000), ms(995), dur(1.9));
  EXPECT_NEAR(*s.headroom_ms(ms(1000)), 1.9, 1e-9);
  SlackTracker t;
  t.taken(ms(1000), ms(975), dur(0));
  EXPECT_NEAR(*t.headroom_ms(ms(1000)), 20.0, 1e-9);
  SlackTracker late;
  late.taken(ms(1000), ms(1003), dur(4));  // arrived after the tick (stall): no slack
  EXPECT_NEAR(*late.headroom_ms(ms(1000)), 4.0, 1e-9);
}

TEST(SlackTracker, MinimumOverTheLastHalfSecond) {
  SlackTracker s;
  EXPECT_FALSE(s.headroom_ms(ms(0)));
  s.taken(ms(1000), ms(960), dur(0));  // 40
  s.taken(ms(1020), ms(1008), dur(0));  // 10
  s.taken(ms(1040), ms(1010), dur(0));  // 30
  EXPECT_NEAR(*s.headroom_ms(ms(1040)), 10.0, 1e-9);
  EXPECT_NEAR(*s.headroom_ms(ms(1530)), 30.0, 1e-9);  // the 10 ms one is older than 500 ms
  EXPECT_FALSE(s.headroom_ms(ms(1600)));
}

// Accelerating by 7 ms takes 7 ms off every recorded headroom; growing the delay adds to them.
TEST(SlackTracker, StretchingShiftsTheHeadroom) {
  SlackTracker s;
  s.taken(ms(1000), ms(975), dur(3));  // 23
  s.shift(-7);
  EXPECT_NEAR(*s.headroom_ms(ms(1000)), 16.0, 1e-9);
  s.taken(ms(1020), ms(1010), dur(0));  // 10, recorded after the shift
  s.shift(5);
  EXPECT_NEAR(*s.headroom_ms(ms(1020)), 15.0, 1e-9);
}

}  // namespace
}  // namespace callsim::jitter
