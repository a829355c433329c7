// Benchmark of the live relay (run it on a quiet machine; figures go into the notes):
//  throughput  — one call, every link model on (Gilbert-Elliott loss, correlated normal jitter,
//                reordering, duplication, corruption delivered, a rate-limited queue with cross
//                traffic, a phase), the relay thread pinned to CPU 0 and the test's sender and
//                receiver on CPU 1. The sender offers R packets/s; reported: packets/s the relay
//                handled per second of its own thread's CPU time (its one-core capacity), and
//                whether it kept up with the offered rate (kernel drops, copies released).
//  timing      — 100 calls × 50 packets/s in each direction (10 000 packets/s, calls' phases
//                spread over the 20 ms frame), every model on; the relay's release-time error
//                p50/p99/p99.9/max; then the same with a 100 000 datagram/s flood from an unknown
//                source at the calls' ports.
// Usage: relay_bench [--seconds S] [--rate R] [--realtime] [--spin-us N] [--outputs DIR]
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "live/relay.h"
#include "rtp/rtp_header.h"
#include "sim/random.h"

namespace {
using namespace callsim;
using namespace callsim::live;
namespace net = sim::net;
using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 5, rate = 100000;
  bool realtime = false;
  int spin_us = 0;
  std::string outputs;
};

net::LinkConfig every_model() {
  net::LinkConfig c;
  c.loss.model = net::LossModel::kGilbertElliott;
  c.loss.p = 0.01;
  c.loss.r = 0.5;
  c.delay.base_ms = 40;
  c.delay.jitter_ms = 8;
  c.delay.distribution = net::JitterDistribution::kNormal;
  c.delay.correlation = 0.3;
  c.delay.correlation_mode = net::CorrelationMode::kMarginal;
  c.reorder.p = 0.005;
  c.duplicate.p = 0.005;
  c.corrupt.p = 0.001;
  c.corrupt.deliver = true;
  c.rate.kbps = 400000;  // 400 Mbit/s: above the offered load, so the queue works but rarely drops
  c.rate.queue.limit_ms = 100;
  c.cross_traffic.kbps = 50000;
  net::Phase spike;
  spike.name = "spike";
  spike.start = sim::Duration::seconds(1);
  spike.end = sim::Duration::from_seconds(1.5);
  spike.delay = c.delay;
  spike.delay->base_ms = 80;
  c.phases.push_back(spike);
  return c;
}

bool g_realtime = false;  // --realtime: the test's own threads also run SCHED_FIFO (a steady offered load)

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (g_realtime) {
    sched_param param{};
    param.sched_priority = 40;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
  }
}

