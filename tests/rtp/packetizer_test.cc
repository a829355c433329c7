// RFC 7587 packetization: 48 kHz timestamps, seeded origins, DTX suppression and marker bits.
#include "rtp/packetizer.h"

#include <gtest/gtest.h>

#include "rtp/rtp_header.h"

namespace callsim::rtp {
namespace {

const std::vector<uint8_t> kVoice(40, 0x5A);
const std::vector<uint8_t> kDtx = {0x08};

TEST(Packetizer, TimestampsUse48kHzWhateverTheFrameSize) {
  Packetizer p({}, sim::RandomStream(1, "rtp/a->b"));
  const uint32_t t0 = p.next_timestamp();
  const uint16_t s0 = p.next_sequence();
  const auto a = p.packetize(kVoice, sim::Duration::millis(20));
  const auto b = p.packetize(kVoice, sim::Duration::millis(10));
  const auto c = p.packetize(kVoice, sim::Duration::millis(60));
  const auto d = p.packetize(kVoice, sim::Duration::micros(2500));
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->timestamp, t0);
  EXPECT_EQ(b->timestamp, t0 + 960);
  EXPECT_EQ(c->timestamp, t0 + 960 + 480);
  EXPECT_EQ(d->timestamp, t0 + 960 + 480 + 2880);
  EXPECT_EQ(p.next_timestamp(), t0 + 960 + 480 + 2880 + 120);
  EXPECT_EQ(b->sequence, static_cast<uint16_t>(s0 + 1));
  EXPECT_EQ(d->sequence, static_cast<uint16_t>(s0 + 3));
  const RtpParseResult r = parse(c->bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.packet->header.payload_type, 111);
  EXPECT_EQ(r.packet->header.ssrc, p.ssrc());
  EXPECT_EQ(r.packet->header.timestamp, c->timestamp);
  EXPECT_EQ(std::vector<uint8_t>(r.packet->payload.begin(), r.packet->payload.end()), kVoice);
}

TEST(Packetizer, OriginsAreSeededAndIndependentPerName) {
  Packetizer a({}, sim::RandomStream(42, "rtp/alice->bob"));
  Packetizer a2({}, sim::RandomStream(42, "rtp/alice->bob"));
  Packetizer b({}, sim::RandomStream(42, "rtp/bob->alice"));
  EXPECT_EQ(a.ssrc(), a2.ssrc());
  EXPECT_EQ(a.next_sequence(), a2.next_sequence());
  EXPECT_EQ(a.next_timestamp(), a2.next_timestamp());
  EXPECT_NE(a.ssrc(), b.ssrc());
  EXPECT_NE(a.next_timestamp(), b.next_timestamp());
}

TEST(Packetizer, DtxFramesAreNotSentButAdvanceTimeAndMarkTheNextTalkspurt) {
  Packetizer p({}, sim::RandomStream(3, "rtp/x"));
  const uint32_t t0 = p.next_timestamp();
  std::vector<std::optional<OutgoingPacket>> out;
  // voice, voice, dtx, dtx, dtx, voice, voice, dtx, voice
  for (const auto* f : {&kVoice, &kVoice, &kDtx, &kDtx, &kDtx, &kVoice, &kVoice, &kDtx, &kVoice})
    out.push_back(p.packetize(*f, sim::Duration::millis(20)));
  const std::vector<bool> sent = {true, true, false, false, false, true, true, false, true};
  const std::vector<bool> marker = {true, false, false, false, false, true, false, false, true};
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].has_value(), sent[i]) << i;
    if (!out[i]) continue;
    EXPECT_EQ(out[i]->marker, marker[i]) << i;
    EXPECT_EQ(out[i]->timestamp, t0 + 960 * i) << i;
    EXPECT_EQ(parse(out[i]->bytes).packet->header.marker, marker[i]);
  }
  // Sequence numbers count sent packets only.
  EXPECT_EQ(static_cast<uint16_t>(out[8]->sequence - out[0]->sequence), 4);
  EXPECT_EQ(p.packets_sent(), 5);
  EXPECT_EQ(p.dtx_frames(), 4);
}

TEST(Packetizer, SequenceAndTimestampWrap) {
  Packetizer p({}, sim::RandomStream(5, "rtp/wrap"));
  const uint16_t s0 = p.next_sequence();
  std::optional<OutgoingPacket> last;
  for (int i = 0; i < 70000; ++i) last = p.packetize(kVoice, sim::Duration::millis(20));
  EXPECT_EQ(last->sequence, static_cast<uint16_t>(s0 + 69999));  // wrapped past 65535 once
  EXPECT_EQ(p.next_sequence(), static_cast<uint16_t>(s0 + 70000));
}

TEST(Packetizer, RejectsDurationsThatAreNotWholeTicks) {
  Packetizer p({}, sim::RandomStream(1, "x"));
  EXPECT_THROW(p.packetize(kVoice, sim::Duration::nanos(20833)), std::invalid_argument);  // 0.99998 tick
  EXPECT_THROW(p.packetize(kVoice, sim::Duration::zero()), std::invalid_argument);
  EXPECT_NO_THROW(p.packetize(kVoice, sim::Duration::nanos(20833 * 3 + 1)));  // 62500 ns = 3 ticks
  PacketizerConfig bad;
  bad.payload_type = 200;
  EXPECT_THROW(Packetizer(bad, sim::RandomStream(1, "x")), std::invalid_argument);
}

}  // namespace
}  // namespace callsim::rtp
