#include "jitter/fixed_jitter_buffer.h"

#include <algorithm>
#include <cmath>

namespace callsim::jitter {

namespace {
int64_t position_ns(int64_t position, int rate) {
  return position / rate * 1000000000 + position % rate * 1000000000 / rate;
}
}  // namespace

FixedJitterBuffer::FixedJitterBuffer(const FixedJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                                     int sample_rate_hz, FecProbe fec_probe, uint64_t seed)
    : config_(config),
      decoder_(std::move(decoder)),
      rate_(sample_rate_hz),
      frame_(sample_rate_hz / 100),
      producer_(*decoder_, sample_rate_hz, seed),
      stats_(sample_rate_hz),
      intake_(*decoder_, sample_rate_hz, std::move(fec_probe), stats_),
      last_duration_(2 * frame_) {}

double FixedJitterBuffer::delay_ms(int64_t position, sim::Timestamp at) const {
  return static_cast<double>(at.ns() - anchor_ns_.value_or(0) - position_ns(position, rate_)) / 1e6;
}

sim::Timestamp FixedJitterBuffer::queue_end(sim::Timestamp now) const {
  return now + sim::Duration::nanos(static_cast<int64_t>(queue_.size()) * 1000000000 / rate_);
}

void FixedJitterBuffer::insert(ReceivedPacket packet) {
  for (StoredPacket& p : intake_.accept(std::move(packet))) store(std::move(p));
}

void FixedJitterBuffer::store(StoredPacket p) {
  if (!anchor_ns_) anchor_ns_ = p.arrival.ns() - position_ns(p.position, rate_);
  if (started_ && p.end() <= next_position_) {
    stats_.packet_discarded(p.tag, DiscardedPacket::Reason::kLate);
    return;
  }
  if (packets_.insert(std::move(p)) == PacketBuffer::InsertResult::kDuplicateTimestamp)
    stats_.packet_duplicated();
}

bool FixedJitterBuffer::start_if_due(sim::Timestamp now) {
  const StoredPacket* first = packets_.first();
  if (!first) return false;
  const int64_t due_ns =
      *anchor_ns_ + position_ns(first->position, rate_) + std::llround(config_.delay_ms * 1e6);
  if (due_ns >= now.ns() + 10000000) return false;
  const int64_t lead =
      std::clamp<int64_t>(((due_ns - now.ns()) * rate_ + 999999999) / 1000000000, 0, frame_ - 1);
  producer_.silence(static_cast<int>(lead), queue_);
  next_position_ = first->position;
  started_ = true;
  return true;
}

PlayoutFrame FixedJitterBuffer::pull(sim::Timestamp now) {
  if (!started_ && !start_if_due(now)) {
    producer_.silence(frame_, queue_);
  } else {
    while (queue_.size() < static_cast<size_t>(frame_)) step();
    current_delay_ms_ = delay_ms(next_position_, queue_end(now));
  }
  PlayoutFrame frame;
  std::vector<SampleMeta> metas;
  queue_.pop(static_cast<size_t>(frame_), frame.samples, metas);
  frame.type = frame_type(metas);
  frame.playout_rtp_timestamp = playout_timestamp(metas, intake_);
  frame.played = played_spans(metas, intake_);
  frame.jitter_buffer_delay_ms = stats_.frame_emitted(now, metas, config_.delay_ms);
  return frame;
}

// One slot: decode the packet due now, or rebuild / conceal it (its slot has come: it is lost
// or late).
void FixedJitterBuffer::step() {
  if (const StoredPacket* p = packets_.covering(next_position_)) {
    const StoredPacket packet = *packets_.take(p->position);
    if (producer_.decode(packet, next_position_, queue_) > 0) {
      next_position_ = packet.end();
      last_duration_ = packet.duration;
      return;
    }
    stats_.packet_discarded(packet.tag, DiscardedPacket::Reason::kUndecodable);
  }
  const StoredPacket* next = packets_.next_after(next_position_);
  const int64_t gap = next ? next->position - next_position_ : last_duration_;
  if (config_.use_fec && next && next->has_fec && gap == next->duration) {
    producer_.recover_fec(*next, static_cast<int>(gap), queue_);
    stats_.fec_used();
    next_position_ = next->position;
    return;
  }
  const int q = producer_.plc_quantum();
  const int64_t n = std::clamp<int64_t>(std::min<int64_t>(gap, last_duration_), q, 12 * frame_);
  const int samples = static_cast<int>((n + q - 1) / q * q);
  producer_.fill_gap(samples, intake_.dtx_seen(), queue_);
  next_position_ += samples;
}

}  // namespace callsim::jitter
