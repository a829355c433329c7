// A live call replayed offline. A loopback call goes through the relay (bursty loss, normal jitter,
// a 300 kbit/s bottleneck); its fate log then
//  (a) reproduces itself: the same link, seed and arrival sequence give every copy the same fate
//      and due time (verify_fate_log, what `callsim relay verify` runs);
//  (b) is a per-packet trace a scenario link accepts: a Link replaying it at the logged arrival
//      times gives every packet the same fate and delay;
//  (c) drives `callsim run`: an offline 50 packet/s call whose link is {"trace": {"file": <fate
//      log>}} gives its packet i exactly live packet i's fate (lost, or delivered with the same
//      one-way delay to the nanosecond) on its way through the real codec and jitter buffer.
#include <gtest/gtest.h>

#include "call/call_runner.h"
#include "live/verify.h"
#include "loopback_util.h"
#include "scenario/link_json.h"
#include "scenario/scenario.h"

namespace callsim::live {
namespace {
using namespace testing;
namespace net = sim::net;

constexpr int kPackets = 400;

net::LinkConfig model() {
  net::LinkConfig c;
  c.loss.model = net::LossModel::kGilbertElliott;
  c.loss.p = 0.03;
  c.loss.r = 0.4;
  c.delay.base_ms = 40;
  c.delay.jitter_ms = 15;
  c.delay.distribution = net::JitterDistribution::kNormal;
  c.rate.kbps = 300;
  return c;
}

TEST(Replay, ALiveCallReplayedOfflineHasTheSameFates) {
  const auto dir = fresh_dir("replay");
  Peer alice, bob;
  RelayConfig config;
  CallSetup call;
  call.links = {model(), net::LinkConfig{}};
  call.link_names = {"alice->bob", "bob->alice"};
  call.seed = 77;
  call.given[1] = bob.endpoint();
  config.calls.push_back(call);
  config.outputs.dir = dir;
  config.outputs.pcaps = false;
  config.stats_interval = sim::Duration::zero();
  {
    RelayThread relay(std::move(config));
    alice.send_rtp(relay.call(0).local[0], kPackets, std::chrono::microseconds(2500), 0xA11CE);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    relay.stop();
  }
  const auto fates = dir / "call0" / "a-to-b.fates.csv";
  const FateLog log = read_fate_log(fates);
  ASSERT_EQ(log.records.size(), static_cast<size_t>(kPackets));
  int lost = 0;
  for (const auto& r : log.records) lost += r.fate != net::DropCause::kNone;
  ASSERT_GT(lost, 5);  // the replay really carries losses

  // (a)
  EXPECT_EQ(verify_fate_log(log, model(), 77, "alice->bob").mismatches, 0u);

  // (b)
  net::LinkConfig replay;
  replay.trace = scenario::read_packet_trace(fates.string());
  net::Link link(replay, 1, "replay");
  for (const auto& r : log.records) {
    std::vector<net::Delivery> d;
    link.send(r.arrival, {r.index, r.size_bytes}, d);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].delivered(), r.fate == net::DropCause::kNone) << r.index;
    if (d[0].delivered()) {
      EXPECT_EQ(d[0].delay(), r.due - r.arrival) << r.index;
    }
  }

  // (c)
  const nlohmann::json doc = {
      {"name", "replay"},
      {"duration_s", kPackets / 50},
      {"seed", 3},
      {"peers", {{"alice", {{"talker", "en_female"}}}, {"bob", nlohmann::json::object()}}},
      {"links", {{"alice->bob", {{"trace", {{"file", fates.string()}, {"loop", false}}}}}}},
      {"scoring", {{"pesq", false}}}};
  const call::CallResult result = call::run_call(scenario::parse_scenario(doc, "replay.json", ""));
  const auto& packets = result.directions.at(0).packets;
  ASSERT_EQ(packets.size(), static_cast<size_t>(kPackets));
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& live = log.records[i];
    const auto& offline = packets[i].delivery;
    EXPECT_EQ(offline.delivered(), live.fate == net::DropCause::kNone) << i;
    if (offline.delivered()) {
      EXPECT_EQ(offline.delay(), live.due - live.arrival) << i;
    }
  }
  EXPECT_EQ(result.directions.at(0).link.lost, static_cast<uint64_t>(lost));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callsim::live
