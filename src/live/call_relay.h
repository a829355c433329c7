// One relayed call: a port pair (side A, side B) and its two link directions, a->b through the
// scenario's first link and b->a through the second. Clock-free and socket-free: the engine
// (relay.h) reads datagrams and the clock and hands them here; this class decides whether a
// datagram is accepted (its source is the side's endpoint — given, or learned from the first
// packet as rtpproxy does — it is neither empty nor oversized, and the other side is known), runs
// it through the direction's sim::net::Link at link time = relay time - the call's time zero (its
// first accepted packet), records statistics on both sides, the fate log and the pcaps, and
// returns the copies to release with their due times. The engine sends them and reports back.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/capture.h"
#include "live/control.h"
#include "live/duration_histogram.h"
#include "live/endpoint.h"
#include "live/fate_writer.h"
#include "live/stream_stats.h"
#include "sim/net/link.h"

namespace callsim::live {

const char* side_name(int side);            // "a", "b"
const char* direction_name(int direction);  // "a->b", "b->a" (direction d goes from side d)

struct RelayPolicy {
  size_t max_datagram_bytes = 1500;         // larger ones are dropped (counted "oversized")
  uint32_t max_learn = 8;                   // times a side may learn an endpoint during the run
  std::vector<Cidr> learn_from;             // sources a side may learn from (empty = any)
  // rtpproxy's asymmetric mode: a side with a given endpoint accepts datagrams from any source
  // (in learn_from) and still sends to the given endpoint — for endpoints that do not send from
  // the port they receive on.
  bool asymmetric = false;
  sim::Duration idle_timeout = sim::Duration::seconds(60);  // forget a learned endpoint; 0 = never
};

struct CallSetup {
  int index = 0;
  std::array<sim::net::LinkConfig, 2> links;  // [0] a->b, [1] b->a
  std::array<std::string, 2> link_names;
  uint64_t seed = 1;
  std::array<Endpoint, 2> local;                    // the relay's address:port of each side
  std::array<std::optional<Endpoint>, 2> given;     // endpoints given on the command line
};

// Where a call writes its files (empty dir = nowhere) and the wall-clock time of relay time zero.
struct CallOutputs {
  std::filesystem::path dir;
  bool fates = true, pcaps = true;
  int64_t unix_ns_at_zero = 0;
};

struct SideCounters {
  uint64_t datagrams = 0;       // read on this side's port, from any source
  uint64_t from_endpoint = 0;   // from the side's endpoint
  uint64_t unknown_source = 0;  // from anyone else (or refused learning): dropped
  uint64_t empty = 0, oversized = 0;          // from the endpoint, dropped
  uint64_t no_destination = 0;  // the other side's endpoint was not known yet: dropped
  uint64_t inflight_full = 0;   // the relay's in-flight limit was reached: dropped
  uint64_t learned = 0, learn_refused = 0, forgotten = 0;
  uint64_t kernel_drops = 0;    // the socket's receive queue overflowed (SO_RXQ_OVFL)
};

// A copy to release: at relay time `due`, on the socket of side 1-direction, to its endpoint.
struct ScheduledCopy {
  sim::Timestamp due;
  uint64_t index = 0;
  bool duplicate = false;
  bool corrupted = false;  // flip bit `corrupt_bit` of byte `corrupt_byte` before sending
  uint32_t corrupt_byte = 0;
  uint8_t corrupt_bit = 0;
};

class CallRelay {
 public:
  enum class Verdict : uint8_t { kAccepted, kUnknownSource, kEmpty, kOversized, kNoDestination, kInflightFull };
  // on_released error codes besides errno values.
  static constexpr int kDestinationForgotten = -1, kStopped = -2;

  CallRelay(CallSetup setup, const RelayPolicy* policy, const PayloadTypes* types, const CallOutputs& outputs);
  CallRelay(const CallRelay&) = delete;
  CallRelay& operator=(const CallRelay&) = delete;

  // A datagram of `size` bytes (`data` may hold fewer when it was truncated) read on side `side`'s
  // port at relay time `now`. When accepted, its copies are appended to `copies`. `room`: the
  // relay can hold more copies in flight (else the datagram is dropped before the link).
  Verdict on_datagram(int side, sim::Timestamp now, const Endpoint& from, std::span<const uint8_t> data, size_t size,
                      bool room, std::vector<ScheduledCopy>& copies);
  void add_kernel_drops(int side, uint64_t n) { sides_[side].counters.kernel_drops += n; }
  // The copy was sent at `now` (error 0) or not (errno, kDestinationForgotten, kStopped).
  void on_released(int direction, const ScheduledCopy& copy, sim::Timestamp now, std::span<const uint8_t> data,
                   int error);
  // Forgets learned endpoints idle longer than the timeout: nothing from the endpoint, nothing
  // accepted towards it and nothing released to it for that long (an endpoint that only listens
  // is not idle while the other side talks to it).
  void check_idle(sim::Timestamp now);
  // Applies a link command to one direction now; returns the event record (with "error" on failure).
  nlohmann::json apply(const LinkCommand& command, int direction, sim::Timestamp now);

  const std::optional<Endpoint>& endpoint(int side) const { return sides_[side].peer; }
  const Endpoint& local(int side) const { return setup_.local[side]; }
  int index() const { return setup_.index; }
  // Events (learned, forgotten, ...) since the last call, for the engine to print and log.
  std::vector<nlohmann::json> take_events() { return std::exchange(events_, {}); }
  bool has_events() const { return !events_.empty(); }
  // Statistics so far; `interval` adds and resets the release-error histograms of the interval.
  nlohmann::json to_json(bool interval);
  const DurationHistogram& release_error(int direction) const { return dirs_[direction]->release_error; }
  const SideStats& side_stats(int direction, bool out) const {
    return out ? dirs_[direction]->out : dirs_[direction]->in;
  }
  // Commits the fate logs and pcaps (copies still in flight are logged as not released).
  void finish();

 private:
  struct Side {
    std::optional<Endpoint> peer;
    bool given = false;
    sim::Timestamp last_seen;  // the latest datagram from the endpoint, accepted towards it or sent to it
    uint32_t learn_count = 0;
    SideCounters counters;
  };
  struct Direction {
    Direction(const sim::net::LinkConfig& config, uint64_t seed, const std::string& name, const PayloadTypes* types)
        : link(config, seed, name), in(types), out(types) {}
    sim::net::Link link;
    SideStats in, out;
    uint64_t next_index = 0, released = 0, send_errors = 0;
    uint64_t destination_forgotten = 0, cut_off_by_stop = 0;  // delivered by the model, not sent
    DurationHistogram release_error, interval_error, link_delay;
    std::unique_ptr<FateLogWriter> fates;
    std::unique_ptr<SideCapture> in_pcap, out_pcap;
  };

  bool admit_source(Side& side, int s, sim::Timestamp now, const Endpoint& from);
  bool allowed_source(const Endpoint& from) const;
  void run_link(int d, sim::Timestamp now, std::span<const uint8_t> data, const Classified& c,
                std::vector<ScheduledCopy>& copies);
  nlohmann::json side_json(int s) const;
  nlohmann::json direction_json(int d, bool interval);
  void event(const char* name, int side, sim::Timestamp now, const Endpoint& who);

  CallSetup setup_;
  const RelayPolicy* policy_;
  std::array<Side, 2> sides_;
  std::vector<std::unique_ptr<Direction>> dirs_;
  std::optional<sim::Timestamp> t0_;  // relay time of link time zero
  std::vector<sim::net::Delivery> deliveries_;
  std::vector<nlohmann::json> events_;
};

}  // namespace callsim::live
