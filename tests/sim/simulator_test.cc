#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace callsim::sim {
namespace {

TEST(Simulator, RunsEventsInTimeThenInsertionOrder) {
  Simulator s;
  std::vector<int> order;
  s.schedule_at(Timestamp::from_ns(20), "c", [&] { order.push_back(3); });
  s.schedule_at(Timestamp::from_ns(10), "a", [&] { order.push_back(1); });
  s.schedule_at(Timestamp::from_ns(10), "b", [&] { order.push_back(2); });
  s.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(s.now().ns(), 20);
  EXPECT_EQ(s.executed(), 3u);
}

TEST(Simulator, EventsScheduledFromEventsAtSameTimeRunAfterExistingOnes) {
  Simulator s;
  std::vector<std::string> order;
  s.schedule_at(Timestamp::from_ns(5), "x", [&] {
    order.push_back("x");
    s.schedule_in(Duration::zero(), "z", [&] { order.push_back("z"); });
  });
  s.schedule_at(Timestamp::from_ns(5), "y", [&] { order.push_back("y"); });
  s.run();
  EXPECT_EQ(order, (std::vector<std::string>{"x", "y", "z"}));
}

// A playout tick (Order::kAfterArrivals) runs after every packet arriving at its instant, even one
// scheduled later (a 0 ms link schedules the arrival at the send, after the tick was scheduled).
TEST(Simulator, AnAfterArrivalsEventRunsAfterSimultaneousNormalOnesWheneverScheduled) {
  Simulator s;
  std::vector<std::string> order;
  s.schedule_at(Timestamp::from_ns(10), "tick", [&] { order.push_back("tick"); }, Order::kAfterArrivals);
  s.schedule_at(Timestamp::from_ns(10), "send", [&] {
    order.push_back("send");
    s.schedule_in(Duration::zero(), "arrive", [&] { order.push_back("arrive"); });
  });
  s.schedule_at(Timestamp::from_ns(5), "early", [&] { order.push_back("early"); }, Order::kAfterArrivals);
  s.run();
  EXPECT_EQ(order, (std::vector<std::string>{"early", "send", "arrive", "tick"}));
}

TEST(Simulator, RunUntilStopsAndAdvancesClock) {
  Simulator s;
  int ran = 0;
  s.schedule_at(Timestamp::from_ms(1), "a", [&] { ++ran; });
  s.schedule_at(Timestamp::from_ms(3), "b", [&] { ++ran; });
  s.run_until(Timestamp::from_ms(2));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.now(), Timestamp::from_ms(2));
  EXPECT_EQ(s.pending(), 1u);
  s.run();
  EXPECT_EQ(ran, 2);
}

TEST(Simulator, CancelledEventsDoNotRun) {
  Simulator s;
  int ran = 0;
  const EventId id = s.schedule_at(Timestamp::from_ns(1), "a", [&] { ++ran; });
  s.schedule_at(Timestamp::from_ns(2), "b", [&] { ++ran; });
  EXPECT_TRUE(s.cancel(id));
  EXPECT_FALSE(s.cancel(id));
  s.run();
  EXPECT_EQ(ran, 1);
  EXPECT_FALSE(s.cancel(id));
}

TEST(Simulator, SchedulingInThePastIsAProgrammingError) {
  Simulator s;
  s.schedule_at(Timestamp::from_ns(10), "a", [] {});
  s.run();
  EXPECT_THROW(s.schedule_at(Timestamp::from_ns(5), "late", [] {}), std::logic_error);
}

TEST(Simulator, TraceIsIdenticalAcrossRuns) {
  auto run_once = [] {
    Simulator s;
    std::ostringstream trace;
    s.set_trace(&trace);
    for (int i = 0; i < 50; ++i)
      s.schedule_at(Timestamp::from_ns((i * 7919) % 101), "e" + std::to_string(i), [] {});
    s.run();
    return trace.str();
  };
  const std::string a = run_once();
  EXPECT_EQ(a, run_once());
  EXPECT_NE(a.find("0 0 e0\n"), std::string::npos);
}

}  // namespace
}  // namespace callsim::sim
