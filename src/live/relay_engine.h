// Internal to live/: the state of a running relay, shared by relay.cc (sockets, scheduling,
// lifecycle) and relay_report.cc (JSON lines, the final record, control commands).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/staged_dir.h"
#include "live/call_relay.h"
#include "live/clock.h"
#include "live/control_channel.h"
#include "live/duration_histogram.h"
#include "live/line_writer.h"
#include "live/relay.h"
#include "live/release_queue.h"
#include "live/udp_port.h"

namespace callsim::live {

struct Relay::Engine {
  explicit Engine(RelayConfig config);

  // relay.cc
  void bind_ports();
  void start();
  void start_read(size_t port);
  void continue_read(size_t port);
  bool drain_port(size_t port);
  void handle_datagram(size_t port, size_t i, sim::Timestamp now);
  void arm(sim::Timestamp wake);
  void on_release_timer();
  sim::Timestamp release_due();
  void release(const PendingRelease& p);
  void begin_stop(const std::string& reason);
  void finish();
  void tune_thread();

  // relay_report.cc
  void on_tick();
  void emit_stats(bool interval);
  void continue_stats_line();
  void finish_stats_line();
  void emit_events();
  void emit(LineWriter::Kind kind, const nlohmann::json& j);
  void handle_control(const std::string& line, const ControlChannel::Reply& reply);
  nlohmann::json relay_json() const;
  nlohmann::json final_json();

  RelayConfig cfg;
  LiveClock clock;
  boost::asio::io_context io;
  // Declared before the writers, so destroyed after them (an unfinished run's folder is removed).
  std::filesystem::path output_dir;    // -o as given (the outputs are written into `staged`)
  std::unique_ptr<StagedDir> staged;  // null without -o
  std::vector<std::unique_ptr<UdpPort>> ports;  // call k: [2k] side a, [2k+1] side b
  std::vector<std::unique_ptr<CallRelay>> calls;
  BufferPool pool;
  ReleaseQueue queue;
  std::array<uint8_t*, UdpPort::kBatch> scratch{};
  std::array<UdpPort::Received, UdpPort::kBatch> received{};
  std::vector<ScheduledCopy> copies;
  boost::asio::steady_timer release_timer, tick_timer, stop_timer;
  std::optional<boost::asio::signal_set> signals;
  std::unique_ptr<ControlChannel> control;
  std::unique_ptr<LineWriter> lines;

  DurationHistogram release_error, interval_error;
  uint64_t timer_generation = 0;
  bool armed = false;
  sim::Timestamp armed_for;
  uint64_t datagrams = 0, timer_wakeups = 0, spins = 0, ticks = 0;
  size_t max_inflight_seen = 0;
  bool stopping = false, finished = false;
  std::string stop_reason;
  sim::Timestamp stopped_at;
  struct StatsLine {
    std::string text;
    bool interval = false;
    size_t next = 0;  // next call to add
  };
  std::unique_ptr<StatsLine> stats_line;  // the statistics line being built
  nlohmann::json thread_setup;  // what tune_thread obtained
  nlohmann::json result;
};

}  // namespace callsim::live
