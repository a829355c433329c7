#include "jitter/speex_jitter_buffer.h"

#include <speex/speex_jitter.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

void SpeexJitterBuffer::Destroy::operator()(JitterBuffer_* jb) const { jitter_buffer_destroy(jb); }

SpeexJitterBuffer::SpeexJitterBuffer(const SpeexJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                                     int sample_rate_hz, FecProbe fec_probe)
    : decoder_(std::move(decoder)),
      rate_(sample_rate_hz),
      frame_(sample_rate_hz / 100),
      history_(sample_rate_hz, sim::Duration::seconds(2)),
      producer_(*decoder_, sample_rate_hz, config.seed),
      stats_(sample_rate_hz),
      intake_(*decoder_, sample_rate_hz, std::move(fec_probe), stats_),
      use_fec_(config.use_fec) {
  jb_.reset(jitter_buffer_init(static_cast<int>(to_units(frame_))));  // one 10 ms step
  if (!jb_) throw std::runtime_error("speexdsp: jitter_buffer_init failed");
  auto margin = static_cast<spx_int32_t>(std::lround(config.margin_ms * kUnitsPerSecond / 1000.0));
  spx_int32_t late_rate = std::clamp(config.max_late_rate_pct, 1, 100);
  jitter_buffer_ctl(jb_.get(), JITTER_BUFFER_SET_MARGIN, &margin);
  jitter_buffer_ctl(jb_.get(), JITTER_BUFFER_SET_MAX_LATE_RATE, &late_rate);
}

void SpeexJitterBuffer::insert(ReceivedPacket packet) {
  for (StoredPacket& p : intake_.accept(std::move(packet))) store(std::move(p));
}

void SpeexJitterBuffer::store(StoredPacket p) {
  history_.insert(p.position, p.arrival);
  JitterBufferPacket jp{};
  jp.data = reinterpret_cast<char*>(p.payload.data());
  jp.len = static_cast<spx_uint32_t>(p.payload.size());
  jp.timestamp = static_cast<spx_uint32_t>(to_units(p.position));
  jp.span = static_cast<spx_uint32_t>(to_units(p.duration));
  jp.sequence = static_cast<spx_uint16_t>(p.sequence & 0xffff);
  jp.user_data = next_id_;
  jitter_buffer_put(jb_.get(), &jp);  // copies the payload
  max_payload_ = std::max(max_payload_, p.payload.size());
  pending_.emplace(next_id_++, Pending{std::move(p)});
  ++put_;
}

// One jitter_buffer_get: appends what speexdsp says to play at its pointer.
void SpeexJitterBuffer::fetch() {
  const int q = producer_.plc_quantum();
  auto plc_len = [&](int64_t samples) { return static_cast<int>(std::max<int64_t>(q, (samples + q - 1) / q * q)); };
  std::vector<char> buf(std::max<size_t>(1, max_payload_));
  JitterBufferPacket jp{};
  jp.data = buf.data();
  jp.len = static_cast<spx_uint32_t>(buf.size());
  spx_int32_t offset = 0;
  const int r = jitter_buffer_get(jb_.get(), &jp, static_cast<spx_int32_t>(to_units(frame_)), &offset);
  auto it = r == JITTER_BUFFER_OK ? pending_.find(jp.user_data) : pending_.end();
  if (it != pending_.end()) {
    StoredPacket packet = std::move(it->second.packet);
    pending_.erase(it);
    ++returned_;
    packet.payload.assign(buf.begin(), buf.begin() + jp.len);
    const int64_t unplayed = std::max<int64_t>(0, packet.position - std::max(next_position_, recovered_until_));
    if (offset > 0 && unplayed > 0)
      producer_.fill_gap(plc_len(std::min<int64_t>(from_units(offset), unplayed)), intake_.dtx_seen(), queue_);
    if (offset < 0) stats_.samples_removed(static_cast<uint64_t>(from_units(-offset)));
    const int64_t from = packet.position + std::max<int64_t>(0, from_units(-offset));
    if (producer_.decode(packet, from, queue_) == 0) {
      stats_.packet_discarded(packet.tag, DiscardedPacket::Reason::kUndecodable);
      producer_.conceal(frame_, queue_);
    }
    next_position_ = packet.end();
    started_ = true;
    return;
  }
  if (!started_) {
    producer_.silence(frame_, queue_);
  } else if (r == JITTER_BUFFER_MISSING && next_position_ < recovered_until_) {
    next_position_ += from_units(jp.span);  // already played from FEC
  } else if (r == JITTER_BUFFER_MISSING && use_fec_ && recover_fec()) {
    next_position_ += from_units(jp.span);
  } else if (r == JITTER_BUFFER_INSERTION) {
    const int n = plc_len(from_units(jp.span));
    producer_.insert_plc(n, queue_);
    stats_.samples_inserted(static_cast<uint64_t>(n));
  } else {
    const int n = plc_len(from_units(jp.span));
    producer_.fill_gap(n, intake_.dtx_seen(), queue_);
    next_position_ += n;
  }
}