int udp_socket(uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa = Endpoint{0x7F000001, 0}.to_sockaddr();
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  *port = ntohs(sa.sin_port);
  const int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  const timeval timeout{0, 20000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

double thread_cpu_seconds(pthread_t t) {
  clockid_t id;
  timespec ts{};
  if (pthread_getcpuclockid(t, &id) != 0 || clock_gettime(id, &ts) != 0) return -1;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

RelayConfig base_config(const Options& o, int calls, Endpoint a, Endpoint b) {
  RelayConfig c;
  for (int k = 0; k < calls; ++k) {
    CallSetup s;
    s.index = k;
    s.links = {every_model(), every_model()};
    s.link_names = {"alice->bob", "bob->alice"};
    s.seed = 1 + static_cast<uint64_t>(k);
    s.given = {a, b};
    c.calls.push_back(s);
  }
  c.cpu = 0;
  c.realtime = o.realtime;
  c.spin = sim::Duration::micros(o.spin_us);
  c.stats_interval = sim::Duration::zero();
  c.handle_signals = false;
  c.max_inflight = 1 << 20;
  if (!o.outputs.empty()) c.outputs.dir = o.outputs;
  return c;
}

// The relay on CPU 0 with `calls` calls whose endpoints are two test sockets (side a, side b), and
// receive threads on CPU 1 counting what comes back.
struct Rig {
  Rig(const Options& o, int calls) {
    uint16_t pa = 0, pb = 0;
    fa = udp_socket(&pa);
    fb = udp_socket(&pb);
    relay = std::make_unique<Relay>(base_config(o, calls, {0x7F000001, pa}, {0x7F000001, pb}));
    relay_thread = std::thread([this] { result = relay->run(); });
    for (int fd : {fa, fb})
      receivers.emplace_back([this, fd] {
        pin(1);
        std::vector<uint8_t> buf(2048);
        while (!stop)
          if (::recv(fd, buf.data(), buf.size(), 0) > 0) received.fetch_add(1, std::memory_order_relaxed);
      });
  }
  nlohmann::json finish() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // in-flight copies leave
    relay->request_stop();
    relay_thread.join();
    stop = true;
    for (auto& t : receivers) t.join();
    ::close(fa);
    ::close(fb);
    return result;
  }
  int fa = -1, fb = -1;
  std::unique_ptr<Relay> relay;
  std::thread relay_thread;
  std::vector<std::thread> receivers;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> received{0};
  nlohmann::json result;
};

// Sends `packet` in sendmmsg batches of 32 to `to` (round robin), `rate` per second, for `seconds`
// or until `stop`; returns how many were sent. The RTP sequence number counts up when `number`.
uint64_t send_paced(int fd, std::vector<sockaddr_in>& to, std::vector<uint8_t> packet, double rate,
                    double seconds, const std::atomic<bool>* stop, bool number) {
  constexpr int kBatch = 32;
  std::vector<std::vector<uint8_t>> copies(kBatch, packet);
  uint64_t sent = 0;
  const auto start = Clock::now();
  for (uint64_t batch = 0; !(stop && *stop); ++batch) {
    const double at = static_cast<double>(batch * kBatch) / rate;
    if (at >= seconds) break;
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at)));
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    for (int i = 0; i < kBatch; ++i) {
      if (number) {
        copies[i][2] = static_cast<uint8_t>((sent + i) >> 8);
        copies[i][3] = static_cast<uint8_t>(sent + i);
      }
      iov[i] = {copies[i].data(), copies[i].size()};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to[(batch * kBatch + i) % to.size()];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    const int n = ::sendmmsg(fd, msgs.data(), kBatch, 0);
    if (n > 0) sent += static_cast<uint64_t>(n);
  }
  return sent;
}

std::vector<uint8_t> voice_packet() { return rtp::serialize({}, std::vector<uint8_t>(160, 0xD5)); }

void throughput(const Options& o) {
  Rig rig(o, 1);
  std::vector<sockaddr_in> target = {rig.relay->calls()[0].local[0].to_sockaddr()};
  pin(1);
  const double cpu0 = thread_cpu_seconds(rig.relay_thread.native_handle());
  const auto start = Clock::now();
  const uint64_t sent = send_paced(rig.fa, target, voice_packet(), o.rate, o.seconds, nullptr, true);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double cpu = thread_cpu_seconds(rig.relay_thread.native_handle()) - cpu0;
  const nlohmann::json result = rig.finish();
  const auto& ab = result["calls"][0]["a->b"];
  const uint64_t handled = result["calls"][0]["a"]["datagrams"];
  std::printf("throughput: offered %.0f pkt/s for %.1f s (%llu sent); relay read %llu, released %llu (received %llu)\n",
              static_cast<double>(sent) / elapsed, elapsed, static_cast<unsigned long long>(sent),
              static_cast<unsigned long long>(handled), static_cast<unsigned long long>(ab["released"].get<uint64_t>()),
              static_cast<unsigned long long>(rig.received.load()));
  std::printf("throughput: relay thread CPU %.3f s -> %.0f packets/s per core (read + model + release)\n", cpu,
              cpu > 0 ? static_cast<double>(handled) / cpu : 0.0);
  std::printf("throughput: fates %s\nthroughput: a-side drops %s, cut off by the stop %s\n",
              ab["fates"].dump().c_str(), result["calls"][0]["a"]["dropped"].dump().c_str(),
              ab["cut_off_by_stop"].dump().c_str());
  std::printf("throughput: release error %s\nthroughput: thread %s\n", result["release_error_us"].dump().c_str(),
              result["thread"].dump().c_str());
}

