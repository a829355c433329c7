#include "live/packet_class.h"

namespace callsim::live {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
         p[3];
}

// RTP (RFC 3550 §5.1) or RTCP (RFC 5761 §4: second byte 192..223 with the marker bit is RTCP).
Classified rtp_or_rtcp(std::span<const uint8_t> d) {
  Classified c;
  if (d.size() < 8 || d[0] >> 6 != 2) return c;
  if (d[1] >= 192 && d[1] <= 223) {
    // RTCP: the first packet's length field (32-bit words minus one) must fit the datagram.
    if ((static_cast<size_t>(be16(&d[2])) + 1) * 4 <= d.size()) c.cls = PacketClass::kRtcp;
    return c;
  }
  if (d.size() < 12) return c;
  size_t header = 12 + 4 * static_cast<size_t>(d[0] & 0x0F);
  if (header > d.size()) return c;
  if (d[0] & 0x10) {  // header extension: 16-bit profile, 16-bit length in words
    if (header + 4 > d.size()) return c;
    header += 4 + 4 * static_cast<size_t>(be16(&d[header + 2]));
    if (header > d.size()) return c;
  }
  if (d[0] & 0x20) {  // padding: the last byte counts it, itself included
    const size_t padding = d[d.size() - 1];
    if (padding == 0 || header + padding > d.size()) return c;
  }
  c.cls = PacketClass::kRtp;
  c.rtp.marker = d[1] & 0x80;
  c.rtp.payload_type = d[1] & 0x7F;
  c.rtp.sequence = be16(&d[2]);
  c.rtp.timestamp = be32(&d[4]);
  c.rtp.ssrc = be32(&d[8]);
  return c;
}

Classified classify_inner(std::span<const uint8_t> d) {
  Classified c;
  if (d.empty()) return c;
  const uint8_t b = d[0];
  if (b <= 3) {
    // STUN (RFC 8489): 20-byte header, magic cookie, length a multiple of 4 that fits.
    if (d.size() >= 20 && be32(&d[4]) == 0x2112A442 && be16(&d[2]) % 4 == 0 && 20u + be16(&d[2]) <= d.size())
      c.cls = PacketClass::kStun;
  } else if (b >= 20 && b <= 63) {
    // DTLS record (RFC 6347): 13-byte header whose length fits.
    if (d.size() >= 13 && 13u + be16(&d[11]) <= d.size()) c.cls = PacketClass::kDtls;
  } else if (b >= 128 && b <= 191) {
    c = rtp_or_rtcp(d);
  }
  return c;
}

}  // namespace

const char* to_string(PacketClass c) {
  switch (c) {
    case PacketClass::kRtp:
      return "rtp";
    case PacketClass::kRtcp:
      return "rtcp";
    case PacketClass::kStun:
      return "stun";
    case PacketClass::kDtls:
      return "dtls";
    case PacketClass::kOther:
      return "other";
  }
  return "other";
}

Classified classify(std::span<const uint8_t> d) {
  if (d.size() >= 4 && d[0] >= 64 && d[0] <= 79) {
    // TURN ChannelData: channel 0x4000..0x4FFF, 16-bit length of the application data.
    const size_t length = be16(&d[2]);
    if (4 + length > d.size()) return {};
    Classified c = classify_inner(d.subspan(4, length));
    c.turn_channel = true;
    return c;
  }
  return classify_inner(d);
}

}  // namespace callsim::live
