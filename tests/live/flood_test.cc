// Hostile traffic at a call's ports: a flood from an unknown source (as fast as the test can send,
// aiming at 100 000 datagrams/s over both ports for 1.5 s) while a two-way call runs, and empty,
// oversized and non-RTP datagrams from the call's own endpoint. The relay must keep serving the
// call — every datagram of the call it read goes through the link exactly as the offline model
// says — never crash, and account for every datagram: per port, read + dropped by the kernel's
// full receive queue = sent, and read = from the endpoint + unknown source. The flood rate
// reached and the release-time error during the flood are printed (they depend on the load of
// the machine; the benchmark measures them when it is quiet).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <sstream>

#include "live/verify.h"
#include "loopback_util.h"

namespace callsim::live {
namespace {
using namespace testing;
namespace net = sim::net;

net::LinkConfig model() {
  net::LinkConfig c;
  c.loss = {net::LossModel::kBernoulli, 0.05};
  c.delay.base_ms = 20;
  c.delay.jitter_ms = 5;
  c.rate.kbps = 2000;
  return c;
}

// Sends 200-byte datagrams to the two ports alternately, in batches, until `seconds` have passed.
std::array<uint64_t, 2> flood(const std::array<Endpoint, 2>& to, double seconds, double per_second) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::array<uint64_t, 2> sent{};
  std::vector<uint8_t> junk(200, 0xEE);
  const auto start = Clock::now();
  constexpr int kBatch = 50;
  for (uint64_t batch = 0;; ++batch) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(batch * kBatch / per_second));
    if (due - start > std::chrono::duration<double>(seconds)) break;
    std::this_thread::sleep_until(due);
    for (int s = 0; s < 2; ++s) {
      const sockaddr_in sa = to[s].to_sockaddr();
      std::array<mmsghdr, kBatch / 2> msgs{};
      iovec iov{junk.data(), junk.size()};
      for (auto& m : msgs) {
        m.msg_hdr.msg_iov = &iov;
        m.msg_hdr.msg_iovlen = 1;
        m.msg_hdr.msg_name = const_cast<sockaddr_in*>(&sa);
        m.msg_hdr.msg_namelen = sizeof sa;
      }
      const int n = ::sendmmsg(fd, msgs.data(), msgs.size(), 0);
      if (n > 0) sent[s] += static_cast<uint64_t>(n);
    }
  }
  ::close(fd);
  return sent;
}

TEST(Flood, CallSurvivesAndEveryDatagramIsAccountedFor) {
  const auto dir = fresh_dir("flood");
  Peer alice, bob;
  RelayConfig config;
  CallSetup call;
  call.links = {model(), model()};
  call.link_names = {"alice->bob", "bob->alice"};
  call.seed = 5;
  call.given[1] = bob.endpoint();
  config.calls.push_back(call);
  config.outputs.dir = dir;
  config.outputs.pcaps = false;
  config.policy.max_datagram_bytes = 1500;
  std::ostringstream lines;
  config.lines = &lines;
  config.stats_interval = sim::Duration::millis(250);
  RelayThread relay(std::move(config));
  const std::array<Endpoint, 2> ports = {relay.call(0).local[0], relay.call(0).local[1]};

  std::array<uint64_t, 2> flooded{};
  std::thread flooder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    flooded = flood(ports, 1.5, 100000);
  });
  std::thread bob_sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bob.send_rtp(ports[1], 750, std::chrono::microseconds(3333), 0xB0B);  // 300/s for 2.5 s
  });
  // From the call's own endpoint, amid its RTP and before the flood fills the port's receive queue
  // (so the kernel cannot drop them): 5 empty, 5 oversized, 20 that are not RTP.
  std::thread alice_garbage([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    for (int i = 0; i < 5; ++i) alice.send_raw(ports[0], {});
    for (int i = 0; i < 5; ++i) alice.send_raw(ports[0], std::vector<uint8_t>(2000, 0x80));
    for (int i = 0; i < 20; ++i) alice.send_raw(ports[0], std::vector<uint8_t>(33, static_cast<uint8_t>(i)));
  });
  alice.send_rtp(ports[0], 600, std::chrono::microseconds(3333), 0xA11CE);  // 300/s for 2 s
  alice_garbage.join();
  flooder.join();
  bob_sender.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const nlohmann::json out = relay.stop();
  const auto& a = out["calls"][0]["a"];
  const auto& b = out["calls"][0]["b"];
  const uint64_t a_dropped = a["dropped"]["kernel_receive_queue"], b_dropped = b["dropped"]["kernel_receive_queue"];
  const uint64_t alice_sent = 600 + 30, bob_sent = 750;
  EXPECT_EQ(a["datagrams"].get<uint64_t>() + a_dropped, flooded[0] + alice_sent);
  EXPECT_EQ(b["datagrams"].get<uint64_t>() + b_dropped, flooded[1] + bob_sent);
  EXPECT_EQ(a["datagrams"], a["from_endpoint"].get<uint64_t>() + a["dropped"]["unknown_source"].get<uint64_t>());
  EXPECT_GE(a["from_endpoint"].get<uint64_t>() + a_dropped, alice_sent);
  EXPECT_GE(a["dropped"]["unknown_source"].get<uint64_t>() + a_dropped, flooded[0]);
  EXPECT_EQ(a["dropped"]["empty"], 5);
  EXPECT_EQ(a["dropped"]["oversized"], 5);
  EXPECT_EQ(a["endpoint"], alice.endpoint().to_string());  // the flood never took the endpoint over
  const auto& ab = out["calls"][0]["a->b"];
  EXPECT_GE(ab["in"]["by_class"]["other"]["packets"], 20);  // garbage from the endpoint is relayed
  EXPECT_EQ(ab["released"], bob.wait_for(ab["released"].get<size_t>()));
  const FateLog log = read_fate_log(dir / "call0" / "a-to-b.fates.csv");
  EXPECT_EQ(verify_fate_log(log, model(), 5, "alice->bob").mismatches, 0u);
  EXPECT_EQ(log.records.size(), ab["packets"].get<uint64_t>() + ab["duplicates"].get<uint64_t>());

  std::printf("flood: %llu + %llu datagrams in 1.5 s (%.0f/s), kernel drops %llu + %llu\n",
              static_cast<unsigned long long>(flooded[0]), static_cast<unsigned long long>(flooded[1]),
              (flooded[0] + flooded[1]) / 1.5, static_cast<unsigned long long>(a_dropped),
              static_cast<unsigned long long>(b_dropped));
  std::istringstream in(lines.str());
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] != "stats") continue;
    const auto& e = j["interval_release_error_us"];
    std::printf("t %.2f s: %llu releases, release error p50 %s us, p99 %s us\n", j["t_s"].get<double>(),
                static_cast<unsigned long long>(e["count"].get<uint64_t>()), e["p50_at_most_us"].dump().c_str(),
                e["p99_at_most_us"].dump().c_str());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callsim::live
