#include "sim/simulator.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace callsim::sim {

EventId Simulator::schedule_at(Timestamp at, std::string label, Action action, Order order) {
  if (at < now_) throw std::logic_error("Simulator: event '" + label + "' scheduled in the past");
  const EventId id = next_id_++;
  heap_.push_back(Entry{at, order, id, std::move(label), std::move(action)});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return id;
}

bool Simulator::cancel(EventId id) {
  const bool queued = std::any_of(heap_.begin(), heap_.end(), [id](const Entry& e) { return e.id == id; });
  if (!queued) return false;
  auto pos = std::lower_bound(cancelled_.begin(), cancelled_.end(), id);
  if (pos != cancelled_.end() && *pos == id) return false;
  cancelled_.insert(pos, id);
  ++cancelled_count_;
  return true;
}

void Simulator::run_until(Timestamp until) {
  while (!heap_.empty() && heap_.front().at <= until) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Entry e = std::move(heap_.back());
    heap_.pop_back();
    auto pos = std::lower_bound(cancelled_.begin(), cancelled_.end(), e.id);
    if (pos != cancelled_.end() && *pos == e.id) {
      cancelled_.erase(pos);
      --cancelled_count_;
      continue;
    }
    assert(e.at >= now_);
    now_ = e.at;
    ++executed_;
    if (trace_) *trace_ << now_.ns() << ' ' << e.id << ' ' << e.label << '\n';
    e.action();
  }
  if (!until.is_infinite() && until > now_) now_ = until;
}

}  // namespace callsim::sim
