// RTP packets on the wire (RFC 3550 §5.1): the fixed header, CSRC list, header extension and
// padding, serialized to and parsed from bytes. Parsing never trusts its input (the live relay
// feeds it arbitrary UDP payloads): every length is checked, and a problem is reported as a
// ParseError with the byte offset where it was found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace callsim::rtp {

constexpr size_t kFixedHeaderBytes = 12;
constexpr int kRtpVersion = 2;

// Header extension (RFC 3550 §5.3.1): a 16-bit profile value and data whose length is a multiple
// of 4 bytes.
struct HeaderExtension {
  uint16_t profile = 0;
  std::vector<uint8_t> data;
};

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;  // 0..127
  uint16_t sequence = 0;
  uint32_t timestamp = 0;  // in the payload format's clock (48 kHz for Opus, RFC 7587)
  uint32_t ssrc = 0;
  std::vector<uint32_t> csrcs;  // at most 15
  std::optional<HeaderExtension> extension;
  uint8_t padding_bytes = 0;  // 0 = no padding; else the P bit is set and this many bytes end the packet

  // Bytes before the payload: 12 + 4 * CSRCs + extension.
  size_t size() const;
};

// Header + payload (+ padding, zeros with the count in the last byte). Throws
// std::invalid_argument for a payload type above 127, more than 15 CSRCs or extension data that
// is not a multiple of 4 bytes.
std::vector<uint8_t> serialize(const RtpHeader& header, std::span<const uint8_t> payload);

struct ParseError {
  size_t byte_offset = 0;  // where the problem was found
  std::string message;
};

// A parsed packet; `payload` points into the parsed bytes and excludes padding.
struct RtpPacketView {
  RtpHeader header;
  std::span<const uint8_t> payload;
};

struct RtpParseResult {
  std::optional<RtpPacketView> packet;  // set on success
  ParseError error;                     // meaningful when packet is empty

  bool ok() const { return packet.has_value(); }
};

RtpParseResult parse(std::span<const uint8_t> bytes);

}  // namespace callsim::rtp
