// PacketIntake: DTX is recognised from the marker bit after the first packet or a timestamp that
// runs ahead of consecutive sequence numbers; reordering alone is not DTX. A timestamp far ahead of
// what its sequence number allows (a corrupted header) is held until the next packet says which
// timeline is real.
#include "jitter/packet_intake.h"

#include <gtest/gtest.h>

#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

constexpr int kRate = 16000;

ReceivedPacket packet(uint16_t seq, uint32_t ts, bool marker = false) {
  const std::vector<float> pcm(320, 0.1f);
  return ReceivedPacket{seq, ts, marker, testing::fake_encode(pcm, {}, false), sim::Timestamp::from_ms(seq)};
}

struct Intake {
  testing::FakeDecoder decoder{kRate};
  StatsRecorder stats{kRate};
  PacketIntake intake{decoder, kRate, testing::fake_has_fec, stats};
};

TEST(PacketIntake, ContinuousStreamIsNotDtx) {
  Intake in;
  in.intake.accept(packet(10, 960, true));  // marker on the very first packet: start, not DTX
  for (uint16_t s = 11; s < 20; ++s) in.intake.accept(packet(s, 960u * (s - 9)));
  EXPECT_FALSE(in.intake.dtx_seen());
}

TEST(PacketIntake, ReorderedFirstPacketWithMarkerIsNotDtx) {
  Intake in;
  in.intake.accept(packet(11, 1920));
  in.intake.accept(packet(10, 960, true));  // the stream's first packet, overtaken
  in.intake.accept(packet(12, 2880));
  EXPECT_FALSE(in.intake.dtx_seen());
}

TEST(PacketIntake, MarkerAfterTheStartIsDtx) {
  Intake in;
  in.intake.accept(packet(10, 960));
  in.intake.accept(packet(11, 1920, true));
  EXPECT_TRUE(in.intake.dtx_seen());
}

TEST(PacketIntake, TimestampJumpWithConsecutiveSequenceNumbersIsDtx) {
  Intake in;
  in.intake.accept(packet(10, 960));
  in.intake.accept(packet(11, 1920));
  EXPECT_FALSE(in.intake.dtx_seen());
  in.intake.accept(packet(12, 1920 + 960 * 20));  // 400 ms later, nothing lost: the sender paused
  EXPECT_TRUE(in.intake.dtx_seen());
  Intake lossy;
  lossy.intake.accept(packet(10, 960));
  lossy.intake.accept(packet(13, 960 * 4));  // a sequence gap: loss, not DTX
  EXPECT_FALSE(lossy.intake.dtx_seen());
}

std::vector<int64_t> sequences(const std::vector<StoredPacket>& packets) {
  std::vector<int64_t> out;
  for (const auto& p : packets) out.push_back(p.sequence);
  return out;
}

constexpr uint32_t kFlip = 1u << 26;  // one bit of the timestamp: 1398 s ahead at 48 kHz

TEST(PacketIntake, ACorruptedTimestampFarAheadIsHeldThenDiscarded) {
  Intake in;
  EXPECT_EQ(sequences(in.intake.accept(packet(10, 960))), std::vector<int64_t>{10});
  EXPECT_EQ(sequences(in.intake.accept(packet(11, 1920 ^ kFlip))), std::vector<int64_t>{});  // held
  EXPECT_EQ(in.stats.stats().packets_discarded, 0u);
  // The next packet continues the old timeline: the held one's timestamp was wrong.
  const auto next = in.intake.accept(packet(12, 2880));
  EXPECT_EQ(sequences(next), std::vector<int64_t>{12});
  EXPECT_EQ(next.at(0).position, 2880 / 3);
  EXPECT_EQ(in.stats.stats().packets_discarded, 1u);
  // An older packet (by sequence number) that far ahead is discarded at once.
  EXPECT_TRUE(in.intake.accept(packet(9, 0 ^ kFlip)).empty());
  EXPECT_EQ(in.stats.stats().packets_discarded, 2u);
  EXPECT_EQ(sequences(in.intake.accept(packet(13, 3840))), std::vector<int64_t>{13});
}

TEST(PacketIntake, ALongPauseConfirmedByTheNextPacketIsKept) {
  Intake in;
  in.intake.accept(packet(10, 960));
  // The sender was silent for 30 s without DTX keep-alives, then went on.
  const uint32_t resume = 960 + 48000 * 30;
  EXPECT_TRUE(in.intake.accept(packet(11, resume)).empty());
  const auto both = in.intake.accept(packet(12, resume + 960));
  EXPECT_EQ(sequences(both), (std::vector<int64_t>{11, 12}));
  EXPECT_EQ(both.at(0).position, resume / 3);
  EXPECT_EQ(in.stats.stats().packets_discarded, 0u);
  EXPECT_TRUE(in.intake.dtx_seen());
  // A pause of 1 s per sequence step or less (DTX keep-alives come every 400 ms) is not held.
  EXPECT_EQ(sequences(in.intake.accept(packet(14, resume + 960 + 48000 * 2))), std::vector<int64_t>{14});
}

}  // namespace
}  // namespace callsim::jitter
