// IPv4 + UDP framing for captures (RFC 791, RFC 768): builds the datagram a receiver would have
// seen around an RTP packet, with a correct IPv4 header checksum and a UDP checksum over the
// pseudo-header. Addresses are 4 bytes in network order.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace callsim::rtp {

constexpr size_t kIpv4HeaderBytes = 20;
constexpr size_t kUdpHeaderBytes = 8;
constexpr size_t kMaxUdpPayloadBytes = 65535 - kIpv4HeaderBytes - kUdpHeaderBytes;

struct Ipv4UdpConfig {
  std::array<uint8_t, 4> src_ip = {10, 0, 0, 1};
  std::array<uint8_t, 4> dst_ip = {10, 0, 0, 2};
  uint16_t src_port = 40000;
  uint16_t dst_port = 40002;
  uint8_t ttl = 64;
  uint8_t dscp = 46;  // EF, the usual marking for voice
  bool dont_fragment = true;
};

// One's-complement sum of 16-bit big-endian words (odd tail padded with zero), folded and
// complemented: the Internet checksum of RFC 1071. `initial` adds a partial sum (pseudo-header).
uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t initial = 0);

// IPv4 header + UDP header + payload. Throws std::invalid_argument when the payload exceeds
// kMaxUdpPayloadBytes.
std::vector<uint8_t> build_ipv4_udp(const Ipv4UdpConfig& config, uint16_t identification,
                                    std::span<const uint8_t> payload);

}  // namespace callsim::rtp
