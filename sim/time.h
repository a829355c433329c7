// Virtual time for the discrete-event core: strong types over integer nanoseconds.
// Duration is a signed span, Timestamp a point on the simulation clock (0 = call start).
// Nothing here reads the wall clock.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace callsim::sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanos(int64_t ns) { return Duration(ns); }
  static constexpr Duration micros(int64_t us) { return Duration(us * 1000); }
  static constexpr Duration millis(int64_t ms) { return Duration(ms * 1000000); }
  static constexpr Duration seconds(int64_t s) { return Duration(s * 1000000000); }
  // Rounds to the nearest nanosecond.
  static Duration from_ms(double ms) { return Duration(std::llround(ms * 1e6)); }
  static Duration from_seconds(double s) { return Duration(std::llround(s * 1e9)); }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns() const { return ns_; }
  constexpr int64_t us() const { return ns_ / 1000; }
  constexpr int64_t ms() const { return ns_ / 1000000; }
  constexpr double to_ms() const { return static_cast<double>(ns_) / 1e6; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp from_ns(int64_t ns) { return Timestamp(ns); }
  static constexpr Timestamp zero() { return Timestamp(0); }
  static constexpr Timestamp infinite() { return Timestamp(std::numeric_limits<int64_t>::max()); }
  static Timestamp from_ms(double ms) { return Timestamp(std::llround(ms * 1e6)); }

  constexpr int64_t ns() const { return ns_; }
  constexpr double to_ms() const { return static_cast<double>(ns_) / 1e6; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }
  constexpr Duration since_start() const { return Duration::nanos(ns_); }
  constexpr bool is_infinite() const { return ns_ == std::numeric_limits<int64_t>::max(); }

  constexpr Timestamp operator+(Duration d) const { return Timestamp(ns_ + d.ns()); }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(ns_ - d.ns()); }
  constexpr Duration operator-(Timestamp o) const { return Duration::nanos(ns_ - o.ns_); }
  constexpr Timestamp& operator+=(Duration d) { ns_ += d.ns(); return *this; }
  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  constexpr explicit Timestamp(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace callsim::sim
