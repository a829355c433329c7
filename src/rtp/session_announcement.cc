#include "rtp/session_announcement.h"

namespace callsim::rtp {
namespace {

std::string dotted(const std::array<uint8_t, 4>& ip) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]);
}

}  // namespace

std::string sdp_text(const SessionDescription& s) {
  const std::string ip = dotted(s.media_ip), pt = std::to_string(s.payload_type);
  return "v=0\r\no=- 0 0 IN IP4 " + ip + "\r\ns=" + s.session_name + "\r\nc=IN IP4 " + ip +
         "\r\nt=0 0\r\nm=audio " + std::to_string(s.media_port) + " RTP/AVP " + pt + "\r\na=rtpmap:" + pt +
         " " + s.rtpmap + "\r\n";
}

std::vector<uint8_t> sap_announcement(const SessionDescription& s) {
  // V=1, IPv4 origin, announcement, no encryption/compression; no authentication; message id
  // hash from the port (stable); originating source = the media address.
  const std::string body = std::string("application/sdp") + '\0' + sdp_text(s);
  std::vector<uint8_t> out(8 + body.size());
  out[0] = 0x20;
  out[2] = static_cast<uint8_t>(s.media_port >> 8);
  out[3] = static_cast<uint8_t>(s.media_port);
  for (size_t i = 0; i < 4; ++i) out[4 + i] = s.media_ip[i];
  for (size_t i = 0; i < body.size(); ++i) out[8 + i] = static_cast<uint8_t>(body[i]);
  return out;
}

Ipv4UdpConfig sap_addressing(const SessionDescription& s) {
  Ipv4UdpConfig c;
  c.src_ip = s.media_ip;
  c.dst_ip = {224, 2, 127, 254};
  c.src_port = c.dst_port = 9875;
  c.ttl = 255;
  c.dscp = 0;
  return c;
}

}  // namespace callsim::rtp
