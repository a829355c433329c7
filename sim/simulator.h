// The discrete-event simulator: a virtual clock and an event queue ordered by (time, order,
// insertion order), so simultaneous events run by their Order, then in the order they were
// scheduled. An object, not a global: every call run owns its own Simulator.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/time.h"

namespace callsim::sim {

using EventId = uint64_t;

// Which of two events at the same instant runs first, whenever each was scheduled. Without it a
// packet arriving at a playout tick's instant was taken at that tick or missed it depending on
// when its arrival was scheduled (a link delay under the 10 ms tick scheduled it after the tick):
// on a 0 ms link every packet missed the tick it arrived at, while the buffer counts a packet
// that arrived by a tick as there for it, and the adaptive buffer accelerated into 34 stalls in
// 10 s of a perfect link.
enum class Order : uint8_t {
  kNormal = 0,      // packets, sends, anything else
  kAfterArrivals = 1,  // playout ticks: after every packet that arrives at the same instant
};

class Simulator {
 public:
  using Action = std::function<void()>;

  Timestamp now() const { return now_; }

  // Schedule `action` at absolute time `at` (must not be in the past). `label` names the event
  // in the trace; keep it stable (no pointers, no wall times).
  EventId schedule_at(Timestamp at, std::string label, Action action, Order order = Order::kNormal);
  EventId schedule_in(Duration delay, std::string label, Action action, Order order = Order::kNormal) {
    return schedule_at(now_ + delay, std::move(label), std::move(action), order);
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
    Order order;
    EventId id;
    std::string label;
    Action action;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.at != b.at) return a.at > b.at;
      return a.order != b.order ? a.order > b.order : a.id > b.id;
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
