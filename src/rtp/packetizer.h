// Sender side of RTP for Opus (RFC 7587 over RFC 3550): turns encoded frames into RTP packets.
// The timestamp clock is always 48 kHz, whatever rate the encoder runs at; sequence number,
// timestamp origin and SSRC are random (seeded, so runs replay exactly). DTX frames (payloads of
// <= 2 bytes) are not sent but still advance the timestamp; the first packet and the first packet
// after such a silence carry the marker bit (talkspurt start).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sim/random.h"
#include "sim/time.h"

namespace callsim::rtp {

struct PacketizerConfig {
  uint8_t payload_type = 111;  // dynamic, as commonly negotiated for opus/48000/2
  int clock_rate_hz = 48000;   // RFC 7587 §4.1: always 48000 for Opus
  size_t dtx_max_bytes = 2;    // payloads this small are DTX frames and are not sent
};

struct OutgoingPacket {
  std::vector<uint8_t> bytes;  // RTP header + payload
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  bool marker = false;
};

class Packetizer {
 public:
  // Draws the initial sequence number, timestamp and the SSRC from `random` (seed it with the
  // scenario seed and a stable name such as "rtp/alice->bob"). Throws std::invalid_argument for a
  // payload type above 127 or a non-positive clock rate.
  Packetizer(PacketizerConfig config, sim::RandomStream random);

  // One encoded frame covering `frame_duration` of audio. Returns the packet to send, or nullopt
  // for a DTX frame. Throws std::invalid_argument when the duration is not a whole number of
  // clock ticks or is not positive.
  std::optional<OutgoingPacket> packetize(std::span<const uint8_t> payload, sim::Duration frame_duration);

  uint32_t ssrc() const { return ssrc_; }
  uint16_t next_sequence() const { return sequence_; }
  uint32_t next_timestamp() const { return timestamp_; }
  int64_t packets_sent() const { return packets_sent_; }
  int64_t dtx_frames() const { return dtx_frames_; }

 private:
  PacketizerConfig config_;
  uint32_t ssrc_ = 0;
  uint16_t sequence_ = 0;
  uint32_t timestamp_ = 0;
  bool talkspurt_start_ = true;
  int64_t packets_sent_ = 0, dtx_frames_ = 0;
};

}  // namespace callsim::rtp
