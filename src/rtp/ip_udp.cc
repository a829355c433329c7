#include "rtp/ip_udp.h"

#include <stdexcept>
#include <string>

namespace callsim::rtp {
namespace {

void put16(std::vector<uint8_t>& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}

uint32_t add_words(std::span<const uint8_t> bytes, uint32_t sum) {
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (bytes.size() % 2) sum += static_cast<uint32_t>(bytes.back() << 8);
  return sum;
}

}  // namespace

uint16_t internet_checksum(std::span<const uint8_t> bytes, uint32_t initial) {
  uint64_t sum = add_words(bytes, 0);
  sum += initial;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

std::vector<uint8_t> build_ipv4_udp(const Ipv4UdpConfig& c, uint16_t identification,
                                    std::span<const uint8_t> payload) {
  if (payload.size() > kMaxUdpPayloadBytes)
    throw std::invalid_argument("udp: payload of " + std::to_string(payload.size()) + " bytes is too large");
  const size_t udp_length = kUdpHeaderBytes + payload.size();
  std::vector<uint8_t> out(kIpv4HeaderBytes + udp_length, 0);
  out[0] = 0x45;  // version 4, 5 words of header
  out[1] = static_cast<uint8_t>(c.dscp << 2);
  put16(out, 2, static_cast<uint16_t>(out.size()));
  put16(out, 4, identification);
  put16(out, 6, c.dont_fragment ? 0x4000 : 0);
  out[8] = c.ttl;
  out[9] = 17;  // UDP
  for (size_t i = 0; i < 4; ++i) {
    out[12 + i] = c.src_ip[i];
    out[16 + i] = c.dst_ip[i];
  }
  put16(out, 10, internet_checksum(std::span(out).first(kIpv4HeaderBytes)));

  const size_t u = kIpv4HeaderBytes;
  put16(out, u, c.src_port);
  put16(out, u + 2, c.dst_port);
  put16(out, u + 4, static_cast<uint16_t>(udp_length));
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(u + kUdpHeaderBytes));
  // Pseudo-header: source, destination, zero + protocol, UDP length.
  uint32_t pseudo = add_words(std::span(out).subspan(12, 8), 0) + 17 + static_cast<uint32_t>(udp_length);
  uint16_t sum = internet_checksum(std::span(out).subspan(u), pseudo);
  put16(out, u + 6, sum == 0 ? 0xFFFF : sum);  // 0 means "no checksum" in UDP over IPv4
  return out;
}

}  // namespace callsim::rtp
