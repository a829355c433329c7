#include "codec/opus_packet.h"

#include <algorithm>
#include <array>

namespace callsim::codec {
namespace {

constexpr size_t kMaxFrameBytes = 1275;     // RFC 6716 §3.4 R2
constexpr int kMaxPacketSamples48k = 5760;  // 120 ms, §3.4 R5
constexpr int kSilkFrameSamples48k = 960;   // SILK codes header flags per 20 ms frame

// Frame length coding of §3.2.1: one byte below 252, else two bytes (b0 + 4 * b1).
// Returns the bytes consumed, 0 if the data ends first.
size_t read_frame_length(std::span<const uint8_t> data, size_t pos, size_t& length) {
  if (pos >= data.size()) return 0;
  const size_t b0 = data[pos];
  if (b0 < 252) {
    length = b0;
    return 1;
  }
  if (pos + 1 >= data.size()) return 0;
  length = b0 + 4 * static_cast<size_t>(data[pos + 1]);
  return 2;
}

// Code 3 (§3.2.5): frame count byte, optional padding, CBR or VBR frame lengths.
bool parse_code3(std::span<const uint8_t> data, OpusPacketLayout& out) {
  if (data.size() < 2) return false;
  const uint8_t count_byte = data[1];
  const size_t count = count_byte & 0x3F;
  const bool vbr = (count_byte & 0x80) != 0, padded = (count_byte & 0x40) != 0;
  if (count == 0 || static_cast<int>(count) * out.toc.frame_samples_48k > kMaxPacketSamples48k) return false;
  size_t pos = 2, padding = 0;
  if (padded) {
    uint8_t p = 255;
    while (p == 255) {
      if (pos >= data.size()) return false;
      p = data[pos++];
      padding += p == 255 ? 254 : p;
    }
  }
  if (pos + padding > data.size()) return false;
  const size_t end = data.size() - padding;
  std::vector<size_t> lengths;
  if (vbr) {
    for (size_t i = 0; i + 1 < count; ++i) {
      size_t len = 0;
      const size_t used = read_frame_length(data.first(end), pos, len);
      if (used == 0) return false;
      pos += used;
      lengths.push_back(len);
    }
    size_t sum = 0;
    for (size_t len : lengths) sum += len;
    if (pos + sum > end) return false;
    lengths.push_back(end - pos - sum);
  } else {
    if ((end - pos) % count != 0) return false;
    lengths.assign(count, (end - pos) / count);
  }
  for (size_t len : lengths) {
    if (len > kMaxFrameBytes) return false;
    out.frames.push_back({pos, len});
    pos += len;
  }
  out.padding_bytes = padding;
  return true;
}

bool parse_frames(std::span<const uint8_t> data, OpusPacketLayout& out) {
  const size_t body = data.size() - 1;
  switch (out.toc.frame_code) {
    case 0:
      out.frames = {{1, body}};
      return body <= kMaxFrameBytes;
    case 1:
      out.frames = {{1, body / 2}, {1 + body / 2, body / 2}};
      return body % 2 == 0 && body / 2 <= kMaxFrameBytes;
    case 2: {
      size_t first = 0;
      const size_t used = read_frame_length(data, 1, first);
      if (used == 0 || 1 + used + first > data.size()) return false;
      const size_t second = data.size() - 1 - used - first;
      out.frames = {{1 + used, first}, {1 + used + first, second}};
      return first <= kMaxFrameBytes && second <= kMaxFrameBytes;
    }
    default:
      return parse_code3(data, out);
  }
}

// The range decoder of RFC 6716 §4.1, only as far as ec_dec_bit_logp() needs it.
class RangeDecoder {
 public:
  explicit RangeDecoder(std::span<const uint8_t> data) : data_(data) {
    const uint32_t b0 = next_byte();
    rng_ = 128;
    val_ = 127 - (b0 >> 1);
    rem_ = b0;
    normalize();
  }

