// IPv4/UDP framing: RFC 1071 checksum example, a textbook IPv4 header, UDP pseudo-header sum.
#include "rtp/ip_udp.h"

#include <gtest/gtest.h>

namespace callsim::rtp {
namespace {

TEST(InternetChecksum, Rfc1071Example) {
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
  const std::vector<uint8_t> odd = {0x01};  // padded with a zero byte: ~0x0100
  EXPECT_EQ(internet_checksum(odd), 0xFEFF);
}

// The IPv4 header from the Wikipedia "Internet checksum" example: checksum 0xb861.
TEST(Ipv4Udp, HeaderMatchesTextbookExample) {
  Ipv4UdpConfig c;
  c.src_ip = {192, 168, 0, 1};
  c.dst_ip = {192, 168, 0, 199};
  c.dscp = 0;
  c.ttl = 64;
  const std::vector<uint8_t> payload(0x73 - 28, 0xAB);
  const auto d = build_ipv4_udp(c, 0, payload);
  const std::vector<uint8_t> expected = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                         0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(std::vector<uint8_t>(d.begin(), d.begin() + 20), expected);
}

TEST(Ipv4Udp, UdpHeaderAndChecksumVerify) {
  Ipv4UdpConfig c;  // 10.0.0.1:40000 -> 10.0.0.2:40002, EF
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  const auto d = build_ipv4_udp(c, 0x1234, payload);
  ASSERT_EQ(d.size(), 20u + 8 + 5);
  EXPECT_EQ(d[1], 46 << 2);
  EXPECT_EQ(d[4], 0x12);
  EXPECT_EQ(d[5], 0x34);
  EXPECT_EQ(internet_checksum(std::span(d).first(20)), 0);  // a valid header sums to 0xFFFF
  EXPECT_EQ(d[20] << 8 | d[21], 40000);
  EXPECT_EQ(d[22] << 8 | d[23], 40002);
  EXPECT_EQ(d[24] << 8 | d[25], 13);
  // Receiver check: pseudo-header + UDP segment (checksum included) sums to 0xFFFF.
  uint32_t pseudo = (10 << 8) + 1 + (10 << 8) + 2 + 17 + 13;
  EXPECT_EQ(internet_checksum(std::span(d).subspan(20), pseudo), 0);
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 28, d.end()), payload);
  EXPECT_THROW(build_ipv4_udp(c, 0, std::vector<uint8_t>(kMaxUdpPayloadBytes + 1)), std::invalid_argument);
}

}  // namespace
}  // namespace callsim::rtp
