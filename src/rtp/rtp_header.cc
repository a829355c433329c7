#include "rtp/rtp_header.h"

#include <stdexcept>

namespace callsim::rtp {
namespace {

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}

uint16_t get16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

uint32_t get32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(get16(b, at)) << 16 | get16(b, at + 2);
}

RtpParseResult fail(size_t offset, std::string message) {
  return {std::nullopt, {offset, std::move(message)}};
}

}  // namespace

size_t RtpHeader::size() const {
  return kFixedHeaderBytes + 4 * csrcs.size() + (extension ? 4 + extension->data.size() : 0);
}

std::vector<uint8_t> serialize(const RtpHeader& h, std::span<const uint8_t> payload) {
  if (h.payload_type > 127) throw std::invalid_argument("rtp: payload type above 127");
  if (h.csrcs.size() > 15) throw std::invalid_argument("rtp: more than 15 CSRCs");
  if (h.extension && (h.extension->data.size() % 4 != 0 || h.extension->data.size() / 4 > 0xFFFF))
    throw std::invalid_argument("rtp: extension data must be a multiple of 4 bytes, at most 262140");
  std::vector<uint8_t> out;
  out.reserve(h.size() + payload.size() + h.padding_bytes);
  out.push_back(static_cast<uint8_t>(kRtpVersion << 6 | (h.padding_bytes ? 0x20 : 0) |
                                     (h.extension ? 0x10 : 0) | h.csrcs.size()));
  out.push_back(static_cast<uint8_t>((h.marker ? 0x80 : 0) | h.payload_type));
  put16(out, h.sequence);
  put32(out, h.timestamp);
  put32(out, h.ssrc);
  for (uint32_t c : h.csrcs) put32(out, c);
  if (h.extension) {
    put16(out, h.extension->profile);
    put16(out, static_cast<uint16_t>(h.extension->data.size() / 4));
    out.insert(out.end(), h.extension->data.begin(), h.extension->data.end());
  }
  out.insert(out.end(), payload.begin(), payload.end());
  if (h.padding_bytes) {
    out.insert(out.end(), h.padding_bytes - 1u, 0);
    out.push_back(h.padding_bytes);
  }
  return out;
}

RtpParseResult parse(std::span<const uint8_t> b) {
  if (b.size() < kFixedHeaderBytes)
    return fail(b.size(), "truncated: " + std::to_string(b.size()) + " bytes, the fixed header needs 12");
  if (b[0] >> 6 != kRtpVersion) return fail(0, "version " + std::to_string(b[0] >> 6) + ", expected 2");
  RtpHeader h;
  h.marker = (b[1] & 0x80) != 0;
  h.payload_type = b[1] & 0x7F;
  h.sequence = get16(b, 2);
  h.timestamp = get32(b, 4);
  h.ssrc = get32(b, 8);
  size_t pos = kFixedHeaderBytes;
  const size_t csrc_count = b[0] & 0x0F;
  if (pos + 4 * csrc_count > b.size())
    return fail(b.size(),
                "truncated CSRC list: " + std::to_string(csrc_count) + " CSRCs announced in byte 0");
  for (size_t i = 0; i < csrc_count; ++i, pos += 4) h.csrcs.push_back(get32(b, pos));
  if (b[0] & 0x10) {
    if (pos + 4 > b.size())
      return fail(b.size(), "truncated header extension at byte " + std::to_string(pos));
    HeaderExtension ext;
    ext.profile = get16(b, pos);
    const size_t words = get16(b, pos + 2);
    if (pos + 4 + 4 * words > b.size())
      return fail(pos + 2,
                  "header extension of " + std::to_string(words) + " words runs past the packet end");
    ext.data.assign(b.begin() + static_cast<std::ptrdiff_t>(pos + 4),
                    b.begin() + static_cast<std::ptrdiff_t>(pos + 4 + 4 * words));
    pos += 4 + 4 * words;
    h.extension = std::move(ext);
  }
  size_t end = b.size();
  if (b[0] & 0x20) {
    const size_t padding = b.back();
    if (padding == 0 || padding > end - pos)
      return fail(b.size() - 1, "padding count " + std::to_string(padding) + " is 0 or exceeds the " +
                                    std::to_string(end - pos) + " bytes after the header");
    h.padding_bytes = static_cast<uint8_t>(padding);
    end -= padding;
  }
  return {RtpPacketView{std::move(h), b.subspan(pos, end - pos)}, {}};
}

}  // namespace callsim::rtp
