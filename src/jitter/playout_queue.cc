#include "jitter/playout_queue.h"

#include <algorithm>
#include <cassert>

namespace callsim::jitter {

void PlayoutQueue::append_decoded(std::span<const float> pcm, int64_t position, sim::Timestamp arrival,
                                  SampleKind kind, bool fec) {
  samples_.insert(samples_.end(), pcm.begin(), pcm.end());
  for (size_t i = 0; i < pcm.size(); ++i)
    metas_.push_back({position + static_cast<int64_t>(i), arrival.ns(), kind, fec});
}

void PlayoutQueue::append_synthetic(std::span<const float> pcm, SampleKind kind) {
  samples_.insert(samples_.end(), pcm.begin(), pcm.end());
  metas_.insert(metas_.end(), pcm.size(), SampleMeta{-1, -1, kind});
}

void PlayoutQueue::replace_head(size_t count, std::span<const float> pcm, std::span<const int> source,
                                std::span<const uint8_t> relabel, SampleKind kind) {
  assert(count <= size() && pcm.size() == source.size() && pcm.size() == relabel.size());
  std::vector<SampleMeta> new_metas(pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) {
    new_metas[i] = metas_[head_ + static_cast<size_t>(source[i])];
    if (relabel[i]) new_metas[i].kind = kind;
  }
  std::vector<float> tail_s(samples_.begin() + static_cast<std::ptrdiff_t>(head_ + count), samples_.end());
  std::vector<SampleMeta> tail_m(metas_.begin() + static_cast<std::ptrdiff_t>(head_ + count), metas_.end());
  samples_.assign(pcm.begin(), pcm.end());
  samples_.insert(samples_.end(), tail_s.begin(), tail_s.end());
  metas_ = std::move(new_metas);
  metas_.insert(metas_.end(), tail_m.begin(), tail_m.end());
  head_ = 0;
}

void PlayoutQueue::pop(size_t n, std::vector<float>& out_samples, std::vector<SampleMeta>& out_metas) {
  assert(n <= size());
  const auto b = static_cast<std::ptrdiff_t>(head_), e = static_cast<std::ptrdiff_t>(head_ + n);
  out_samples.assign(samples_.begin() + b, samples_.begin() + e);
  out_metas.assign(metas_.begin() + b, metas_.begin() + e);
  head_ += n;
  compact();
}

void PlayoutQueue::clear() {
  samples_.clear();
  metas_.clear();
  head_ = 0;
}

void PlayoutQueue::compact() {
  if (head_ < 4096 && head_ < samples_.size()) return;
  samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(head_));
  metas_.erase(metas_.begin(), metas_.begin() + static_cast<std::ptrdiff_t>(head_));
  head_ = 0;
}

PlayoutFrame::Type frame_type(std::span<const SampleMeta> metas) {
  bool has[9] = {};
  for (const auto& m : metas) has[static_cast<int>(m.kind)] = true;
  auto any = [&](SampleKind k) { return has[static_cast<int>(k)]; };
  if (any(SampleKind::kExpand) || any(SampleKind::kExpandSilent)) return PlayoutFrame::kExpand;
  if (any(SampleKind::kComfortNoise)) return PlayoutFrame::kComfortNoise;
  if (any(SampleKind::kMerge)) return PlayoutFrame::kMerge;
  if (any(SampleKind::kAccelerate)) return PlayoutFrame::kAccelerate;
  if (any(SampleKind::kPreemptive)) return PlayoutFrame::kPreemptiveExpand;
  if (any(SampleKind::kFec)) return PlayoutFrame::kFecRecovered;
  if (any(SampleKind::kNormal)) return PlayoutFrame::kNormal;
  return PlayoutFrame::kSilence;
}

}  // namespace callsim::jitter
