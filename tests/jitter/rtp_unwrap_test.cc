#include "jitter/rtp_unwrap.h"

#include <gtest/gtest.h>

#include "jitter/packet_buffer.h"

namespace callsim::jitter {
namespace {

TEST(Unwrapper, SequenceNumbersContinueAcrossTheWrap) {
  Unwrapper<uint16_t> u;
  EXPECT_EQ(u.unwrap(65534), 65534);
  EXPECT_EQ(u.unwrap(65535), 65535);
  EXPECT_EQ(u.unwrap(0), 65536);
  EXPECT_EQ(u.unwrap(1), 65537);
  // A packet from before the wrap, arriving late (reordered), maps back below the wrap.
  EXPECT_EQ(u.unwrap(65533), 65533);
  EXPECT_EQ(u.unwrap(2), 65538);
  EXPECT_EQ(u.newest(), 65538);
}

TEST(Unwrapper, ReorderingAcrossTheWrapBothWays) {
  Unwrapper<uint16_t> u;
  EXPECT_EQ(u.unwrap(1), 1);
  EXPECT_EQ(u.unwrap(65535), -1);  // older than the first packet
  Unwrapper<uint32_t> t;
  EXPECT_EQ(t.unwrap(0xFFFFFC40u), 0xFFFFFC40LL);
  EXPECT_EQ(t.unwrap(0x00000000u), 0x100000000LL);
  EXPECT_EQ(t.unwrap(0xFFFFF880u), 0xFFFFF880LL);
}

TEST(DuplicateDetector, RemembersTheLast1024) {
  DuplicateDetector d;
  EXPECT_FALSE(d.seen_before(5));
  EXPECT_TRUE(d.seen_before(5));
  EXPECT_FALSE(d.seen_before(6));
  EXPECT_FALSE(d.seen_before(5 + 1024));  // evicts 5
  EXPECT_FALSE(d.seen_before(5));
  EXPECT_FALSE(d.seen_before(-3));
  EXPECT_TRUE(d.seen_before(-3));
}

StoredPacket packet(int64_t position, int duration) {
  StoredPacket p;
  p.position = position;
  p.duration = duration;
  return p;
}

TEST(PacketBuffer, FindsCoveringAndNextPackets) {
  PacketBuffer b;
  EXPECT_EQ(b.insert(packet(960, 960)), PacketBuffer::InsertResult::kInserted);
  EXPECT_EQ(b.insert(packet(2880, 960)), PacketBuffer::InsertResult::kInserted);
  EXPECT_EQ(b.insert(packet(960, 960)), PacketBuffer::InsertResult::kDuplicateTimestamp);
  EXPECT_EQ(b.covering(959), nullptr);
  EXPECT_EQ(b.covering(960)->position, 960);
  EXPECT_EQ(b.covering(1919)->position, 960);
  EXPECT_EQ(b.covering(1920), nullptr);
  EXPECT_EQ(b.next_after(1920)->position, 2880);
  EXPECT_EQ(b.next_after(2880), nullptr);
  EXPECT_EQ(b.span_after(1000), 3840 - 1000);
  EXPECT_EQ(b.first()->position, 960);
  ASSERT_TRUE(b.take(960).has_value());
  EXPECT_FALSE(b.take(960).has_value());
  EXPECT_EQ(b.size(), 1u);
}

TEST(PacketBuffer, DropsOldPacketsAndTheOldestWhenFull) {
  PacketBuffer b(3);
  auto tagged = [](int64_t position) {
    StoredPacket p = packet(position, 100);
    p.tag = static_cast<uint64_t>(position) + 7;
    return p;
  };
  for (int i = 0; i < 3; ++i) b.insert(tagged(i * 100));
  uint64_t flushed = 0;
  EXPECT_EQ(b.insert(tagged(300), &flushed), PacketBuffer::InsertResult::kFlushedOldest);
  EXPECT_EQ(flushed, 7u);  // the packet at 0 made room
  EXPECT_EQ(b.first()->position, 100);
  // [100, 200) ends before 250; [200, 300) does not
  EXPECT_EQ(b.drop_before(250), std::vector<uint64_t>{107});
  EXPECT_EQ(b.first()->position, 200);
}

}  // namespace
}  // namespace callsim::jitter
