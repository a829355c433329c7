#include "rtp/receive_statistics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::rtp {
namespace {

constexpr int64_t kSeqMod = 65536;

size_t window_size(int max_misorder) {
  size_t n = 128;
  while (n <= static_cast<size_t>(max_misorder)) n *= 2;
  return n;
}

}  // namespace

int32_t ReceiveCounts::rtcp_cumulative_lost() const {
  return static_cast<int32_t>(std::clamp<int64_t>(lost, -0x800000, 0x7FFFFF));
}

ReceiveStatistics::ReceiveStatistics(ReceiveConfig config) : config_(config) {
  if (config_.clock_rate_hz <= 0) throw std::invalid_argument("rtp: clock rate must be positive");
  if (config_.max_dropout < 1 || config_.max_misorder < 1 ||
      config_.max_dropout + config_.max_misorder >= kSeqMod)
    throw std::invalid_argument("rtp: max_dropout and max_misorder must be positive and sum below 65536");
  if (config_.min_sequential < 1) throw std::invalid_argument("rtp: min_sequential must be at least 1");
  seen_.assign(window_size(config_.max_misorder), false);
}

Arrival ReceiveStatistics::on_packet(uint16_t sequence, uint32_t rtp_timestamp, sim::Timestamp arrival) {
  const Arrival a = update_sequence(sequence);
  if (a.kind != ArrivalKind::kBadJump) update_jitter(rtp_timestamp, arrival);
  return a;
}

// RFC 3550 A.1 update_seq(), plus duplicate / reorder classification.
Arrival ReceiveStatistics::update_sequence(uint16_t seq) {
  if (!started_) {
    started_ = true;
    max_seq_ = static_cast<uint16_t>(seq - 1);
    probation_ = config_.min_sequential;
  }
  if (probation_ > 0) return on_probation(seq);
  const auto udelta = static_cast<uint16_t>(seq - max_seq_);
  Arrival a;
  if (udelta < config_.max_dropout) {  // in order, possibly with a gap
    if (seq < max_seq_) cycles_ += kSeqMod;
    max_seq_ = seq;
    a = {ArrivalKind::kInOrder, cycles_ + seq};
  } else if (udelta <= kSeqMod - config_.max_misorder) {  // a very large jump
    if (seq == bad_seq_) {  // two sequential packets: assume the sender restarted
      ++restarts_;
      init_sequence(seq, 1);
      return {ArrivalKind::kRestart, max_ext_};
    }
    bad_seq_ = (seq + 1u) & 0xFFFFu;
    ++ignored_;
    return {ArrivalKind::kBadJump, 0};
  } else {  // behind the highest: duplicate or reordered
    a = {ArrivalKind::kReordered, cycles_ + seq - (seq > max_seq_ ? kSeqMod : 0)};
  }
  if (mark_seen(a.extended_sequence)) a.kind = ArrivalKind::kDuplicate;
  duplicates_ += a.kind == ArrivalKind::kDuplicate;
  reordered_ += a.kind == ArrivalKind::kReordered;
  ++received_;
  return a;
}

// A.1 probation: MIN_SEQUENTIAL packets in sequence validate the source. Unlike the A.1 listing,
// all packets of the validating run are counted (a clean stream of N packets reports N received).
Arrival ReceiveStatistics::on_probation(uint16_t seq) {
  if (seq == static_cast<uint16_t>(max_seq_ + 1)) {
    ++pending_;
    --probation_;
    max_seq_ = seq;
    if (probation_ == 0) {
      init_sequence(seq, pending_);
      return {ArrivalKind::kInOrder, max_ext_};
    }
    return {ArrivalKind::kProbation, seq};
  }
  ignored_ += pending_;  // the run is broken; this packet starts a new one
  pending_ = 1;
  probation_ = config_.min_sequential - 1;
  max_seq_ = seq;
  if (probation_ == 0) {
    init_sequence(seq, 1);
    return {ArrivalKind::kInOrder, max_ext_};
  }
  return {ArrivalKind::kProbation, seq};
}

// A.1 init_seq(), with `already_received` packets (ending at seq) counted as received.
void ReceiveStatistics::init_sequence(uint16_t seq, int64_t already_received) {
  cycles_ = seq < already_received - 1 ? kSeqMod : 0;  // the run wrapped: keep its numbers positive
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;
  max_ext_ = cycles_ + seq;
  base_ext_ = max_ext_ - (already_received - 1);
  received_ = already_received;
  received_prior_ = expected_prior_ = 0;
  probation_ = 0;
  pending_ = 0;
  std::fill(seen_.begin(), seen_.end(), false);
  for (int64_t e = std::max(base_ext_, max_ext_ - static_cast<int64_t>(seen_.size()) + 1); e <= max_ext_; ++e)
    seen_[static_cast<size_t>(e % static_cast<int64_t>(seen_.size()))] = true;
}

