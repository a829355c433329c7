// Opus packet inspection without a decoder (RFC 6716 §3): the TOC byte (mode, bandwidth, frame
// duration), the frame layout of code 0-3 packets, DTX detection, and whether the SILK layer of a
// packet carries LBRR (in-band FEC) data. A jitter buffer uses these to size gaps and to decide
// whether a later packet can repair a lost one. Durations are in samples at 48 kHz (the RTP clock
// of RFC 7587), so 2.5 ms = 120.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "codec/codec.h"

namespace callsim::codec {

enum class OpusMode { kSilk, kHybrid, kCelt };

// What the first byte of an Opus packet says (RFC 6716 §3.1, Table 2).
struct TocInfo {
  int config = 0;  // 0..31
  OpusMode mode = OpusMode::kSilk;
  Bandwidth bandwidth = Bandwidth::kNarrowband;
  int frame_samples_48k = 0;  // duration of each frame: 120, 240, 480, 960, 1920 or 2880
  bool stereo = false;
  int frame_code = 0;  // c: 0 = one frame, 1 = two equal, 2 = two different, 3 = arbitrary count
};

TocInfo parse_toc(uint8_t toc);

// One frame inside a packet: byte offset and length in the payload.
struct OpusFrameSpan {
  size_t offset = 0;
  size_t size = 0;
};

// A packet split into its frames per RFC 6716 §3.2, with the requirements R1-R7 checked.
struct OpusPacketLayout {
  TocInfo toc;
  std::vector<OpusFrameSpan> frames;
  size_t padding_bytes = 0;  // code 3 padding (not part of any frame)

  int duration_samples_48k() const { return static_cast<int>(frames.size()) * toc.frame_samples_48k; }
};

// Splits a payload into frames; nullopt when the packet violates RFC 6716 §3.4 (so a decoder would
// reject it).
std::optional<OpusPacketLayout> parse_packet(std::span<const uint8_t> payload);

// Total duration in samples at 48 kHz, 0 for a malformed packet.
int packet_duration_samples_48k(std::span<const uint8_t> payload);

// True for payloads an Opus encoder emits in DTX (<= 2 bytes: a TOC with an empty frame). A sender
// does not transmit them; the receiver's decoder produces comfort noise/concealment instead.
bool is_dtx_payload(std::span<const uint8_t> payload);

// Best effort, as the brief for libopus 1.3.1 (which lacks opus_packet_has_lbrr) allows: true for
// SILK or Hybrid packets that are not DTX. Only those modes can carry LBRR; whether this packet
// actually does depends on the sender's FEC setting and expected-loss value. Use has_lbrr() for
// the exact answer.
bool may_have_fec(std::span<const uint8_t> payload);

// Exact: decodes the SILK header flags of the first frame (RFC 6716 §4.2.3: per channel, one VAD
// flag per 20 ms SILK frame, then the LBRR flag) with a minimal range decoder (§4.1) and returns
// the LBRR flag (mid or side channel). False for CELT-only, DTX or malformed packets. This is what
// libopus >= 1.5's opus_packet_has_lbrr() reports; decode_fec() of this packet recovers the
// previous frame only when it is true.
bool has_lbrr(std::span<const uint8_t> payload);

}  // namespace callsim::codec
