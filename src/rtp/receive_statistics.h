// Receive-side accounting of one RTP source, per RFC 3550 Appendix A: sequence validation and
// extended (wrap-around) sequence numbers with MAX_DROPOUT / MAX_MISORDER / probation (A.1), the
// cumulative and interval loss computation (A.3: expected - received, negative when duplicates
// outnumber losses) and the interarrival jitter estimate (A.8, in timestamp units and in ms).
// On top of A.1 it classifies each packet as in order, reordered (late) or duplicate, using a
// window of recently seen extended sequence numbers. Time is passed in; nothing reads a clock.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace callsim::rtp {

struct ReceiveConfig {
  int clock_rate_hz = 48000;  // RTP timestamp clock (48000 for Opus)
  int max_dropout = 3000;     // A.1 MAX_DROPOUT: larger forward jumps are suspicious
  int max_misorder = 100;     // A.1 MAX_MISORDER: how far behind the highest a late packet may be
  int min_sequential = 2;     // A.1 MIN_SEQUENTIAL: in-sequence packets needed to validate (1 = none)
};

enum class ArrivalKind {
  kInOrder,    // new highest sequence number (possibly after a gap)
  kReordered,  // below the highest and not seen before: reordered or late
  kDuplicate,  // seen before
  kProbation,  // the source is not validated yet (A.1); counted once it is
  kBadJump,    // outside MAX_DROPOUT / MAX_MISORDER: ignored (A.1); two in sequence restart the source
  kRestart,    // the second of those: sequence accounting starts over from this packet
};

struct Arrival {
  ArrivalKind kind = ArrivalKind::kInOrder;
  int64_t extended_sequence = 0;  // cycles * 65536 + sequence; meaningless for kBadJump
};

struct ReceiveCounts {
  int64_t received = 0;    // A.3 "received": valid packets, duplicates and late ones included
  int64_t expected = 0;    // highest extended sequence - base + 1
  int64_t lost = 0;        // expected - received (cumulative; may be negative)
  int64_t duplicates = 0;  // cumulative over restarts, like the two below
  int64_t reordered = 0;
  int64_t ignored = 0;  // bad jumps and packets of failed probation runs
  int64_t restarts = 0;
  int64_t highest_extended_sequence = 0;
  double jitter_ticks = 0;  // A.8 estimate, timestamp units
  double jitter_ms = 0;
  double max_jitter_ms = 0;  // largest estimate seen
  double mean_jitter_ms = 0;  // mean of the estimate after each update (every packet but the first)
  int64_t jitter_updates = 0;
  int64_t jitter_clock_updates = 0;  // updates since the estimate last started (restart_jitter)

  // RTCP report-block forms: 24-bit clamped cumulative loss, integer jitter.
  int32_t rtcp_cumulative_lost() const;
  uint32_t rtcp_jitter() const { return static_cast<uint32_t>(jitter_ticks); }
};

// A.3 per-interval loss (between two take_interval() calls), as RTCP's "fraction lost".
struct IntervalLoss {
  int64_t expected = 0, received = 0, lost = 0;
  uint8_t fraction_lost = 0;  // lost / expected in 1/256 units, 0 when nothing was lost
};

class ReceiveStatistics {
 public:
  explicit ReceiveStatistics(ReceiveConfig config = {});  // throws std::invalid_argument

  Arrival on_packet(uint16_t sequence, uint32_t rtp_timestamp, sim::Timestamp arrival);
  ReceiveCounts counts() const;
  IntervalLoss take_interval();
  bool validated() const { return probation_ == 0 && started_; }
  // Starts the A.8 estimate over on another timestamp clock (the source switched to a payload
  // type with another clock rate: timestamps of the two cannot be compared). The largest and the
  // mean estimate keep what came before, in ms. Throws std::invalid_argument for a rate <= 0.
  void restart_jitter(int clock_rate_hz);

 private:
  Arrival update_sequence(uint16_t seq);
  Arrival on_probation(uint16_t seq);
  void init_sequence(uint16_t seq, int64_t already_received);
  bool mark_seen(int64_t ext);  // returns true when ext was seen already
  void update_jitter(uint32_t rtp_timestamp, sim::Timestamp arrival);

  ReceiveConfig config_;
  bool started_ = false;
  int probation_ = 0, pending_ = 0;
  uint16_t max_seq_ = 0;
  uint32_t bad_seq_ = 0;
  int64_t cycles_ = 0, base_ext_ = 0, max_ext_ = 0;
  int64_t received_ = 0, expected_prior_ = 0, received_prior_ = 0;
  int64_t duplicates_ = 0, reordered_ = 0, ignored_ = 0, restarts_ = 0;
  std::vector<bool> seen_;  // ring indexed by extended sequence modulo its size
  bool have_previous_ = false;
  sim::Timestamp previous_arrival_;
  uint32_t previous_timestamp_ = 0;
  double jitter_ = 0, max_jitter_ = 0, jitter_sum_ = 0;
  int64_t jitter_updates_ = 0;
  // Before the last restart_jitter, in ms (none: jitter_restarts_ == 0).
  int jitter_restarts_ = 0;
  double prior_max_jitter_ms_ = 0, prior_jitter_sum_ms_ = 0;
  int64_t prior_jitter_updates_ = 0;
};

}  // namespace callsim::rtp
