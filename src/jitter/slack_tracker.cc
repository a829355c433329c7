#include "jitter/slack_tracker.h"

#include <algorithm>

namespace callsim::jitter {

void SlackTracker::push(std::deque<Entry>& q, int64_t time_ns, int64_t floor_ns, int64_t oldest_ns) {
  while (!q.empty() && q.front().time_ns < oldest_ns) q.pop_front();
  while (!q.empty() && q.back().floor_ns <= floor_ns) q.pop_back();
  q.push_back({time_ns, floor_ns});
}

std::optional<int64_t> SlackTracker::highest(const std::deque<Entry>& q, int64_t oldest_ns) {
  for (const Entry& e : q)
    if (e.time_ns >= oldest_ns) return e.floor_ns;
  return std::nullopt;
}

void SlackTracker::taken(sim::Timestamp now, sim::Timestamp arrival, sim::Duration queued, int64_t media_ns) {
  const int64_t slack = std::max<int64_t>(0, (now - arrival).ns());
  const int64_t headroom = queued.ns() + slack / tick_.ns() * tick_.ns();
  const int64_t oldest = now.ns() - window_.ns();
  push(max_queue_, now.ns(), now.ns() + queued.ns() - headroom - media_ns, oldest);
  push(dry_queue_, now.ns(), arrival.ns() + queued.ns() % tick_.ns() - media_ns, oldest);
}

std::optional<int64_t> SlackTracker::floor_ns(sim::Timestamp now) const {
  return highest(max_queue_, now.ns() - window_.ns());
}

std::optional<int64_t> SlackTracker::dry_floor_ns(sim::Timestamp now) const {
  return highest(dry_queue_, now.ns() - window_.ns());
}

}  // namespace callsim::jitter