bool SpeexJitterBuffer::recover_fec() {
  // The packet after the missing one: the first kept packet starting after the pointer.
  const Pending* next = nullptr;
  for (const auto& [id, pending] : pending_)
    if (pending.packet.position > next_position_ && (!next || pending.packet.position < next->packet.position))
      next = &pending;
  if (!next || !next->packet.has_fec) return false;
  const int64_t gap = next->packet.position - next_position_;
  if (gap > next->packet.duration || gap % producer_.plc_quantum() != 0) return false;
  producer_.recover_fec(next->packet, static_cast<int>(gap), queue_);
  stats_.fec_used();
  recovered_until_ = next->packet.position;
  return true;
}

void SpeexJitterBuffer::forget_old() {
  // Packets speexdsp dropped never come back; forget them a second behind the pointer.
  const int64_t horizon = next_position_ - rate_;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.packet.end() < horizon) {
      dropped_.push_back(it->second.packet.tag);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<uint64_t> SpeexJitterBuffer::dropped_by_speexdsp() const {
  // Every packet put is returned by jitter_buffer_get or dropped by speexdsp (late on arrival, or
  // its own overflow); a packet not returned once the pointer has passed its end was dropped.
  std::vector<uint64_t> tags = dropped_;
  for (const auto& [id, pending] : pending_)
    if (pending.packet.end() <= next_position_) tags.push_back(pending.packet.tag);
  return tags;
}

PlayoutFrame SpeexJitterBuffer::pull(sim::Timestamp now) {
  if (put_ == 0) {
    producer_.silence(frame_, queue_);
  } else {
    while (queue_.size() < static_cast<size_t>(frame_)) fetch();
  }
  PlayoutFrame frame;
  std::vector<SampleMeta> metas;
  queue_.pop(static_cast<size_t>(frame_), frame.samples, metas);
  frame.type = frame_type(metas);
  frame.playout_rtp_timestamp = playout_timestamp(metas, intake_);
  frame.played = played_spans(metas, intake_);
  const auto left = static_cast<int64_t>(queue_.size());
  if (put_ > 0)
    jitter_buffer_remaining_span(jb_.get(), static_cast<spx_uint32_t>(to_units(left)));
  if (started_) {
    const sim::Timestamp end = now + sim::Duration::nanos(int64_t{10000000} + left * 1000000000 / rate_);
    current_delay_ms_ = history_.delay_ms(next_position_, end);
  }
  frame.jitter_buffer_delay_ms = stats_.frame_emitted(now, metas, current_delay_ms_);
  forget_old();
  return frame;
}

JitterStats SpeexJitterBuffer::stats() const {
  JitterStats s = stats_.stats();
  s.packets_discarded += dropped_by_speexdsp().size();
  return s;
}

std::vector<DiscardedPacket> SpeexJitterBuffer::discarded_packets() const {
  std::vector<DiscardedPacket> out = stats_.discarded();
  for (const uint64_t tag : dropped_by_speexdsp())
    out.push_back(DiscardedPacket{tag, DiscardedPacket::Reason::kSpeexdsp});
  return out;
}

uint64_t SpeexJitterBuffer::speexdsp_gone_count() const {
  spx_int32_t available = 0;
  jitter_buffer_ctl(jb_.get(), JITTER_BUFFER_GET_AVAILABLE_COUNT, &available);
  return put_ - returned_ - std::min<uint64_t>(put_ - returned_, static_cast<uint64_t>(available));
}

}  // namespace callsim::jitter