// Every call direction sends one packet per 20 ms at its own offset within the frame.
void send_calls(const Rig& rig, std::vector<sockaddr_in>& ports, double seconds) {
  sim::RandomStream rng(1, "bench/offsets");
  std::vector<std::pair<int64_t, size_t>> schedule;
  std::vector<int64_t> offset_us;
  for (size_t p = 0; p < ports.size(); ++p) offset_us.push_back(static_cast<int64_t>(rng.below(20000)));
  for (int f = 0; f < static_cast<int>(seconds * 50); ++f)
    for (size_t p = 0; p < ports.size(); ++p) schedule.push_back({f * 20000 + offset_us[p], p});
  std::sort(schedule.begin(), schedule.end());
  auto packet = voice_packet();
  std::vector<uint16_t> seq(ports.size(), 0);
  const auto start = Clock::now();
  for (const auto& [us, p] : schedule) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(us));
    packet[2] = static_cast<uint8_t>(seq[p] >> 8);
    packet[3] = static_cast<uint8_t>(seq[p]++);
    ::sendto(p % 2 ? rig.fb : rig.fa, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&ports[p]),
             sizeof ports[p]);
  }
}

void report_timing(const nlohmann::json& result, const Options& o, int calls, double flood_rate) {
  const auto& e = result["release_error_us"];
  std::printf("timing%s: %d calls x 2 directions x 50 pkt/s for %.0f s: %llu released; release error p50 <= %.0f us, "
              "p90 <= %.0f us, p99 <= %.0f us, p99.9 <= %.0f us, max %.0f us, over 1 ms %llu, early %llu\n",
              flood_rate > 0 ? " under flood" : "", calls, o.seconds,
              static_cast<unsigned long long>(e["count"].get<uint64_t>()), e["p50_at_most_us"].get<double>(),
              e["p90_at_most_us"].get<double>(), e["p99_at_most_us"].get<double>(), e["p999_at_most_us"].get<double>(),
              e["max_us"].get<double>(), static_cast<unsigned long long>(e["over_1ms"].get<uint64_t>()),
              static_cast<unsigned long long>(e["early"].get<uint64_t>()));
  if (flood_rate > 0) {
    uint64_t unknown = 0, kernel = 0;
    for (const auto& c : result["calls"])
      for (const char* s : {"a", "b"}) {
        unknown += c[s]["dropped"]["unknown_source"].get<uint64_t>();
        kernel += c[s]["dropped"]["kernel_receive_queue"].get<uint64_t>();
      }
    std::printf("timing under flood: %.0f flood datagrams/s; relay dropped %llu as unknown source, kernel %llu\n",
                flood_rate, static_cast<unsigned long long>(unknown), static_cast<unsigned long long>(kernel));
  }
  std::printf("timing: thread %s\n", result["thread"].dump().c_str());
}

// 100 calls, both directions, 50 packets/s each; optionally a 100 000/s flood from an unknown source.
void timing(const Options& o, bool with_flood) {
  constexpr int kCalls = 100;
  Rig rig(o, kCalls);
  std::vector<sockaddr_in> ports;
  for (const auto& c : rig.relay->calls()) {
    ports.push_back(c.local[0].to_sockaddr());
    ports.push_back(c.local[1].to_sockaddr());
  }
  std::atomic<uint64_t> flooded{0};
  std::thread flooder([&] {
    if (!with_flood) return;
    pin(1);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    std::atomic<bool> never{false};
    auto targets = ports;
    flooded = send_paced(fd, targets, std::vector<uint8_t>(200, 0xEE), 100000, o.seconds, &never, false);
    ::close(fd);
  });
  pin(1);
  send_calls(rig, ports, o.seconds);
  flooder.join();
  const nlohmann::json result = rig.finish();
  report_timing(result, o, kCalls, with_flood ? static_cast<double>(flooded.load()) / o.seconds : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--rate") o.rate = std::stod(next());
    else if (a == "--realtime") o.realtime = true;
    else if (a == "--spin-us") o.spin_us = std::stoi(next());
    else if (a == "--outputs") o.outputs = next();
    else if (a == "--only") only = next();
    else {
      std::fprintf(stderr, "usage: relay_bench [--seconds S] [--rate R] [--realtime] [--spin-us N] [--outputs DIR] [--only throughput|timing|flood]\n");
      return 2;
    }
  }
  g_realtime = o.realtime;
  if (only.empty() || only == "throughput") throughput(o);
  if (only.empty() || only == "timing") timing(o, false);
  if (only.empty() || only == "flood") timing(o, true);
  return 0;
}
