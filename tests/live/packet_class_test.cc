// Datagram classification never trusts its input: valid RTP/RTCP/STUN/DTLS/ChannelData are
// recognised with their fields, and every truncation or corruption of them, and random bytes of
// every length, classify without reading out of bounds (ASan checks that in the sanitizer run).
#include <gtest/gtest.h>

#include <vector>

#include "live/packet_class.h"
#include "rtp/rtp_header.h"
#include "sim/random.h"

namespace callsim::live {
namespace {

std::vector<uint8_t> rtp_packet(uint16_t seq, bool extension = false, uint8_t padding = 0) {
  rtp::RtpHeader h;
  h.payload_type = 111;
  h.sequence = seq;
  h.timestamp = 960u * seq;
  h.ssrc = 0xDEADBEEF;
  h.marker = seq == 1;
  h.csrcs = {1, 2};
  if (extension) h.extension = rtp::HeaderExtension{0xBEDE, {1, 2, 3, 4, 5, 6, 7, 8}};
  h.padding_bytes = padding;
  return rtp::serialize(h, std::vector<uint8_t>(40, 0x55));
}

TEST(PacketClass, RtpFieldsAndEveryTruncation) {
  const auto p = rtp_packet(1, true, 4);
  const Classified c = classify(p);
  ASSERT_EQ(c.cls, PacketClass::kRtp);
  EXPECT_EQ(c.rtp.sequence, 1);
  EXPECT_EQ(c.rtp.timestamp, 960u);
  EXPECT_EQ(c.rtp.ssrc, 0xDEADBEEFu);
  EXPECT_EQ(c.rtp.payload_type, 111);
  EXPECT_TRUE(c.rtp.marker);
  // Cut inside the header (CSRCs, extension): not RTP. The padding count then no longer fits
  // either for cuts that leave a header but remove the padding.
  const size_t header = 12 + 8 + 4 + 8;
  for (size_t n = 0; n < header; ++n)
    EXPECT_EQ(classify(std::span(p.data(), n)).cls, PacketClass::kOther) << n;
}

TEST(PacketClass, RtcpStunDtlsAndChannelData) {
  // RTCP receiver report: V=2, PT 201, length 1 (8 bytes).
  const std::vector<uint8_t> rtcp = {0x80, 201, 0, 1, 1, 2, 3, 4};
  EXPECT_EQ(classify(rtcp).cls, PacketClass::kRtcp);
  EXPECT_EQ(classify(std::span(rtcp.data(), 7)).cls, PacketClass::kOther);
  // STUN binding request: type 0x0001, length 0, magic cookie, transaction id.
  std::vector<uint8_t> stun = {0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42};
  stun.resize(20, 7);
  EXPECT_EQ(classify(stun).cls, PacketClass::kStun);
  stun[4] = 0;
  EXPECT_EQ(classify(stun).cls, PacketClass::kOther);  // no magic cookie
  // DTLS handshake record with 3 bytes of content.
  const std::vector<uint8_t> dtls = {22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 9, 9, 9};
  EXPECT_EQ(classify(dtls).cls, PacketClass::kDtls);
  EXPECT_EQ(classify(std::span(dtls.data(), 15)).cls, PacketClass::kOther);
  // TURN ChannelData carrying the RTP packet.
  const auto inner = rtp_packet(7);
  std::vector<uint8_t> channel = {0x40, 0x01, static_cast<uint8_t>(inner.size() >> 8), static_cast<uint8_t>(inner.size())};
  channel.insert(channel.end(), inner.begin(), inner.end());
  const Classified c = classify(channel);
  EXPECT_EQ(c.cls, PacketClass::kRtp);
  EXPECT_TRUE(c.turn_channel);
  EXPECT_EQ(c.rtp.sequence, 7);
  channel.resize(channel.size() - 1);  // the length field no longer fits
  EXPECT_EQ(classify(channel).cls, PacketClass::kOther);
}

TEST(PacketClass, RandomBytesOfEveryLengthAreSafe) {
  sim::RandomStream rng(5, "test/garbage");
  int rtp_like = 0;
  for (size_t n = 0; n < 2000; ++n) {
    std::vector<uint8_t> junk(n % 300);
    for (auto& b : junk) b = static_cast<uint8_t>(rng.below(256));
    const Classified c = classify(junk);
    rtp_like += c.cls == PacketClass::kRtp;
    EXPECT_LE(static_cast<int>(c.cls), static_cast<int>(PacketClass::kOther));
  }
  // About a quarter of random first bytes are 128..191 and most of those parse as RTP headers:
  // classification is a demultiplexer, not an authenticator (statistics then validate sequences).
  EXPECT_GT(rtp_like, 100);
}

}  // namespace
}  // namespace callsim::live
