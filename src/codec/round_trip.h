// Codec-only processing of a whole signal: encode frame by frame, decode every payload in order,
// no network, no jitter buffer. It is the denominator when the media pipeline reports its own
// overhead ("pipeline time / codec-only time"), and a convenience for codec tests.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "codec/codec.h"

namespace callsim::codec {

struct RoundTripResult {
  std::vector<float> decoded;  // at config.sample_rate_hz; lags the input by lookahead_samples
  int lookahead_samples = 0;   // the encoder's OPUS_GET_LOOKAHEAD
  int64_t payload_bytes = 0;   // sum over all payloads, DTX ones included
  int packets = 0;             // frames encoded
  int dtx_packets = 0;         // payloads of <= 2 bytes
};

// Encodes `pcm` (at config.sample_rate_hz; a final partial frame is zero-padded) with a fresh Opus
// encoder and decodes every payload with a fresh decoder at the same rate. Throws
// std::invalid_argument for an invalid config.
RoundTripResult codec_only_round_trip(const EncoderConfig& config, std::span<const float> pcm);

}  // namespace callsim::codec
