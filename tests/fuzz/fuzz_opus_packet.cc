// Fuzz target: the Opus packet parser (RFC 6716 §3: TOC, frame layouts of codes 0-3, padding),
// DTX detection and the LBRR probe (a minimal range decoder over SILK header bits). Checks the
// layout's invariants: every frame lies inside the payload, at most 48 frames, at most 120 ms.
#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/opus_packet.h"

namespace codec = callsim::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> payload(data, size);
  if (size > 0) (void)codec::parse_toc(data[0]);
  const auto layout = codec::parse_packet(payload);
  if (layout) {
    size_t used = 1;
    for (const auto& f : layout->frames) {
      if (f.offset > size || f.size > size - f.offset) __builtin_trap();
      used += f.size;
    }
    if (layout->frames.size() > 48 || layout->duration_samples_48k() > 5760) __builtin_trap();
    if (used + layout->padding_bytes > size) __builtin_trap();
  }
  const int duration = codec::packet_duration_samples_48k(payload);
  if ((layout ? layout->duration_samples_48k() : 0) != duration) __builtin_trap();
  (void)codec::is_dtx_payload(payload);
  (void)codec::may_have_fec(payload);
  (void)codec::has_lbrr(payload);
  return 0;
}
