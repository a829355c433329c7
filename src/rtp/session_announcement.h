// A session description for captures: an SDP (RFC 4566) saying which address/port receives RTP
// with which payload type and clock (a=rtpmap:111 opus/48000/2), carried in a SAP announcement
// (RFC 2974, UDP to 224.2.127.254:9875). Put first in a pcap, it lets Wireshark decode the
// dynamic payload type as Opus and compute jitter with the 48 kHz clock, with no options.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rtp/ip_udp.h"

namespace callsim::rtp {

struct SessionDescription {
  std::array<uint8_t, 4> media_ip = {10, 0, 0, 2};  // the RTP receiver
  uint16_t media_port = 40002;
  uint8_t payload_type = 111;
  std::string rtpmap = "opus/48000/2";  // encoding/clock/channels, as RFC 7587 §7 requires
  std::string session_name = "callsim";
};

std::string sdp_text(const SessionDescription& session);

// The SAP packet (header + "application/sdp" + SDP), i.e. the UDP payload.
std::vector<uint8_t> sap_announcement(const SessionDescription& session);

// Where SAP announcements go: from the media receiver's address to 224.2.127.254:9875.
Ipv4UdpConfig sap_addressing(const SessionDescription& session);

}  // namespace callsim::rtp
