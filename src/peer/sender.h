// The sending side of one direction: hands out the RTP packet of each encoded frame at the
// moment its last sample has been captured. Frame k covers capture times [k·F, (k+1)·F) and
// leaves at (k+1)·F (F = frame duration); DTX frames produce no packet.
#pragma once

#include <cstdint>
#include <optional>

#include "peer/encoded_stream.h"
#include "rtp/packetizer.h"
#include "sim/time.h"

namespace callsim::peer {

class Sender {
 public:
  Sender(const EncodedStream& stream, rtp::Packetizer packetizer);

  size_t frame_count() const { return stream_->payloads.size(); }
  sim::Duration frame_duration() const { return frame_duration_; }
  sim::Timestamp send_time(size_t frame) const;
  // The packet of frame `frame`; frames must be taken in order 0, 1, 2, ...
  std::optional<rtp::OutgoingPacket> take(size_t frame);

  // RTP timestamp of frame 0 (the packetizer's random origin) and its clock.
  uint32_t first_timestamp() const { return first_timestamp_; }
  const rtp::Packetizer& packetizer() const { return packetizer_; }

 private:
  const EncodedStream* stream_;
  rtp::Packetizer packetizer_;
  sim::Duration frame_duration_;
  uint32_t first_timestamp_;
  size_t next_frame_ = 0;
};

}  // namespace callsim::peer
