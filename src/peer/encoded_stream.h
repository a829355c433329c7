// The encoded form of one direction's talk signal: one Opus payload per frame, in order. It
// depends only on the audio and the encoder settings (no network feedback), so sweeps can encode
// once and reuse it across network conditions (see harness's encode-once cache).
#pragma once

#include <cstdint>
#include <vector>

#include "audio/audio.h"
#include "codec/codec.h"

namespace callsim::peer {

struct EncodedStream {
  int sample_rate_hz = 0;
  int frame_samples = 0;      // per payload, at sample_rate_hz
  int lookahead_samples = 0;  // codec delay: decoded output lags the input by this much
  std::vector<std::vector<uint8_t>> payloads;  // frame k covers input samples [k·N, (k+1)·N)

  int frame_ms() const { return frame_samples * 1000 / sample_rate_hz; }
};

// Encodes `talk` (at config.sample_rate_hz) frame by frame; the last partial frame is padded
// with silence.
EncodedStream encode_talk(const audio::Signal& talk, const codec::EncoderConfig& config);

}  // namespace callsim::peer
