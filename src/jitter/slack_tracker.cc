#include "jitter/slack_tracker.h"

#include <algorithm>

namespace callsim::jitter {

void SlackTracker::taken(sim::Timestamp now, sim::Timestamp arrival, sim::Duration queued) {
  const int64_t slack = std::max<int64_t>(0, (now - arrival).ns());
  const int64_t headroom = queued.ns() + slack / tick_.ns() * tick_.ns() - offset_ns_;
  const int64_t oldest = now.ns() - window_.ns();
  while (!min_queue_.empty() && min_queue_.front().time_ns < oldest) min_queue_.pop_front();
  while (!min_queue_.empty() && min_queue_.back().headroom_ns >= headroom) min_queue_.pop_back();
  min_queue_.push_back({now.ns(), headroom});
}

std::optional<double> SlackTracker::headroom_ms(sim::Timestamp now) const {
  const int64_t oldest = now.ns() - window_.ns();
  for (const Entry& e : min_queue_)
    if (e.time_ns >= oldest) return std::max<double>(0.0, static_cast<double>(e.headroom_ns + offset_ns_) / 1e6);
  return std::nullopt;
}

}  // namespace callsim::jitter
