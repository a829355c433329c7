// SlackTracker: each packet's floor on the 10 ms playout grid, the highest over a window, and
// floors that do not move when the buffer stretches (they are play-time-minus-media-time offsets).
#include "jitter/slack_tracker.h"

#include <gtest/gtest.h>

namespace callsim::jitter {
namespace {

sim::Timestamp ms(double v) { return sim::Timestamp::from_ms(v); }
sim::Duration dur(double v) { return sim::Duration::from_ms(v); }
int64_t ns(double v) { return static_cast<int64_t>(v * 1e6); }

// Media time 900 ms. Taken at 1000 ms, 5 ms after it arrived, 1.9 ms queued: it plays at
// 1001.9 ms, offset 101.9 ms; removing more than 1.9 ms makes it needed one tick (10 ms) earlier,
// before it arrived, so its floor is 100 ms. Taken 25 ms after arrival with nothing queued: 20 ms
// could go (two ticks earlier, still after it arrived). Taken after the tick it was needed at (it
// arrived late, playout stalled): only the queued audio could go.
TEST(SlackTracker, FloorOnThePlayoutGrid) {
  SlackTracker s;
  s.taken(ms(1000), ms(995), dur(1.9), ns(900));
  EXPECT_EQ(*s.floor_ns(ms(1000)), ns(100));
  SlackTracker t;
  t.taken(ms(1000), ms(975), dur(0), ns(900));
  EXPECT_EQ(*t.floor_ns(ms(1000)), ns(80));
  SlackTracker late;
  late.taken(ms(1000), ms(1003), dur(4), ns(900));
  EXPECT_EQ(*late.floor_ns(ms(1000)), ns(100));
}

// The highest floor of the last 500 ms: the latest packet decides how low the delay may go.
TEST(SlackTracker, HighestFloorOverTheLastHalfSecond) {
  SlackTracker s;
  EXPECT_FALSE(s.floor_ns(ms(0)));
  s.taken(ms(1000), ms(960), dur(0), ns(900));   // floor 60
  s.taken(ms(1020), ms(1008), dur(0), ns(920));  // 10 ms after arrival: floor 90
  s.taken(ms(1040), ms(1010), dur(0), ns(940));  // floor 70
  EXPECT_EQ(*s.floor_ns(ms(1040)), ns(90));
  EXPECT_EQ(*s.floor_ns(ms(1530)), ns(70));  // the 90 ms one is older than 500 ms
  EXPECT_FALSE(s.floor_ns(ms(1600)));
}

// The same packet taken at another tick, with the queue 10 ms shorter or longer, has the same
// floor: floors describe the arrivals, not the buffer's state.
TEST(SlackTracker, TheFloorDoesNotDependOnWhenThePacketIsTaken) {
  SlackTracker a, b;
  a.taken(ms(1000), ms(977), dur(3), ns(900));  // plays at 1003
  b.taken(ms(990), ms(977), dur(13), ns(900));  // taken a tick earlier with 10 ms more queued
  EXPECT_EQ(*a.floor_ns(ms(1000)), *b.floor_ns(ms(1000)));
}

// The running-dry floor: a packet taken at the tick it arrived, with 8 ms queued before it, could
// lose those 8 ms (it is needed at that same tick either way: removal floor 100 ms), but one
// arriving a moment later would miss the tick: the running-dry floor is its play offset, 108 ms.
// Taken a tick early (18 ms queued, decoded ahead for a time stretch), the same.
TEST(SlackTracker, TheRunningDryFloorIsWhereALaterArrivalWouldMissItsTick) {
  SlackTracker s, early;
  s.taken(ms(1000), ms(1000), dur(8), ns(900));
  EXPECT_EQ(*s.floor_ns(ms(1000)), ns(100));
  EXPECT_EQ(*s.dry_floor_ns(ms(1000)), ns(108));
  early.taken(ms(990), ms(985), dur(18), ns(900));  // arrived 5 ms before: 15 ms before the tick that needs it
  EXPECT_EQ(*early.dry_floor_ns(ms(990)), ns(93));
  EXPECT_EQ(*early.floor_ns(ms(990)), ns(90));
}

}  // namespace
}  // namespace callsim::jitter
