// Configuration of one network link (one direction of a call path): plain structs with unit
// suffixes and defaults, filled by scenario/link_json.cc and read by sim::net::Link. Every model
// is off by default, so `LinkConfig{}` is a perfect wire (no loss, no delay, no rate limit).
// Probabilities are in [0, 1]; times in milliseconds or seconds as the suffix says.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.h"

namespace callsim::sim::net {

enum class LossModel : uint8_t {
  kNone,
  kBernoulli,       // netem `loss random P [CORR]`
  kGilbertElliott,  // netem `loss gemodel p r 1-h 1-k`
  kFourState,       // netem `loss state p13 p31 p32 p23 p14` (Salsano et al.)
};

// Random loss. Only the fields of the selected model are used.
struct LossConfig {
  LossModel model = LossModel::kNone;
  // Bernoulli: loss probability and netem correlation (next = (1-ρ)·U + ρ·last).
  // Gilbert-Elliott: p = P(good → bad).
  double p = 0.0;
  double correlation = 0.0;
  // Gilbert-Elliott (netem defaults: r = 1 - p, 1-h = 1, 1-k = 0).
  double r = 1.0;            // P(bad → good)
  double one_minus_h = 1.0;  // loss probability in the bad state
  double one_minus_k = 0.0;  // loss probability in the good state
  // Four-state Markov model (netem defaults: p31 = 1 - p13, p32 = 0, p23 = 1, p14 = 0).
  double p13 = 0.0, p31 = 1.0, p32 = 0.0, p23 = 1.0, p14 = 0.0;
};

enum class JitterDistribution : uint8_t { kUniform, kNormal, kPareto, kParetoNormal };

// How `correlation` couples successive jitter draws.
enum class CorrelationMode : uint8_t {
  kNetem,     // netem's correlated uniform fed to the quantile function (narrows the spread)
  kMarginal,  // Gaussian AR(1) copula: keeps the configured distribution exactly
};

// Propagation delay: base + jitter · Z, Z a standardized draw (mean 0, sd 1; for `uniform` Z is
// uniform on [-1, 1] as in netem, so jitter_ms is the half-width and the sd is jitter_ms/√3).
struct DelayConfig {
  double base_ms = 0.0;
  double jitter_ms = 0.0;
  JitterDistribution distribution = JitterDistribution::kUniform;
  double correlation = 0.0;
  CorrelationMode correlation_mode = CorrelationMode::kNetem;
  // false: FIFO delivery (arrival = max(computed, previous arrival)); true: netem-style, each
  // packet's delay is independent and jitter can reorder packets.
  bool reorder_by_jitter = false;
};

// netem `reorder P [CORR] gap N`: once N-1 packets have been delayed normally, each packet is,
// with probability p, sent without the propagation delay (it overtakes the packets in flight).
struct ReorderConfig {
  double p = 0.0;
  double correlation = 0.0;
  int64_t gap = 1;
};

// netem `duplicate P [CORR]`: a second copy traverses the link (queue, own delay draw).
struct DuplicateConfig {
  double p = 0.0;
  double correlation = 0.0;
};

// netem `corrupt P [CORR]`: one random bit of the packet flips. By default the corrupted packet is
// dropped (the receiver's UDP checksum would discard it); with `deliver` it arrives and the
// Delivery names the byte and bit so the caller can flip the real bytes.
struct CorruptConfig {
  double p = 0.0;
  double correlation = 0.0;
  bool deliver = false;
};

// Mahimahi delivery-opportunity trace: at each time one opportunity of `bytes_per_opportunity`
// bytes; the schedule repeats every `period` (the last timestamp), as Mahimahi's link does.
struct DeliveryTrace {
  std::vector<Duration> opportunities;  // non-decreasing, last > 0
  std::string file;
  uint64_t content_hash = 0;  // stable_hash of the file's bytes as read (0: not read from a file)
};

// Drop-tail limits of the bottleneck queue; 0 disables a limit. The packet being serialized counts.
struct QueueConfig {
  int64_t limit_packets = 1000;  // netem's default limit
  int64_t limit_bytes = 0;
  double limit_ms = 0.0;  // drop when the backlog ahead would delay the packet by more than this
};

// Bottleneck rate: constant kbit/s, or a Mahimahi trace; kbps = 0 and no trace = unlimited.
struct RateConfig {
  double kbps = 0.0;
  std::shared_ptr<const DeliveryTrace> trace;
  int64_t bytes_per_opportunity = 1500;
  // Added to each packet's size on the wire: IPv4 (20) + UDP (8); the size passed to send() is the
  // RTP packet (12-byte header + payload).
  int64_t overhead_bytes = 28;
  QueueConfig queue;
  bool limited() const { return kbps > 0.0 || trace != nullptr; }
};

enum class CrossPattern : uint8_t { kConstant, kOnOff };

// Competing traffic in the same bottleneck queue (wire sizes, no overhead added).
struct CrossTrafficConfig {
  double kbps = 0.0;  // 0 = none; the rate while "on"
  int64_t packet_bytes = 1200;
  CrossPattern pattern = CrossPattern::kConstant;
  double on_ms = 1000.0, off_ms = 1000.0;  // on/off cycle, starting "on" at time 0
};

// Every model of a link at one moment.
struct LinkModels {
  LossConfig loss;
  DelayConfig delay;
  ReorderConfig reorder;
  DuplicateConfig duplicate;
  CorruptConfig corrupt;
  RateConfig rate;
  CrossTrafficConfig cross_traffic;
};

// Numeric parameters a phase can ramp linearly across its window.
enum class RampParam : uint8_t {
  kLossP,
  kLossR,
  kLossOneMinusH,
  kLossOneMinusK,
  kDelayBaseMs,
  kDelayJitterMs,
  kRateKbps,
  kDuplicateP,
  kCorruptP,
  kReorderP,
  kCrossTrafficKbps,
};

struct Ramp {
  RampParam param = RampParam::kDelayBaseMs;
  double from = 0.0, to = 0.0;
};

// A time window [start, end) of the call with different conditions: whole model sections replaced
// (already merged with the link's own section by the parser), an outage (every packet sent in the
// window is dropped), and ramps. Later phases win when windows overlap.
struct Phase {
  std::string name;
  Duration start, end;
  // The phase ends where the call ends: it stays in force from start on, so that it also covers
  // what is sent at and after that instant (a call's last packet leaves at the end of its last
  // frame: at the call's duration, or up to a frame later when the talk is not a whole number of
  // frames, 10.02 s for 60 ms frames in 10 s; a whole-call outage must not let it through).
  bool through_call_end = false;
  bool outage = false;
  std::optional<LossConfig> loss;
  std::optional<DelayConfig> delay;
  std::optional<ReorderConfig> reorder;
  std::optional<DuplicateConfig> duplicate;
  std::optional<CorruptConfig> corrupt;
  std::optional<RateConfig> rate;
  std::optional<CrossTrafficConfig> cross_traffic;
  std::vector<Ramp> ramps;
};

// One line of a per-packet trace: the packet's one-way delay, or lost.
struct PacketTraceEntry {
  int64_t key = 0;  // packet index (by_index) or send time in ns (by_send_time)
  Duration delay;
  bool lost = false;
};

// Per-packet delay/loss replay; replaces the loss and delay models when set.
struct PacketTrace {
  enum class Key : uint8_t { kIndex, kSendTime };
  Key key = Key::kIndex;
  std::vector<PacketTraceEntry> entries;  // sorted by key
  bool loop = true;                       // index traces only: restart after the last entry
  std::string file;
  uint64_t content_hash = 0;  // stable_hash of the file's bytes as read (0: not read from a file)
};

struct LinkConfig : LinkModels {
  std::vector<Phase> phases;
  std::shared_ptr<const PacketTrace> trace;  // null = no replay
};

}  // namespace callsim::sim::net
