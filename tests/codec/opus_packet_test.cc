// RFC 6716 TOC and framing: golden values from the RFC's tables and hand-built packets.
#include "codec/opus_packet.h"

#include <gtest/gtest.h>

namespace callsim::codec {
namespace {

TEST(OpusToc, ConfigTableOfRfc6716) {
  // Table 2: configs 0-11 SILK (NB, MB, WB × 10/20/40/60 ms), 12-15 Hybrid (SWB, FB × 10/20),
  // 16-31 CELT (NB, WB, SWB, FB × 2.5/5/10/20).
  TocInfo t = parse_toc(0x00);
  EXPECT_EQ(t.mode, OpusMode::kSilk);
  EXPECT_EQ(t.bandwidth, Bandwidth::kNarrowband);
  EXPECT_EQ(t.frame_samples_48k, 480);
  t = parse_toc(7 << 3);  // config 7: SILK MB 60 ms
  EXPECT_EQ(t.bandwidth, Bandwidth::kMediumband);
  EXPECT_EQ(t.frame_samples_48k, 2880);
  t = parse_toc(9 << 3 | 0x04 | 3);  // SILK WB 20 ms, stereo, code 3
  EXPECT_EQ(t.mode, OpusMode::kSilk);
  EXPECT_EQ(t.bandwidth, Bandwidth::kWideband);
  EXPECT_EQ(t.frame_samples_48k, 960);
  EXPECT_TRUE(t.stereo);
  EXPECT_EQ(t.frame_code, 3);
  t = parse_toc(12 << 3);
  EXPECT_EQ(t.mode, OpusMode::kHybrid);
  EXPECT_EQ(t.bandwidth, Bandwidth::kSuperwideband);
  EXPECT_EQ(t.frame_samples_48k, 480);
  t = parse_toc(15 << 3);
  EXPECT_EQ(t.bandwidth, Bandwidth::kFullband);
  EXPECT_EQ(t.frame_samples_48k, 960);
  t = parse_toc(16 << 3);
  EXPECT_EQ(t.mode, OpusMode::kCelt);
  EXPECT_EQ(t.bandwidth, Bandwidth::kNarrowband);
  EXPECT_EQ(t.frame_samples_48k, 120);
  t = parse_toc(21 << 3);  // CELT WB 5 ms
  EXPECT_EQ(t.bandwidth, Bandwidth::kWideband);
  EXPECT_EQ(t.frame_samples_48k, 240);
  t = parse_toc(31 << 3);  // CELT FB 20 ms
  EXPECT_EQ(t.bandwidth, Bandwidth::kFullband);
  EXPECT_EQ(t.frame_samples_48k, 960);
  EXPECT_EQ(t.config, 31);
}

TEST(OpusPacket, Code0And1) {
  const std::vector<uint8_t> one = {0x08, 1, 2, 3};
  auto l = parse_packet(one);
  ASSERT_TRUE(l);
  ASSERT_EQ(l->frames.size(), 1u);
  EXPECT_EQ(l->frames[0].offset, 1u);
  EXPECT_EQ(l->frames[0].size, 3u);
  EXPECT_EQ(l->duration_samples_48k(), 960);
  const std::vector<uint8_t> two = {0x09, 1, 2, 3, 4};
  l = parse_packet(two);
  ASSERT_TRUE(l);
  ASSERT_EQ(l->frames.size(), 2u);
  EXPECT_EQ(l->frames[1].offset, 3u);
  EXPECT_EQ(l->duration_samples_48k(), 1920);
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x09, 1, 2, 3}));  // R3: odd length
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>(1277, 0x08)));     // R2: frame > 1275 bytes
  EXPECT_FALSE(parse_packet({}));                                   // R1
}

