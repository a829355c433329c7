// Depacketizer: SSRC lock, payload-type filter, malformed input, payload extraction.
#include "rtp/depacketizer.h"

#include <gtest/gtest.h>

#include "rtp/packetizer.h"

namespace callsim::rtp {
namespace {

sim::Timestamp at_ms(double ms) { return sim::Timestamp::from_ms(ms); }

TEST(Depacketizer, DeliversPacketsOfTheFirstSsrcWithStatistics) {
  Packetizer tx({}, sim::RandomStream(1, "rtp/a"));
  Packetizer other({}, sim::RandomStream(1, "rtp/b"));
  Depacketizer rx;
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  std::vector<OutgoingPacket> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(*tx.packetize(payload, sim::Duration::millis(20)));
  int delivered = 0;
  double t = 50;
  for (int i : {0, 1, 3, 2, 4, 4}) {
    const ReceiveOutcome r = rx.receive(sent[static_cast<size_t>(i)].bytes, at_ms(t += 20));
    ASSERT_TRUE(r.ok()) << r.error.message;
    EXPECT_EQ(r.packet->payload, payload);
    EXPECT_EQ(r.packet->header.sequence, sent[static_cast<size_t>(i)].sequence);
    delivered += r.packet->usable();
  }
  EXPECT_EQ(delivered, 5);  // the second copy of packet 4 is a duplicate
  const ReceiveOutcome foreign =
      rx.receive(other.packetize(payload, sim::Duration::millis(20))->bytes, at_ms(200));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error.byte_offset, 8u);
  EXPECT_EQ(rx.foreign(), 1);
  EXPECT_EQ(rx.ssrc(), tx.ssrc());
  const ReceiveCounts c = rx.statistics().counts();
  EXPECT_EQ(c.received, 6);
  EXPECT_EQ(c.duplicates, 1);
  EXPECT_EQ(c.reordered, 1);
  EXPECT_EQ(c.lost, -1);
}

TEST(Depacketizer, RejectsMalformedAndForeignPayloadTypes) {
  DepacketizerConfig config;
  config.payload_type = 111;
  Depacketizer rx(config);
  const std::vector<uint8_t> garbage = {0x12, 0x34, 0x56};
  ReceiveOutcome r = rx.receive(garbage, at_ms(0));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error.byte_offset, 3u);
  EXPECT_EQ(rx.malformed(), 1);
  RtpHeader h;
  h.payload_type = 0;  // PCMU
  r = rx.receive(serialize(h, std::vector<uint8_t>{1}), at_ms(1));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error.byte_offset, 1u);
  EXPECT_EQ(rx.foreign(), 1);
  EXPECT_FALSE(rx.ssrc().has_value());
  h.payload_type = 111;
  h.padding_bytes = 4;
  r = rx.receive(serialize(h, std::vector<uint8_t>{9, 8}), at_ms(2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.packet->payload, (std::vector<uint8_t>{9, 8}));
  EXPECT_EQ(r.packet->arrival.kind, ArrivalKind::kProbation);
}

}  // namespace
}  // namespace callsim::rtp
