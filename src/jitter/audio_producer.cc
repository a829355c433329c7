#include "jitter/audio_producer.h"

#include <algorithm>

#include "jitter/decision_logic.h"

namespace callsim::jitter {

AudioProducer::AudioProducer(codec::Decoder& decoder, int sample_rate_hz, uint64_t seed, ExpandConfig expand)
    : decoder_(decoder),
      rate_(sample_rate_hz),
      noise_(sample_rate_hz, seed),
      expand_(decoder, noise_, sample_rate_hz, expand),
      merge_(sample_rate_hz) {}

std::vector<float> AudioProducer::continuation(int samples) {
  if (last_ == Last::kComfortNoise) return noise_.comfort_noise(samples);
  // After the decoder's own concealment the decoder makes the seam itself (libopus continues from
  // its PLC state); only a continuation it has already made is cross-faded in. Asking it for more
  // would run its PLC for 10 ms that is never played, and the packet would then be decoded as if
  // after that much more loss: -0.05 MOS-LQO WB on average over 48 loss4/gilbert3_35 runs of
  // ../shared/jb-frontier's traces (seeds 11-22), up to -0.31 on one (src/jitter/README.md).
  if (!expand_.can_continue_without_decoder(samples)) return {};
  return expand_.conceal(samples).pcm;
}

int AudioProducer::decode(const StoredPacket& packet, int64_t from_position, PlayoutQueue& queue) {
  std::vector<float> cont;
  if (synthetic()) cont = continuation(merge_.length());
  std::vector<float> pcm = decoder_.decode(packet.payload);
  if (pcm.empty()) return 0;
  noise_.update(pcm);
  const int64_t skip =
      std::clamp<int64_t>(from_position - packet.position, 0, static_cast<int64_t>(pcm.size()));
  std::span<float> audio(pcm.data() + skip, pcm.size() - static_cast<size_t>(skip));
  const size_t merged = cont.empty() ? 0 : merge_.apply(audio, cont);
  const int64_t start = packet.position + skip;
  queue.append_decoded(audio.first(merged), start, packet.arrival, SampleKind::kMerge);
  queue.append_decoded(audio.subspan(merged), start + static_cast<int64_t>(merged), packet.arrival,
                       SampleKind::kNormal);
  expand_.reset();
  last_ = Last::kDecoded;
  return static_cast<int>(audio.size());
}

void AudioProducer::conceal(int samples, PlayoutQueue& queue) {
  Expand::Block block = expand_.conceal(samples);
  std::span<const float> pcm(block.pcm);
  queue.append_synthetic(pcm.first(block.first_silent), SampleKind::kExpand);
  queue.append_synthetic(pcm.subspan(block.first_silent), SampleKind::kExpandSilent);
  last_ = Last::kConcealment;
}

void AudioProducer::fill_gap(int samples, bool dtx_stream, PlayoutQueue& queue) {
  // Only on a stream seen to use DTX (no hangover rule): these buffers keep the decoder's
  // concealment for every gap of a stream without DTX, as they always did (their figures on such
  // streams, the fixed buffers of issue 12's comparisons among them, stay as they were).
  const bool noise = comfort_noise_for_gap(dtx_stream, 0.0, DecisionConfig{}.dtx_hangover_ms,
                                           last_ == Last::kComfortNoise, last_ == Last::kConcealment,
                                           last_decoded_silent());
  if (noise)
    comfort_noise(samples, queue);
  else
    conceal(samples, queue);
}

void AudioProducer::insert_plc(int samples, PlayoutQueue& queue) {
  queue.append_synthetic(expand_.conceal(samples).pcm, SampleKind::kPreemptive);
  last_ = Last::kConcealment;
}

void AudioProducer::comfort_noise(int samples, PlayoutQueue& queue) {
  queue.append_synthetic(noise_.comfort_noise(samples), SampleKind::kComfortNoise);
  last_ = Last::kComfortNoise;
}

void AudioProducer::recover_fec(const StoredPacket& next, int samples, PlayoutQueue& queue) {
  if (!next.has_fec) {
    conceal(samples, queue);
    return;
  }
  std::vector<float> cont;
  if (synthetic()) cont = continuation(merge_.length());
  std::vector<float> pcm = decoder_.decode_fec(next.payload, samples);
  pcm.resize(static_cast<size_t>(samples), 0.0f);
  noise_.update(pcm);
  const size_t merged = cont.empty() ? 0 : merge_.apply(pcm, cont);
  const std::span<const float> audio(pcm);
  const int64_t start = next.position - samples;
  queue.append_decoded(audio.first(merged), start, next.arrival, SampleKind::kMerge, true);
  queue.append_decoded(audio.subspan(merged), start + static_cast<int64_t>(merged), next.arrival,
                       SampleKind::kFec, true);
  expand_.reset();
  last_ = Last::kDecoded;
}

void AudioProducer::silence(int samples, PlayoutQueue& queue) {
  queue.append_synthetic(std::vector<float>(static_cast<size_t>(std::max(0, samples)), 0.0f),
                         SampleKind::kSilence);
}

}  // namespace callsim::jitter
