#include "audio/ogg_pages.h"

#include <array>
#include <stdexcept>

namespace callsim::audio {
namespace {

constexpr size_t kHeaderBytes = 27;  // "OggS" … page_segments
constexpr size_t kSerialAt = 14, kCrcAt = 22, kSegmentsAt = 26;

const std::array<uint32_t, 256>& crc_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t r = i << 24;
      for (int k = 0; k < 8; ++k) r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
      t[i] = r;
    }
    return t;
  }();
  return table;
}

void put_le32(std::string& s, size_t at, uint32_t v) {
  for (int k = 0; k < 4; ++k) s[at + k] = static_cast<char>((v >> (8 * k)) & 0xff);
}

[[noreturn]] void bad(size_t at, const std::string& what) {
  throw std::invalid_argument("ogg: byte " + std::to_string(at) + ": " + what);
}

}  // namespace

uint32_t ogg_crc(const std::string& bytes, size_t begin, size_t end) {
  uint32_t crc = 0;
  for (size_t i = begin; i < end; ++i)
    crc = (crc << 8) ^ crc_table()[((crc >> 24) ^ static_cast<unsigned char>(bytes[i])) & 0xff];
  return crc;
}

std::string with_ogg_serial(std::string ogg, uint32_t serial) {
  size_t pos = 0;
  while (pos < ogg.size()) {
    if (ogg.size() - pos < kHeaderBytes || ogg.compare(pos, 4, "OggS") != 0) bad(pos, "not an Ogg page");
    const size_t segments = static_cast<unsigned char>(ogg[pos + kSegmentsAt]);
    if (ogg.size() - pos < kHeaderBytes + segments) bad(pos, "truncated segment table");
    size_t body = 0;
    for (size_t k = 0; k < segments; ++k) body += static_cast<unsigned char>(ogg[pos + kHeaderBytes + k]);
    const size_t end = pos + kHeaderBytes + segments + body;
    if (end > ogg.size()) bad(pos, "truncated page");
    put_le32(ogg, pos + kSerialAt, serial);
    put_le32(ogg, pos + kCrcAt, 0);
    put_le32(ogg, pos + kCrcAt, ogg_crc(ogg, pos, end));
    pos = end;
  }
  return ogg;
}

}  // namespace callsim::audio
