#include "harness/sweep/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace callsim::harness {

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kPassed:
      return "PASS";
    case RunStatus::kFailed:
      return "FAIL";
    case RunStatus::kError:
      return "ERROR";
  }
  return "?";
}

ProgressReporter::ProgressReporter(std::ostream& out, bool tty, size_t total, std::function<double()> now_s)
    : out_(out), tty_(tty), total_(total), now_s_(std::move(now_s)) {}

std::string ProgressReporter::format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%ld s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

void ProgressReporter::call_done(const std::string& id, RunStatus status, double seconds, bool resumed,
                                 const std::string& error) {
  std::lock_guard lock(mutex_);
  ++done_;
  if (status != RunStatus::kPassed) ++failed_;
  if (!resumed) ++ran_;
  if (tty_) {
    if (status != RunStatus::kPassed) {  // failures stay visible above the bar
      out_ << '\r' << "\x1b[K" << to_string(status) << ' ' << id << (error.empty() ? "" : ": " + error)
           << '\n';
      last_width_ = 0;
    }
    draw_bar(id);
    return;
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.1f s", seconds);
  out_ << '[' << done_ << '/' << total_ << "] " << id << ' ' << to_string(status);
  if (resumed)
    out_ << " (resumed)";
  else if (status == RunStatus::kError)
    out_ << ": " << error;
  else
    out_ << ' ' << time;
  out_ << '\n' << std::flush;
}

void ProgressReporter::draw_bar(const std::string& last_id) {
  constexpr size_t kWidth = 24;
  const size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
  const double elapsed = now_s_();
  std::string eta = "--";
  if (ran_ > 0 && done_ < total_)
    eta = format_duration(elapsed / static_cast<double>(ran_) * static_cast<double>(total_ - done_));
  if (done_ == total_) eta = "0 s";
  std::string line = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
                     std::to_string(done_) + "/" + std::to_string(total_) + "  failed " +
                     std::to_string(failed_) + "  elapsed " + format_duration(elapsed) + "  ETA " + eta +
                     "  " + last_id;
  if (line.size() > 110) line.resize(110);
  out_ << '\r' << line << "\x1b[K" << std::flush;
  last_width_ = line.size();
}

void ProgressReporter::finish() {
  std::lock_guard lock(mutex_);
  if (tty_ && last_width_ > 0) out_ << '\n' << std::flush;
  last_width_ = 0;
}

}  // namespace callsim::harness
