// Release timing under load: 20 two-way calls at 100 packets/s per direction (4 000 copies/s) with
// jitter, loss and a bottleneck, while the machine runs whatever else it runs. What holds however
// loaded the machine is: no copy leaves before its due time, every delivered copy is released and
// reaches its receiver, and the error histogram counts exactly the released copies. The relay's
// median error is printed and only loosely bounded here (< 20 ms); the strict goals (p50 < 50 µs,
// p99 < 1 ms at 100 calls) are measured by relay_bench on a quiet machine.
#include <gtest/gtest.h>

#include "loopback_util.h"

namespace callsim::live {
namespace {
using namespace testing;
namespace net = sim::net;

TEST(Timing, NoCopyLeavesEarlyAndEveryDeliveredCopyArrives) {
  constexpr int kCalls = 20, kPerDirection = 200;
  Peer a_side, b_side;  // every call's side a / side b endpoint
  RelayConfig config;
  net::LinkConfig link;
  link.loss = {net::LossModel::kBernoulli, 0.02};
  link.delay.base_ms = 30;
  link.delay.jitter_ms = 5;
  link.rate.kbps = 1000;
  for (int k = 0; k < kCalls; ++k) {
    CallSetup s;
    s.index = k;
    s.links = {link, link};
    s.link_names = {"a->b", "b->a"};
    s.seed = 100 + static_cast<uint64_t>(k);
    s.given = {a_side.endpoint(), b_side.endpoint()};
    config.calls.push_back(s);
  }
  config.stats_interval = sim::Duration::zero();
  RelayThread relay(std::move(config));
  // 2 s of 10 ms ticks; each call direction at its own offset inside the tick.
  const auto start = Clock::now();
  for (int tick = 0; tick < kPerDirection; ++tick)
    for (int k = 0; k < kCalls; ++k)
      for (int side = 0; side < 2; ++side) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(tick * 10000 + k * 480 + side * 240));
        (side == 0 ? a_side : b_side)
            .send_raw(relay.call(k).local[side], rtp_packet(static_cast<uint16_t>(tick), 1000u + k, 160));
      }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const nlohmann::json out = relay.stop();
  uint64_t delivered = 0, released = 0, not_sent = 0, send_errors = 0;
  for (const auto& c : out["calls"])
    for (const char* d : {"a->b", "b->a"}) {
      delivered += c[d]["fates"]["delivered_by_model"].get<uint64_t>();
      released += c[d]["released"].get<uint64_t>();
      not_sent += c[d]["destination_forgotten"].get<uint64_t>() + c[d]["cut_off_by_stop"].get<uint64_t>() +
                  c[d]["in_flight"].get<uint64_t>();
      send_errors += c[d]["send_errors"].get<uint64_t>();
    }
  const auto& e = out["release_error_us"];
  EXPECT_EQ(e["early"], 0);
  EXPECT_EQ(e["count"], released);
  EXPECT_EQ(released, delivered);
  EXPECT_EQ(not_sent + send_errors, 0u);
  uint64_t to_a = 0, to_b = 0;  // released towards side a (b->a) and side b (a->b)
  for (const auto& c : out["calls"]) {
    to_b += c["a->b"]["released"].get<uint64_t>();
    to_a += c["b->a"]["released"].get<uint64_t>();
  }
  EXPECT_EQ(a_side.wait_for(to_a) + b_side.wait_for(to_b), released);
  EXPECT_GT(delivered, 2u * kCalls * kPerDirection * 90 / 100);
  EXPECT_LT(e["p50_at_most_us"].get<double>(), 20000.0);
  std::printf("release error at %d calls x 2 x 100 packets/s: p50 %s us, p99 %s us, max %s us (%s)\n", kCalls,
              e["p50_at_most_us"].dump().c_str(), e["p99_at_most_us"].dump().c_str(), e["max_us"].dump().c_str(),
              out["thread"]["scheduler"].get<std::string>().c_str());
}

}  // namespace
}  // namespace callsim::live
