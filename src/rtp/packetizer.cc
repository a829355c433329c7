#include "rtp/packetizer.h"

#include <stdexcept>

#include "rtp/rtp_header.h"

namespace callsim::rtp {

Packetizer::Packetizer(PacketizerConfig config, sim::RandomStream random) : config_(config) {
  if (config_.payload_type > 127) throw std::invalid_argument("rtp: payload type above 127");
  if (config_.clock_rate_hz <= 0) throw std::invalid_argument("rtp: clock rate must be positive");
  ssrc_ = static_cast<uint32_t>(random.next_u64());
  sequence_ = static_cast<uint16_t>(random.next_u64());
  timestamp_ = static_cast<uint32_t>(random.next_u64());
}

std::optional<OutgoingPacket> Packetizer::packetize(std::span<const uint8_t> payload,
                                                    sim::Duration frame_duration) {
  const int64_t scaled = frame_duration.ns() * config_.clock_rate_hz;
  if (frame_duration <= sim::Duration::zero() || scaled % 1000000000 != 0)
    throw std::invalid_argument("rtp: frame duration of " + std::to_string(frame_duration.ns()) +
                                " ns is not a positive whole number of clock ticks");
  const uint32_t ticks = static_cast<uint32_t>(scaled / 1000000000);
  const uint32_t timestamp = timestamp_;
  timestamp_ += ticks;  // wraps modulo 2^32 as RTP timestamps do
  if (payload.size() <= config_.dtx_max_bytes) {
    ++dtx_frames_;
    talkspurt_start_ = true;
    return std::nullopt;
  }
  RtpHeader h;
  h.marker = talkspurt_start_;
  h.payload_type = config_.payload_type;
  h.sequence = sequence_++;
  h.timestamp = timestamp;
  h.ssrc = ssrc_;
  talkspurt_start_ = false;
  ++packets_sent_;
  return OutgoingPacket{serialize(h, payload), h.sequence, h.timestamp, h.marker};
}

}  // namespace callsim::rtp
