#include "peer/encoded_stream.h"

#include <algorithm>
#include <stdexcept>

#include "codec/opus_codec.h"

namespace callsim::peer {

EncodedStream encode_talk(const audio::Signal& talk, const codec::EncoderConfig& config) {
  if (talk.sample_rate_hz != config.sample_rate_hz)
    throw std::logic_error("encode_talk: talk signal is not at the codec rate");
  codec::OpusEncoder encoder(config);
  EncodedStream out;
  out.sample_rate_hz = config.sample_rate_hz;
  out.frame_samples = encoder.frame_samples();
  out.lookahead_samples = encoder.lookahead_samples();
  const size_t n = static_cast<size_t>(out.frame_samples);
  const size_t frames = (talk.samples.size() + n - 1) / n;
  out.payloads.reserve(frames);
  std::vector<float> frame(n);
  for (size_t k = 0; k < frames; ++k) {
    const size_t begin = k * n;
    const size_t end = std::min(begin + n, talk.samples.size());
    std::fill(frame.begin(), frame.end(), 0.0f);
    std::copy(talk.samples.begin() + static_cast<std::ptrdiff_t>(begin),
              talk.samples.begin() + static_cast<std::ptrdiff_t>(end), frame.begin());
    out.payloads.push_back(encoder.encode(frame));
  }
  return out;
}

}  // namespace callsim::peer
