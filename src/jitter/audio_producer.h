// AudioProducer: the sample factory shared by the fixed and adaptive buffers. It owns the
// decoder-side DSP (Expand, Merge, BackgroundNoise) around a borrowed codec::Decoder and appends
// labelled samples to a PlayoutQueue: decoded packets (cross-faded in after synthetic audio),
// concealment, comfort noise and FEC recovery. It keeps track of whether the last thing it made
// was synthetic, so the next decode knows to merge.
#pragma once

#include <cstdint>

#include "codec/codec.h"
#include "jitter/background_noise.h"
#include "jitter/expand.h"
#include "jitter/merge.h"
#include "jitter/packet_buffer.h"
#include "jitter/playout_queue.h"

namespace callsim::jitter {

class AudioProducer {
 public:
  AudioProducer(codec::Decoder& decoder, int sample_rate_hz, uint64_t seed, ExpandConfig expand = {});

  // Decodes `packet` and appends its samples from timeline `from_position` on (earlier ones are
  // dropped). Returns the samples appended; 0 when the payload did not decode.
  int decode(const StoredPacket& packet, int64_t from_position, PlayoutQueue& queue);
  // Appends `samples` (a multiple of 2.5 ms) of concealment.
  void conceal(int samples, PlayoutQueue& queue);
  void comfort_noise(int samples, PlayoutQueue& queue);
  // Rebuilds the `samples` before `next` (ending at next.position) from next's in-band FEC.
  // Labelled kFec when next.has_fec, else the decoder returns PLC and it counts as concealment.
  void recover_fec(const StoredPacket& next, int samples, PlayoutQueue& queue);
  // Appends `samples` of decoder PLC labelled as inserted audio (a buffer growing its delay
  // without time stretching, e.g. speexdsp's JITTER_BUFFER_INSERTION).
  void insert_plc(int samples, PlayoutQueue& queue);
  // Appends `samples` of silence (before playout starts).
  void silence(int samples, PlayoutQueue& queue);

  enum class Last { kNothing, kDecoded, kConcealment, kComfortNoise };
  Last last() const { return last_; }
  bool synthetic() const { return last_ == Last::kConcealment || last_ == Last::kComfortNoise; }
  // The last decoded 10 ms block was at the background level (a pause or DTX is likely).
  bool last_decoded_silent() const { return noise_.last_block_silent(); }
  const BackgroundNoise& background() const { return noise_; }
  // A gap now: comfort noise (a stream seen to use DTX, continuing silence or comfort noise) or
  // concealment, by comfort_noise_for_gap() with this producer's state but without the hangover
  // rule; fills `samples` either way. For the buffers without a decision logic (fixed, speex).
  void fill_gap(int samples, bool dtx_stream, PlayoutQueue& queue);
  const Expand& expand() const { return expand_; }
  // Samples per 2.5 ms, the granularity of concealment.
  int plc_quantum() const { return rate_ / 400; }

 private:
  std::vector<float> continuation(int samples);

  codec::Decoder& decoder_;
  int rate_;
  BackgroundNoise noise_;
  Expand expand_;
  Merge merge_;
  Last last_ = Last::kNothing;
};

}  // namespace callsim::jitter
