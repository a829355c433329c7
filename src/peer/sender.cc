#include "peer/sender.h"

#include <stdexcept>

namespace callsim::peer {

Sender::Sender(const EncodedStream& stream, rtp::Packetizer packetizer)
    : stream_(&stream),
      packetizer_(std::move(packetizer)),
      frame_duration_(sim::Duration::nanos(int64_t{1000000000} * stream.frame_samples / stream.sample_rate_hz)),
      first_timestamp_(packetizer_.next_timestamp()) {}

sim::Timestamp Sender::send_time(size_t frame) const {
  return sim::Timestamp::zero() + frame_duration_ * static_cast<int64_t>(frame + 1);
}

std::optional<rtp::OutgoingPacket> Sender::take(size_t frame) {
  if (frame != next_frame_) throw std::logic_error("Sender: frames must be taken in order");
  ++next_frame_;
  return packetizer_.packetize(stream_->payloads[frame], frame_duration_);
}

}  // namespace callsim::peer