  // One binary symbol whose probability of being 1 is 2^-logp (§4.1.3.2).
  bool bit_logp(unsigned logp) {
    const uint32_t s = rng_ >> logp;
    const bool one = val_ < s;
    if (!one) val_ -= s;
    rng_ = one ? s : rng_ - s;
    normalize();
    return one;
  }

 private:
  uint32_t next_byte() { return pos_ < data_.size() ? data_[pos_++] : 0; }

  void normalize() {  // §4.1.2.1: keep rng above 2^23
    while (rng_ <= (1u << 23)) {
      rng_ <<= 8;
      const uint32_t b1 = next_byte();
      const uint32_t sym = ((rem_ << 8) | b1) >> 1 & 0xFF;
      rem_ = b1;
      val_ = ((val_ << 8) + (255 - sym)) & 0x7FFFFFFF;
    }
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  uint32_t rng_ = 0, val_ = 0, rem_ = 0;
};

}  // namespace

TocInfo parse_toc(uint8_t toc) {
  TocInfo info;
  info.config = toc >> 3;
  info.stereo = (toc & 0x04) != 0;
  info.frame_code = toc & 0x03;
  const int c = info.config;
  if (c < 12) {
    static constexpr std::array<Bandwidth, 3> kBw = {Bandwidth::kNarrowband, Bandwidth::kMediumband,
                                                     Bandwidth::kWideband};
    static constexpr std::array<int, 4> kDur = {480, 960, 1920, 2880};
    info.mode = OpusMode::kSilk;
    info.bandwidth = kBw[static_cast<size_t>(c / 4)];
    info.frame_samples_48k = kDur[static_cast<size_t>(c % 4)];
  } else if (c < 16) {
    info.mode = OpusMode::kHybrid;
    info.bandwidth = c < 14 ? Bandwidth::kSuperwideband : Bandwidth::kFullband;
    info.frame_samples_48k = c % 2 == 0 ? 480 : 960;
  } else {
    static constexpr std::array<Bandwidth, 4> kBw = {Bandwidth::kNarrowband, Bandwidth::kWideband,
                                                     Bandwidth::kSuperwideband, Bandwidth::kFullband};
    static constexpr std::array<int, 4> kDur = {120, 240, 480, 960};
    info.mode = OpusMode::kCelt;
    info.bandwidth = kBw[static_cast<size_t>((c - 16) / 4)];
    info.frame_samples_48k = kDur[static_cast<size_t>(c % 4)];
  }
  return info;
}

std::optional<OpusPacketLayout> parse_packet(std::span<const uint8_t> payload) {
  if (payload.empty()) return std::nullopt;  // R1
  OpusPacketLayout layout;
  layout.toc = parse_toc(payload[0]);
  if (!parse_frames(payload, layout)) return std::nullopt;
  return layout;
}

int packet_duration_samples_48k(std::span<const uint8_t> payload) {
  const auto layout = parse_packet(payload);
  return layout ? layout->duration_samples_48k() : 0;
}

bool is_dtx_payload(std::span<const uint8_t> payload) { return payload.size() <= 2; }

bool may_have_fec(std::span<const uint8_t> payload) {
  if (is_dtx_payload(payload)) return false;
  return parse_toc(payload[0]).mode != OpusMode::kCelt;
}

bool has_lbrr(std::span<const uint8_t> payload) {
  const auto layout = parse_packet(payload);
  if (!layout || layout->toc.mode == OpusMode::kCelt || layout->frames[0].size == 0) return false;
  const OpusFrameSpan first = layout->frames[0];
  RangeDecoder dec(payload.subspan(first.offset, first.size));
  const int silk_frames = std::max(1, layout->toc.frame_samples_48k / kSilkFrameSamples48k);
  bool lbrr = false;
  for (int channel = 0; channel < (layout->toc.stereo ? 2 : 1); ++channel) {
    for (int i = 0; i < silk_frames; ++i) dec.bit_logp(1);  // VAD flags
    lbrr = dec.bit_logp(1) || lbrr;
  }
  return lbrr;
}

}  // namespace callsim::codec