bool ReceiveStatistics::mark_seen(int64_t ext) {
  const auto n = static_cast<int64_t>(seen_.size());
  if (ext > max_ext_) {
    for (int64_t e = std::max(max_ext_ + 1, ext - n + 1); e <= ext; ++e)
      seen_[static_cast<size_t>(e % n)] = false;
    max_ext_ = ext;
  }
  if (ext <= max_ext_ - n || ext < 0) return false;  // too old to tell
  const auto slot = static_cast<size_t>(ext % n);
  const bool was = seen_[slot];
  seen_[slot] = true;
  return was;
}

// A.8: J += (|D(i-1,i)| - J) / 16, D = difference of relative transit times, in timestamp units.
void ReceiveStatistics::update_jitter(uint32_t rtp_timestamp, sim::Timestamp arrival) {
  if (have_previous_) {
    const double arrival_ticks =
        static_cast<double>((arrival - previous_arrival_).ns()) * config_.clock_rate_hz / 1e9;
    const auto timestamp_ticks = static_cast<int32_t>(rtp_timestamp - previous_timestamp_);
    const double d = std::abs(arrival_ticks - timestamp_ticks);
    jitter_ += (d - jitter_) / 16;
    max_jitter_ = std::max(max_jitter_, jitter_);
    jitter_sum_ += jitter_;
    ++jitter_updates_;
  }
  have_previous_ = true;
  previous_arrival_ = arrival;
  previous_timestamp_ = rtp_timestamp;
}

ReceiveCounts ReceiveStatistics::counts() const {
  ReceiveCounts c;
  if (validated()) {
    c.received = received_;
    c.expected = max_ext_ - base_ext_ + 1;
    c.lost = c.expected - c.received;
    c.highest_extended_sequence = max_ext_;
  }
  c.duplicates = duplicates_;
  c.reordered = reordered_;
  c.ignored = ignored_;
  c.restarts = restarts_;
  c.jitter_ticks = jitter_;
  c.jitter_ms = jitter_ * 1000.0 / config_.clock_rate_hz;
  c.max_jitter_ms = max_jitter_ * 1000.0 / config_.clock_rate_hz;
  c.jitter_updates = jitter_updates_;
  c.jitter_clock_updates = jitter_updates_;
  c.mean_jitter_ms = jitter_updates_ ? jitter_sum_ / static_cast<double>(jitter_updates_) * 1000.0 / config_.clock_rate_hz : 0.0;
  if (jitter_restarts_ > 0) {  // fold in the estimates on earlier clocks
    c.jitter_updates = prior_jitter_updates_ + jitter_updates_;
    c.max_jitter_ms = std::max(prior_max_jitter_ms_, c.max_jitter_ms);
    c.mean_jitter_ms = c.jitter_updates ? (prior_jitter_sum_ms_ + jitter_sum_ * 1000.0 / config_.clock_rate_hz) /
                                              static_cast<double>(c.jitter_updates)
                                        : 0.0;
  }
  return c;
}

void ReceiveStatistics::restart_jitter(int clock_rate_hz) {
  if (clock_rate_hz <= 0) throw std::invalid_argument("rtp: clock rate must be positive");
  const double ms_per_tick = 1000.0 / config_.clock_rate_hz;
  prior_max_jitter_ms_ = std::max(prior_max_jitter_ms_, max_jitter_ * ms_per_tick);
  prior_jitter_sum_ms_ += jitter_sum_ * ms_per_tick;
  prior_jitter_updates_ += jitter_updates_;
  ++jitter_restarts_;
  config_.clock_rate_hz = clock_rate_hz;
  jitter_ = max_jitter_ = jitter_sum_ = 0;
  jitter_updates_ = 0;
  have_previous_ = false;
}

// A.3: loss since the previous call.
IntervalLoss ReceiveStatistics::take_interval() {
  const ReceiveCounts c = counts();
  IntervalLoss r;
  r.expected = c.expected - expected_prior_;
  r.received = c.received - received_prior_;
  r.lost = r.expected - r.received;
  expected_prior_ = c.expected;
  received_prior_ = c.received;
  if (r.expected > 0 && r.lost > 0)
    r.fraction_lost = static_cast<uint8_t>(std::min<int64_t>(255, (r.lost << 8) / r.expected));
  return r;
}

}  // namespace callsim::rtp
