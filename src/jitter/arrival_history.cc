#include "jitter/arrival_history.h"

#include <cmath>

namespace callsim::jitter {

int64_t ArrivalHistory::media_ns(int64_t position) const {
  // position / rate in ns without overflow for long calls: split whole seconds.
  const int64_t seconds = position / rate_, rest = position % rate_;
  return seconds * 1000000000 + rest * 1000000000 / rate_;
}

int64_t ArrivalHistory::x_of(int64_t position, sim::Timestamp t) const { return t.ns() - media_ns(position); }

double ArrivalHistory::insert(int64_t position, sim::Timestamp arrival) {
  const int64_t x = x_of(position, arrival);
  if (!origin_ns_) origin_ns_ = x;
  while (!min_queue_.empty() && min_queue_.back().x_ns >= x) min_queue_.pop_back();
  min_queue_.push_back({arrival.ns(), x});
  const int64_t oldest = arrival.ns() - window_.ns();
  while (min_queue_.size() > 1 && min_queue_.front().arrival_ns < oldest) min_queue_.pop_front();
  reference_ns_ = min_queue_.front().x_ns;
  return static_cast<double>(x - *reference_ns_) / 1e6;
}

double ArrivalHistory::delay_ms(int64_t position, sim::Timestamp playout_time) const {
  if (!reference_ns_) return 0.0;
  return static_cast<double>(x_of(position, playout_time) - *reference_ns_) / 1e6;
}

double ArrivalHistory::offset_ms(int64_t position, sim::Timestamp arrival) const {
  return static_cast<double>(x_of(position, arrival) - origin_ns_.value_or(0)) / 1e6;
}

sim::Timestamp ArrivalHistory::time_for(int64_t position, double delay_ms) const {
  return sim::Timestamp::from_ns(reference_ns_.value_or(0) + media_ns(position) + std::llround(delay_ms * 1e6));
}

}  // namespace callsim::jitter
