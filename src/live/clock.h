// The live clock adapter: the one place in the project that reads the wall clock. It maps the
// monotonic clock (CLOCK_MONOTONIC via std::chrono::steady_clock) to sim::Timestamp, nanoseconds
// since the relay started, so everything downstream (the link models, statistics, fate logs) works
// in the same integer-nanosecond time as the simulator. It also remembers the Unix time of that
// zero for the timestamps of pcaps and JSON lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/time.h"

namespace callsim::live {

class LiveClock {
 public:
  LiveClock();  // time zero = now

  sim::Timestamp now() const {
    return sim::Timestamp::from_ns(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - zero_).count());
  }
  std::chrono::steady_clock::time_point to_steady(sim::Timestamp t) const {
    return zero_ + std::chrono::nanoseconds(t.ns());
  }
  // Unix time of time zero, in nanoseconds.
  int64_t unix_ns_at_zero() const { return unix_zero_ns_; }

 private:
  std::chrono::steady_clock::time_point zero_;
  int64_t unix_zero_ns_ = 0;
};

// "2026-01-01T12:00:00.123456Z" for a Unix time in nanoseconds (UTC, microseconds).
std::string format_utc(int64_t unix_ns);

}  // namespace callsim::live
