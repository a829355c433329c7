// Loopback test rig for the live relay: the relay on its own thread, and test endpoints written
// with Boost.Asio (blocking UDP sockets on 127.0.0.1) that send paced RTP and record what they
// receive with the time they received it (steady clock, the same clock the senders stamp with).
#pragma once

#include <atomic>
#include <condition_variable>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/relay.h"

namespace callsim::live::testing {

using Clock = std::chrono::steady_clock;

class RelayThread {
 public:
  explicit RelayThread(RelayConfig config);
  ~RelayThread();
  const CallSetup& call(int k) const { return relay_->calls()[static_cast<size_t>(k)]; }
  Relay& relay() { return *relay_; }
  // Stops the relay (as a signal would) and returns its final JSON.
  nlohmann::json stop();

 private:
  std::unique_ptr<Relay> relay_;
  std::thread thread_;
  nlohmann::json result_;
};

struct Received {
  Clock::time_point at;
  std::vector<uint8_t> bytes;
  uint16_t sequence() const { return static_cast<uint16_t>(bytes[2] << 8 | bytes[3]); }
};

// A UDP endpoint on 127.0.0.1 (any free port) with a receive thread.
class Peer {
 public:
  Peer();
  ~Peer();
  Endpoint endpoint() const;
  // Sends `count` RTP packets (PT 0, 160 ticks apart, `payload` bytes) to `to`, one every
  // `interval`, from now on; returns the send time of each sequence number (0..count-1).
  std::vector<Clock::time_point> send_rtp(const Endpoint& to, int count, std::chrono::microseconds interval,
                                         uint32_t ssrc, size_t payload = 160);
  // Thread-safe (a plain sendto), so it may run while another thread is in send_rtp.
  void send_raw(const Endpoint& to, const std::vector<uint8_t>& bytes);
  // Waits until `count` datagrams have been received or `timeout` has passed (the relay's last
  // copies may still be in this socket's queue when the relay stops); returns the count reached.
  size_t wait_for(size_t count, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  std::vector<Received> received();
  size_t received_count();

 private:
  boost::asio::io_context io_;
  boost::asio::ip::udp::socket socket_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Received> received_;
  std::thread thread_;
};

std::vector<uint8_t> rtp_packet(uint16_t sequence, uint32_t ssrc, size_t payload);
// A fresh, empty folder in the test process's scratch folder, removed when the process exits.
std::filesystem::path fresh_dir(const std::string& name);
// The binary under test.
std::string callsim_binary();

}  // namespace callsim::live::testing
