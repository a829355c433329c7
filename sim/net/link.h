// One direction of a network path, netem-class: random loss, propagation delay with jitter,
// reordering, duplication, corruption, a rate-limited drop-tail bottleneck with cross traffic,
// time-varying phases and trace replay. Like WebRTC's SimulatedNetwork it holds no clock: the
// caller passes `now` (non-decreasing) and gets each packet's fate computed at send time, so the
// same object serves the discrete-event simulator and a live relay.
//
// Per packet, in this order: phases → loss (or trace) and outage → duplicate → bottleneck queue →
// propagation delay (reorder / jitter, FIFO clamp) → corruption. Each model draws from its own
// stream "link/<name>/<model>" of the scenario seed, once per packet sent whatever the other
// models decide, so switching one model on never shifts another's pattern.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/bottleneck.h"
#include "sim/net/correlated.h"
#include "sim/net/cross_traffic.h"
#include "sim/net/jitter.h"
#include "sim/net/link_config.h"
#include "sim/net/loss.h"
#include "sim/net/phase_schedule.h"
#include "sim/random.h"
#include "sim/time.h"

namespace callsim::sim::net {

struct PacketInfo {
  uint64_t id = 0;         // caller's identifier (e.g. RTP sequence number extended)
  int64_t size_bytes = 0;  // the RTP packet (header + payload); the link adds rate.overhead_bytes
};

// kAfterCall is not the link's: a call marks a copy whose arrival comes after its receiver has
// stopped playing (peer::Direction), lost to the call however late it would have come.
enum class DropCause : uint8_t { kNone, kRandomLoss, kQueueOverflow, kOutage, kCorruption, kTrace, kAfterCall };
inline constexpr size_t kDropCauseCount = 7;
const char* to_string(DropCause cause);  // "", "random_loss", "queue_overflow", ...

// The fate of one copy of a packet. Dropped copies are reported too (cause != kNone, arrival
// infinite), so send() appends 1 record, or 2 when the packet was duplicated.
struct Delivery {
  uint64_t id = 0;
  Timestamp sent;
  Timestamp arrival = Timestamp::infinite();
  DropCause cause = DropCause::kNone;
  bool duplicate = false;  // the extra copy made by the duplicate model
  bool reordered = false;  // sent ahead by the reorder model (skipped the propagation delay)
  bool corrupted = false;  // delivered with bit `corrupt_bit` of byte `corrupt_byte` flipped
  uint32_t corrupt_byte = 0;
  uint8_t corrupt_bit = 0;

  bool delivered() const { return cause == DropCause::kNone; }
  Duration delay() const { return arrival - sent; }
};

struct LinkCounters {
  uint64_t sent = 0;        // packets given to send()
  uint64_t duplicates = 0;  // extra copies made
  uint64_t delivered_copies = 0;
  uint64_t corrupted_delivered = 0;
  std::array<uint64_t, kDropCauseCount> drops{};  // copies dropped, by DropCause
};

class Link {
 public:
  Link(LinkConfig config, uint64_t scenario_seed, std::string_view name);

  // Appends the fate of `packet`, sent at `now`, to `out`.
  void send(Timestamp now, const PacketInfo& packet, std::vector<Delivery>& out);

  // Run-time control (the live relay): `phase` applies from phase.start, which must not precede
  // the last send() time; as the newest phase it wins over the configured ones while it lasts.
  // end_added_phases(t) ends every added phase still in force at t. models_at(t) gives the models
  // in force at t (t not before the last send() time). Offline replays call these at the same
  // points of the packet sequence to reproduce a live run.
  void add_phase(Phase phase);
  size_t end_added_phases(Timestamp t);
  const LinkModels& models_at(Timestamp t) { return schedule_.at(t); }
  const std::vector<Phase>& phases() const { return schedule_.config().phases; }
  size_t configured_phases() const { return schedule_.configured_phases(); }
  Timestamp last_send_time() const { return last_now_; }

  const std::string& name() const { return name_; }
  const LinkCounters& counters() const { return counters_; }
  const QueueStats& queue_stats() const { return bottleneck_.stats(); }
  const CrossTrafficStats& cross_traffic_stats() const { return cross_.stats(); }

 private:
  struct TraceSample {
    bool lost = false;
    Duration delay;
  };
  struct CopyDraws {
    double jitter = 0.0;
    bool corrupt = false;
    RandomStream* corrupt_rng = nullptr;  // source of the flipped byte/bit
  };
  TraceSample trace_sample(uint64_t index, Timestamp now) const;
  bool reorder_now(const ReorderConfig& reorder);
  void send_copy(Timestamp now, const PacketInfo& packet, const LinkModels& m, const TraceSample* trace,
                 const CopyDraws& draws, Delivery d, std::vector<Delivery>& out);
  void emit(const Delivery& d, std::vector<Delivery>& out);

  std::string name_;
  PhaseSchedule schedule_;
  std::shared_ptr<const PacketTrace> trace_;
  RandomStream duplicate_rng_, corrupt_rng_, corrupt_bits_rng_, reorder_rng_;
  LossProcess loss_;
  JitterSource jitter_;
  NetemCorrelated duplicate_corr_, corrupt_corr_, reorder_corr_;
  Bottleneck bottleneck_;
  CrossTraffic cross_;
  int64_t reorder_counter_ = 0;
  Timestamp last_fifo_arrival_;
  Timestamp last_now_;
  LinkCounters counters_;
};

}  // namespace callsim::sim::net
