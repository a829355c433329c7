#include "peer/receiver.h"

#include <algorithm>

namespace callsim::peer {

namespace {
// Count from the first packet, as Wireshark's RTP analysis does (RFC 3550's probation would
// leave the first packets out of "received" when they arrive out of order).
rtp::DepacketizerConfig receiver_config() {
  rtp::DepacketizerConfig c;
  c.statistics.min_sequential = 1;
  return c;
}
}  // namespace

Receiver::Receiver(std::unique_ptr<jitter::JitterBuffer> buffer, int output_rate_hz,
                   CaptureClock capture_clock)
    : buffer_(std::move(buffer)), depacketizer_(receiver_config()), capture_clock_(std::move(capture_clock)) {
  output_.sample_rate_hz = output_rate_hz;
}

void Receiver::on_datagram(sim::Timestamp arrival, std::vector<uint8_t> bytes, uint32_t sent_timestamp,
                           uint64_t tag) {
  rtp::ReceiveOutcome outcome = depacketizer_.receive(bytes, arrival);
  arrivals_.push_back(ArrivalRecord{arrival, std::move(bytes)});
  if (!outcome.ok() || outcome.packet->arrival.kind == rtp::ArrivalKind::kBadJump) {
    refused_sent_.insert(sent_timestamp);
    refused_tags_.push_back(tag);
    return;
  }
  buffered_sent_.insert(sent_timestamp);
  rtp::ReceivedPacket& p = *outcome.packet;
  // The first packet buffered under a header timestamp is the one a buffer plays there.
  sent_timestamps_.emplace(p.header.timestamp, sent_timestamp);
  header_timestamp_corrupted_ = header_timestamp_corrupted_ || p.header.timestamp != sent_timestamp;
  buffer_->insert(jitter::ReceivedPacket{p.header.sequence, p.header.timestamp, p.header.marker,
                                         std::move(p.payload), arrival, tag});
}

std::map<uint64_t, std::string> Receiver::discards() const {
  std::map<uint64_t, std::string> out;
  for (const uint64_t tag : refused_tags_) out.emplace(tag, "refused");
  for (const jitter::DiscardedPacket& d : buffer_->discarded_packets()) out.emplace(d.tag, jitter::to_string(d.reason));
  return out;
}

int64_t Receiver::discarded_on_arrival() const {
  return static_cast<int64_t>(std::count_if(refused_sent_.begin(), refused_sent_.end(),
                                            [&](uint32_t ts) { return !buffered_sent_.count(ts); }));
}

uint32_t Receiver::sent_timestamp_of(uint32_t played) const {
  if (!header_timestamp_corrupted_ || sent_timestamps_.empty()) return played;
  // The packet whose audio covers `played`: the one buffered with the latest header timestamp at
  // or before it (modulo 2^32), if it is within the longest Opus packet (120 ms at 48 kHz).
  constexpr uint32_t kLongestPacket = 5760;
  auto it = sent_timestamps_.upper_bound(played);
  it = it == sent_timestamps_.begin() ? std::prev(sent_timestamps_.end()) : std::prev(it);
  const uint32_t into = played - it->first;
  return into < kLongestPacket ? it->second + into : played;
}

void Receiver::on_tick(sim::Timestamp now) {
  jitter::PlayoutFrame frame = buffer_->pull(now);
  FrameRecord record;
  record.play_time = now;
  record.type = frame.type;
  record.played = std::move(frame.played);
  if (frame.playout_rtp_timestamp) {
    const sim::Timestamp captured = capture_clock_(sent_timestamp_of(*frame.playout_rtp_timestamp));
    record.mouth_to_ear_ms = (now - captured).to_ms();
    if (!last_real_capture_ || captured > *last_real_capture_) last_real_capture_ = captured;
    last_real_play_time_ = now;
    frames_with_real_ = frames_.size() + 1;
  }
  if (frame.playout_rtp_timestamp || !record.played.empty()) mark_.reset();  // real audio: the stream went on
  record.jitter_buffer_delay_ms = frame.jitter_buffer_delay_ms;
  record.buffer_delay_ms = buffer_->current_delay_ms();
  record.target_delay_ms = buffer_->target_delay_ms();
  frames_.push_back(record);
  output_.samples.insert(output_.samples.end(), frame.samples.begin(), frame.samples.end());
}

void Receiver::mark_stream_covered() {
  if (mark_) return;
  mark_ = Mark{frames_.size(), output_.samples.size(), buffer_->stats()};
}

void Receiver::end_at_mark() {
  if (!mark_) return;
  frames_.resize(mark_->frames);
  output_.samples.resize(mark_->samples);
  played_stats_ = mark_->stats;
  mark_.reset();
}

jitter::JitterStats Receiver::jitter_stats() const {
  const jitter::JitterStats now = buffer_->stats();
  if (!played_stats_) return now;
  // Packets that arrived after the mark (even after the last tick) were still received, and
  // discarded or duplicates; what was played is counted to the mark.
  jitter::JitterStats s = *played_stats_;
  s.packets_received = now.packets_received;
  s.packets_discarded = now.packets_discarded;
  s.packets_duplicated = now.packets_duplicated;
  s.fec_packets_received = now.fec_packets_received;
  return s;
}

}  // namespace callsim::peer
