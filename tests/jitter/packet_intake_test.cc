// PacketIntake: DTX is recognised from the marker bit after the first packet or a timestamp that
// runs ahead of consecutive sequence numbers; reordering alone is not DTX.
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

}  // namespace
}  // namespace callsim::jitter
