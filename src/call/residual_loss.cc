#include "call/residual_loss.h"

#include <algorithm>

namespace callsim::call {
namespace {

struct Interval {
  int64_t begin = 0, end = 0;  // RTP ticks relative to the first sent frame, [begin, end)
};

// Sorted, merged intervals.
std::vector<Interval> merged(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  std::vector<Interval> out;
  for (const auto& i : v) {
    if (!out.empty() && i.begin <= out.back().end)
      out.back().end = std::max(out.back().end, i.end);
    else
      out.push_back(i);
  }
  return out;
}

// A frame counts as played when at least 1 ms of it was: the output-rate sample grid shifts span
// edges by up to 5 ticks (48 kHz RTP time at 8 kHz output), a removed pitch period leaves at least
// 5 ms of a 20 ms frame.
constexpr int64_t kMinPlayedTicks = 48;

bool overlaps(const std::vector<Interval>& sorted, const Interval& x) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), x.begin,
                             [](int64_t t, const Interval& i) { return t < i.end; });  // first with end > x.begin
  int64_t covered = 0;
  for (; it != sorted.end() && it->begin < x.end; ++it) covered += std::min(it->end, x.end) - std::max(it->begin, x.begin);
  return covered >= kMinPlayedTicks;
}

}  // namespace

std::vector<FrameFate> frame_fates(const DirectionResult& d, uint32_t frame_ticks) {
  std::vector<FrameFate> out;
  const peer::PacketRecord* first = nullptr;
  for (const auto& p : d.packets)
    if (!p.delivery.duplicate) {
      first = &p;
      break;
    }
  if (!first) return out;
  const uint32_t origin = first->rtp_timestamp;
  auto rel = [&](uint32_t ts) { return static_cast<int64_t>(static_cast<int32_t>(ts - origin)); };
  std::vector<Interval> own, fec;
  for (const auto& f : d.frames)
    for (const auto& s : f.played) (s.fec ? fec : own).push_back({rel(s.rtp_timestamp), rel(s.rtp_timestamp) + s.ticks});
  own = merged(std::move(own));
  fec = merged(std::move(fec));
  for (const auto& p : d.packets) {
    if (p.delivery.duplicate) continue;
    const Interval frame{rel(p.rtp_timestamp), rel(p.rtp_timestamp) + frame_ticks};
    out.push_back(overlaps(own, frame)   ? FrameFate::kPlayed
                  : overlaps(fec, frame) ? FrameFate::kFecRecovered
                                         : FrameFate::kMissing);
  }
  return out;
}

ResidualLoss residual_loss(const std::vector<FrameFate>& fates) {
  ResidualLoss r;
  r.sent = static_cast<int64_t>(fates.size());
  for (const auto f : fates) {
    r.played += f == FrameFate::kPlayed;
    r.fec_recovered += f == FrameFate::kFecRecovered;
    r.missing += f == FrameFate::kMissing;
    r.missing_pattern.push_back(f == FrameFate::kMissing ? 1 : 0);
  }
  return r;
}

}  // namespace callsim::call
