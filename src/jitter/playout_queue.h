// PlayoutQueue: audio produced but not yet played, with per-sample provenance (which timeline
// position it came from, when its packet arrived, and how it was made). The frame type, the
// playout RTP timestamp and the delay statistics of each 10 ms frame are read from it, so every
// operation (decode, PLC, FEC, time stretch) only has to label the samples it produces.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jitter/jitter_buffer.h"

namespace callsim::jitter {

enum class SampleKind : uint8_t {
  kSilence,       // before playout starts
  kNormal,        // decoded
  kFec,           // rebuilt from in-band FEC
  kMerge,         // decoded, cross-faded in after concealment
  kAccelerate,    // overlap-add region of a removed pitch period
  kPreemptive,    // an inserted pitch period
  kExpand,        // concealment of speech
  kExpandSilent,  // concealment faded to comfort noise
  kComfortNoise,  // DTX comfort noise
};

inline bool is_concealment(SampleKind k) {
  return k == SampleKind::kExpand || k == SampleKind::kExpandSilent;
}
inline bool is_decoded(SampleKind k) {
  return k == SampleKind::kNormal || k == SampleKind::kFec || k == SampleKind::kMerge ||
         k == SampleKind::kAccelerate || k == SampleKind::kPreemptive;
}

struct SampleMeta {
  int64_t position = -1;    // timeline position (output samples) of the audio, -1 if synthetic
  int64_t arrival_ns = -1;  // arrival of the packet it was decoded from, -1 if synthetic
  SampleKind kind = SampleKind::kSilence;
  // Rebuilt from the next packet's in-band FEC, whatever its kind says: the cross-fade into FEC
  // audio (kMerge) and a pitch period stretched out of it keep it, so the frame it belongs to is
  // FEC-recovered and not played from its own (lost) packet (PlayoutFrame::PlayedSpan::fec).
  bool fec = false;
};

class PlayoutQueue {
 public:
  size_t size() const { return samples_.size() - head_; }

  // Decoded audio starting at timeline `position`; `fec`: rebuilt from in-band FEC (SampleMeta::fec).
  void append_decoded(std::span<const float> pcm, int64_t position, sim::Timestamp arrival, SampleKind kind,
                      bool fec = false);
  // Synthetic audio (concealment, comfort noise, leading silence).
  void append_synthetic(std::span<const float> pcm, SampleKind kind);

  std::span<const float> samples() const { return {samples_.data() + head_, size()}; }
  std::span<const SampleMeta> metas() const { return {metas_.data() + head_, size()}; }
  std::span<float> mutable_samples() { return {samples_.data() + head_, size()}; }

  // Replaces the first `count` queued samples by `pcm`, whose sample i takes the provenance of
  // old sample source[i] relabelled `kind` where `relabel[i]` (time stretching).
  void replace_head(size_t count, std::span<const float> pcm, std::span<const int> source,
                    std::span<const uint8_t> relabel, SampleKind kind);

  // Removes `n` samples from the front; `out_samples`/`out_metas` receive them.
  void pop(size_t n, std::vector<float>& out_samples, std::vector<SampleMeta>& out_metas);
  void clear();

 private:
  void compact();
  std::vector<float> samples_;
  std::vector<SampleMeta> metas_;
  size_t head_ = 0;
};

// The frame type a 10 ms frame reports, from the kinds of its samples (concealment wins, then
// comfort noise, merge, accelerate, preemptive expand, FEC, normal; all-silence is kSilence).
PlayoutFrame::Type frame_type(std::span<const SampleMeta> metas);

}  // namespace callsim::jitter
