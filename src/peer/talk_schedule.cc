#include "peer/talk_schedule.h"

#include <algorithm>
#include <stdexcept>

namespace callsim::peer {
namespace {

size_t to_samples(sim::Duration d, int rate) {
  return static_cast<size_t>((d.ns() * static_cast<int64_t>(rate) + 500000000) / 1000000000);
}

}  // namespace

audio::Signal build_talk_signal(const audio::Signal& clip, const std::vector<TalkSpan>& spans,
                                sim::Duration call_duration, int sample_rate_hz) {
  if (clip.sample_rate_hz != sample_rate_hz) throw std::logic_error("talk clip is not at the codec rate");
  audio::Signal out{sample_rate_hz, std::vector<float>(to_samples(call_duration, sample_rate_hz), 0.0f)};
  if (clip.samples.empty()) return out;
  for (const auto& span : spans) {
    const size_t begin = std::min(to_samples(span.start, sample_rate_hz), out.samples.size());
    const size_t end = std::min(to_samples(span.end, sample_rate_hz), out.samples.size());
    for (size_t i = begin; i < end; ++i) out.samples[i] = clip.samples[(i - begin) % clip.samples.size()];
  }
  return out;
}

}  // namespace callsim::peer
