// The discrete-event simulator: a virtual clock and an event queue ordered by (time, insertion
// order), so simultaneous events always run in the order they were scheduled. An object, not a
// global: every call run owns its own Simulator.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/time.h"

namespace callsim::sim {

using EventId = uint64_t;

class Simulator {
 public:
  using Action = std::function<void()>;

  Timestamp now() const { return now_; }

  // Schedule `action` at absolute time `at` (must not be in the past). `label` names the event
  // in the trace; keep it stable (no pointers, no wall times).
  EventId schedule_at(Timestamp at, std::string label, Action action);
  EventId schedule_in(Duration delay, std::string label, Action action) {
    return schedule_at(now_ + delay, std::move(label), std::move(action));
  }
  // Cancel a pending event; returns false when it already ran or was cancelled.
  bool cancel(EventId id);

  // Run events until the queue is empty or the next event is later than `until`; the clock then
  // stands at `until` (or at the last event when the queue emptied earlier and until is infinite).
  void run_until(Timestamp until);
  void run() { run_until(Timestamp::infinite()); }

  // Write one line per executed event ("<time_ns> <id> <label>") to `out`; nullptr disables.
  void set_trace(std::ostream* out) { trace_ = out; }

  size_t pending() const { return heap_.size() - cancelled_count_; }
  uint64_t executed() const { return executed_; }

 private:
  struct Entry {
    Timestamp at;
    EventId id;
    std::string label;
    Action action;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.at != b.at ? a.at > b.at : a.id > b.id;
    }
  };

  Timestamp now_;
  EventId next_id_ = 0;
  uint64_t executed_ = 0;
  std::vector<Entry> heap_;
  std::vector<EventId> cancelled_;  // sorted
  size_t cancelled_count_ = 0;
  std::ostream* trace_ = nullptr;
};

}  // namespace callsim::sim
