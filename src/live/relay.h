// The live relay engine (`callsim relay`): binds a UDP port pair per call, reads datagrams with
// recvmmsg as Boost.Asio reports them readable, passes them to each call's CallRelay (link models,
// statistics, logs) and releases every copy at its due time from a single thread: a min-heap of
// due times, a timerfd-backed Asio timer with 1 ns timer slack armed `spin` before the earliest
// due time, then a short busy-wait (0 by default). The release-time error of every copy (sent -
// due) goes into histograms. Once a second (configurable) it writes a JSON statistics line, and
// on SIGINT/SIGTERM (or `stop`, or --duration) it stops reading, releases what is in flight (up
// to the drain limit), writes the final JSON and commits the fate logs and pcaps. Output lines are
// written by a separate thread so a slow reader of stdout never delays a release.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/call_relay.h"
#include "live/stream_stats.h"

namespace callsim::live {

struct RelayConfig {
  std::vector<CallSetup> calls;  // `local` is filled when the ports are bound
  uint32_t bind_address = 0x7F000001;  // 127.0.0.1
  uint16_t base_port = 0;              // call k: side a = base + 2k, side b = base + 2k + 1; 0 = any free
  RelayPolicy policy;
  PayloadTypes payload_types;
  CallOutputs outputs;  // outputs.dir empty = no files
  sim::Duration spin = sim::Duration::zero();        // busy-wait before a due time
  sim::Duration stats_interval = sim::Duration::seconds(1);  // zero = no per-interval lines
  sim::Duration duration = sim::Duration::zero();   // stop after this long; zero = until signalled
  sim::Duration drain = sim::Duration::seconds(2);  // at stop: how long to keep releasing in-flight copies
  size_t max_inflight = 65536;   // copies waiting for release; more are dropped before the link
  bool realtime = false;         // SCHED_FIFO + mlockall for the relay thread, when permitted
  int cpu = -1;                  // pin the relay thread to this CPU (-1 = no)
  bool handle_signals = true;    // SIGINT/SIGTERM stop the relay
  bool control_stdin = false;
  std::string control_socket;    // Unix socket path for control commands ("" = none)
  std::ostream* lines = nullptr; // JSON lines (listening, stats, events, final); null = none
  nlohmann::json description;    // copied into the final JSON ("config")
};

class Relay {
 public:
  // Binds every port. Throws EnvironmentError when a port cannot be bound or an output cannot be
  // made (InputError for bad options is the caller's).
  explicit Relay(RelayConfig config);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  const std::vector<CallSetup>& calls() const;  // with the bound local endpoints
  // Runs until stopped; returns the final JSON (also written to <dir>/relay.json). Throws
  // EnvironmentError when the outputs cannot be written.
  nlohmann::json run();
  // Thread-safe: stops as a signal would.
  void request_stop();
  // Thread-safe: a control command line, as from stdin; the reply is passed to `reply` on the relay thread.
  void control(std::string line, std::function<void(const nlohmann::json&)> reply = {});

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
};

}  // namespace callsim::live
