#include "jitter/packet_intake.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "codec/opus_packet.h"

namespace callsim::jitter {

PacketIntake::PacketIntake(const codec::Decoder& decoder, int sample_rate_hz, FecProbe probe,
                           StatsRecorder& stats)
    : decoder_(decoder),
      ticks_per_sample_(sample_rate_hz > 0 ? 48000 / sample_rate_hz : 0),
      probe_(std::move(probe)),
      stats_(stats),
      max_step_samples_(sample_rate_hz) {
  if (sample_rate_hz <= 0 || 48000 % sample_rate_hz != 0)
    throw std::invalid_argument("jitter buffer: output rate " + std::to_string(sample_rate_hz) +
                                " Hz does not divide the 48 kHz RTP clock");
  if (decoder.sample_rate_hz() != sample_rate_hz)
    throw std::invalid_argument("jitter buffer: decoder runs at " + std::to_string(decoder.sample_rate_hz()) +
                                " Hz, output at " + std::to_string(sample_rate_hz) + " Hz");
  if (!probe_) probe_ = [](std::span<const uint8_t> p) { return codec::has_lbrr(p); };
}

bool PacketIntake::jumps_from(const StoredPacket& s, int64_t sequence, int64_t end) const {
  const int64_t steps = std::max<int64_t>(s.sequence - sequence, 1);
  return s.position > end + steps * max_step_samples_;
}

std::vector<StoredPacket> PacketIntake::accept(ReceivedPacket&& packet) {
  std::vector<StoredPacket> out;
  stats_.packet_received();
  StoredPacket s;
  s.sequence = seq_unwrap_.unwrap(packet.sequence);
  if (duplicates_.seen_before(s.sequence)) {
    stats_.packet_duplicated();
    return out;
  }
  const int64_t ticks = ts_unwrap_.unwrap(packet.rtp_timestamp);
  // Floor division (positions may be negative for packets reordered before the first one).
  s.position =
      ticks >= 0 ? ticks / ticks_per_sample_ : -((-ticks + ticks_per_sample_ - 1) / ticks_per_sample_);
  s.duration = decoder_.payload_samples(packet.payload);
  s.tag = packet.tag;
  if (s.duration <= 0) {
    stats_.packet_discarded(s.tag, DiscardedPacket::Reason::kUndecodable);
    return out;
  }
  s.marker = packet.marker;
  s.has_fec = probe_(packet.payload);
  if (s.has_fec) stats_.fec_packet_received();
  s.payload = std::move(packet.payload);
  s.arrival = packet.arrival;

  if (held_ && s.sequence > held_->sequence) {
    if (s.position >= held_->position && !jumps_from(s, held_->sequence, held_->end())) {  // the jump was real
      note_dtx(*held_);
      out.push_back(std::move(*held_));
    } else {  // the held packet's timestamp was wrong (or both are: drop the older)
      stats_.packet_discarded(held_->tag, DiscardedPacket::Reason::kBadTimestamp);
    }
    held_.reset();
  }
  if (last_sequence_ && jumps_from(s, *last_sequence_, *last_end_)) {
    if (s.sequence > *last_sequence_ && !held_) {
      held_ = std::move(s);
    } else {
      stats_.packet_discarded(s.tag, DiscardedPacket::Reason::kBadTimestamp);
    }
    return out;
  }
  note_dtx(s);
  out.push_back(std::move(s));
  return out;
}

void PacketIntake::note_dtx(const StoredPacket& s) {
  const bool was_seen = dtx_seen_;
  if (last_sequence_ && s.marker && s.sequence > *last_sequence_) dtx_seen_ = true;
  if (last_sequence_ && s.sequence == *last_sequence_ + 1 && s.position > *last_end_ + s.duration / 2)
    dtx_seen_ = true;
  if (dtx_seen_ && !was_seen) stats_.dtx_seen();
  if (!last_sequence_ || s.sequence > *last_sequence_) {
    last_sequence_ = s.sequence;
    last_end_ = s.end();
  }
}

std::optional<uint32_t> playout_timestamp(std::span<const SampleMeta> metas, const PacketIntake& intake) {
  if (metas.empty() || metas[0].position < 0 || !is_decoded(metas[0].kind)) return std::nullopt;
  return intake.rtp_timestamp(metas[0].position);
}

std::vector<PlayoutFrame::PlayedSpan> played_spans(std::span<const SampleMeta> metas, const PacketIntake& intake) {
  std::vector<PlayoutFrame::PlayedSpan> out;
  int64_t next = -1;  // the position that would continue the current run
  for (const auto& m : metas) {
    if (m.position < 0 || !is_decoded(m.kind)) {
      next = -1;
      continue;
    }
    const bool fec = m.fec || m.kind == SampleKind::kFec;
    if (m.position == next && out.back().fec == fec) {
      out.back().ticks += static_cast<uint32_t>(intake.ticks_per_sample());
    } else {
      out.push_back({intake.rtp_timestamp(m.position), static_cast<uint32_t>(intake.ticks_per_sample()), fec});
    }
    next = m.position + 1;
  }
  return out;
}

}  // namespace callsim::jitter
