#include "codec/round_trip.h"

#include <algorithm>

#include "codec/opus_codec.h"
#include "codec/opus_packet.h"

namespace callsim::codec {

RoundTripResult codec_only_round_trip(const EncoderConfig& config, std::span<const float> pcm) {
  OpusEncoder encoder(config);
  OpusDecoder decoder(config.sample_rate_hz);
  RoundTripResult result;
  result.lookahead_samples = encoder.lookahead_samples();
  const size_t frame = static_cast<size_t>(encoder.frame_samples());
  result.decoded.reserve(pcm.size() + frame);
  std::vector<float> block(frame);
  for (size_t pos = 0; pos < pcm.size(); pos += frame) {
    const size_t n = std::min(frame, pcm.size() - pos);
    std::fill(std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(pos), n, block.begin()), block.end(),
              0.0f);
    const std::vector<uint8_t> payload = encoder.encode(block);
    result.payload_bytes += static_cast<int64_t>(payload.size());
    ++result.packets;
    if (is_dtx_payload(payload)) ++result.dtx_packets;
    const std::vector<float> out = decoder.decode(payload);
    result.decoded.insert(result.decoded.end(), out.begin(), out.end());
  }
  return result;
}

}  // namespace callsim::codec
