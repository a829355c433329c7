#include "jitter/slack_tracker.h"

#include <algorithm>

namespace callsim::jitter {

void SlackTracker::taken(sim::Timestamp now, sim::Timestamp arrival, sim::Duration queued, int64_t media_ns) {
  const int64_t slack = std::max<int64_t>(0, (now - arrival).ns());
  const int64_t headroom = queued.ns() + slack / tick_.ns() * tick_.ns();
  const int64_t floor = now.ns() + queued.ns() - headroom - media_ns;
  const int64_t oldest = now.ns() - window_.ns();
  while (!max_queue_.empty() && max_queue_.front().time_ns < oldest) max_queue_.pop_front();
  while (!max_queue_.empty() && max_queue_.back().floor_ns <= floor) max_queue_.pop_back();
  max_queue_.push_back({now.ns(), floor});
}

std::optional<int64_t> SlackTracker::floor_ns(sim::Timestamp now) const {
  const int64_t oldest = now.ns() - window_.ns();
  for (const Entry& e : max_queue_)
    if (e.time_ns >= oldest) return e.floor_ns;
  return std::nullopt;
}

}  // namespace callsim::jitter
