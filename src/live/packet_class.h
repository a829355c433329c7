// What a relayed UDP datagram is, read without trusting a byte of it: the demultiplexing of RFC 7983
// (the first byte tells STUN, DTLS, TURN ChannelData and RTP/RTCP apart, as WebRTC and TURN put
// them all on one port), RTCP by its packet type (RFC 5761), and for RTP the header fields the
// statistics need. A datagram is RTP only when the whole header fits (fixed 12 bytes, CSRCs,
// extension, padding count); anything else — truncated, wrong version, random bytes — is
// kOther. A TURN ChannelData message (RFC 8656 §12.4) is classified by what it carries.
// No allocation: the relay calls this for every datagram.
#pragma once

#include <cstdint>
#include <span>

namespace callsim::live {

enum class PacketClass : uint8_t { kRtp, kRtcp, kStun, kDtls, kOther };
inline constexpr size_t kPacketClassCount = 5;
const char* to_string(PacketClass c);  // "rtp", "rtcp", "stun", "dtls", "other"

struct RtpFields {
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  bool marker = false;
};

struct Classified {
  PacketClass cls = PacketClass::kOther;
  bool turn_channel = false;  // carried in a TURN ChannelData message
  RtpFields rtp;              // valid when cls == kRtp
};

Classified classify(std::span<const uint8_t> datagram);

}  // namespace callsim::live