TEST(OpusPacket, Code2LengthCoding) {
  std::vector<uint8_t> p = {0x0A, 2, 0xAA, 0xBB, 0xCC};
  auto l = parse_packet(p);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->frames[0].offset, 2u);
  EXPECT_EQ(l->frames[0].size, 2u);
  EXPECT_EQ(l->frames[1].offset, 4u);
  EXPECT_EQ(l->frames[1].size, 1u);
  // Two-byte length: 252 + 4 * 1 = 256.
  p.assign(1 + 2 + 256 + 10, 0);
  p[0] = 0x0A;
  p[1] = 252;
  p[2] = 1;
  l = parse_packet(p);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->frames[0].size, 256u);
  EXPECT_EQ(l->frames[1].offset, 259u);
  EXPECT_EQ(l->frames[1].size, 10u);
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0A, 5, 1, 2}));  // R4: first frame runs past the end
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0A}));
}

TEST(OpusPacket, Code3CbrVbrAndPadding) {
  // CBR, 3 frames of 2 bytes, padding 255 -> 254 + next byte 1 = 255 bytes of padding.
  std::vector<uint8_t> p = {0x0B, 0x40 | 3, 255, 1, 1, 1, 2, 2, 3, 3};
  p.resize(p.size() + 255, 0);
  auto l = parse_packet(p);
  ASSERT_TRUE(l);
  ASSERT_EQ(l->frames.size(), 3u);
  EXPECT_EQ(l->padding_bytes, 255u);
  EXPECT_EQ(l->frames[0].offset, 4u);
  EXPECT_EQ(l->frames[2].offset, 8u);
  EXPECT_EQ(l->duration_samples_48k(), 2880);
  // VBR, 2 frames: lengths 1 and the rest.
  p = {0x0B, 0x80 | 2, 1, 0xAA, 0xBB, 0xCC};
  l = parse_packet(p);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->frames[0].offset, 3u);
  EXPECT_EQ(l->frames[0].size, 1u);
  EXPECT_EQ(l->frames[1].size, 2u);
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0B, 0}));               // R5: no frames
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0B, 7}));               // R5: 7 x 20 ms > 120 ms
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0B, 2, 1, 2, 3}));      // R6: 3 bytes in 2 CBR frames
  EXPECT_FALSE(parse_packet(std::vector<uint8_t>{0x0B, 0x40 | 1, 9, 1}));  // padding past the end
  EXPECT_TRUE(parse_packet(std::vector<uint8_t>{0x83, 48}));               // 48 x 2.5 ms = 120 ms
}

TEST(OpusPacket, DtxAndFecHelpers) {
  EXPECT_TRUE(is_dtx_payload(std::vector<uint8_t>{0x08}));
  EXPECT_TRUE(is_dtx_payload(std::vector<uint8_t>{0x08, 0x00}));
  EXPECT_FALSE(is_dtx_payload(std::vector<uint8_t>{0x08, 0x00, 0x00}));
  EXPECT_TRUE(may_have_fec(std::vector<uint8_t>{0x08, 1, 2}));     // SILK
  EXPECT_TRUE(may_have_fec(std::vector<uint8_t>{0x68, 1, 2}));     // Hybrid
  EXPECT_FALSE(may_have_fec(std::vector<uint8_t>{0xF8, 1, 2}));    // CELT
  EXPECT_FALSE(may_have_fec(std::vector<uint8_t>{0x08}));          // DTX
  EXPECT_FALSE(has_lbrr(std::vector<uint8_t>{0xF8, 0xFF, 0xFF}));  // CELT never
  EXPECT_FALSE(has_lbrr(std::vector<uint8_t>{0x08}));              // empty frame
  // Range decoder on a first byte of 0x00: val = 127, rng = 128 -> after normalization both bits
  // decode as 0 (val >= rng/2); a first byte of 0xFF gives val = 0 -> bits decode as 1.
  EXPECT_FALSE(has_lbrr(std::vector<uint8_t>{0x08, 0x00, 0x00, 0x00}));
  EXPECT_TRUE(has_lbrr(std::vector<uint8_t>{0x08, 0xFF, 0xFF, 0xFF}));
}

}  // namespace
}  // namespace callsim::codec
