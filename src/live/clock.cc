#include "live/clock.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace callsim::live {

LiveClock::LiveClock() {
  zero_ = std::chrono::steady_clock::now();
  unix_zero_ns_ =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
}

std::string format_utc(int64_t unix_ns) {
  const time_t seconds = static_cast<time_t>(unix_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>((unix_ns % 1000000000) / 1000));
  return std::string(buf, n) + frac;
}

}  // namespace callsim::live
