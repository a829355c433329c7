// Sweep progress on stderr. On a terminal: one line redrawn in place — a bar, done/total,
// failures, elapsed time and ETA. Otherwise (CI logs, pipes): one plain line per finished call,
// `[12/40] lte/wb24/en_female/s1 PASS 3.2 s`. Thread-safe; times are in seconds and supplied by
// the caller's clock, so output is testable.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>

namespace callsim::harness {

// How one sweep job ended (the CI check has its own, richer CallStatus in check.h).
enum class RunStatus { kPassed, kFailed, kError };

class ProgressReporter {
 public:
  // `now_s` returns seconds since the sweep started.
  ProgressReporter(std::ostream& out, bool tty, size_t total, std::function<double()> now_s);

  // A call finished (`seconds` is its wall time) or was found complete from an earlier run.
  void call_done(const std::string& id, RunStatus status, double seconds, bool resumed,
                 const std::string& error = "");
  // Ends the in-place line on a terminal.
  void finish();

  static std::string format_duration(double seconds);  // "42 s", "3:07", "1:02:03"

 private:
  void draw_bar(const std::string& last_id);

  std::mutex mutex_;
  std::ostream& out_;
  bool tty_;
  size_t total_, done_ = 0, failed_ = 0, ran_ = 0;
  std::function<double()> now_s_;
  size_t last_width_ = 0;
};

const char* to_string(RunStatus status);

}  // namespace callsim::harness
