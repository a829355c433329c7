// Fuzz target: `callsim score --windows` (src/scoring/window_plan.h). The input is the option's
// text. Text that parses holds windows that start at 0 s or later and end after they start, with
// whole-millisecond delay hints MIN <= MAX (a fractional one is refused: it was used truncated);
// its canonical text form parses back to itself (what is scored must be what the command says).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "scoring/window_plan.h"

namespace scoring = callsim::scoring;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<scoring::WindowSpec> windows;
  try {
    windows = scoring::parse_windows(text);
  } catch (const callsim::InputError& e) {
    if (e.file() != "--windows") __builtin_trap();  // the error names the option
    return 0;
  }
  if (windows.empty()) __builtin_trap();
  for (const auto& w : windows) {
    if (!(w.start_s >= 0.0) || (w.end_s && !(*w.end_s > w.start_s))) __builtin_trap();
    if (w.delay && (w.delay->min_ms != std::floor(w.delay->min_ms) || w.delay->max_ms != std::floor(w.delay->max_ms) ||
                    w.delay->max_ms < w.delay->min_ms))
      __builtin_trap();
  }
  // The canonical windows (on the 10 ms grid: what `score` scores and writes in its command line).
  // A window that collapses there is refused as bad input, as `score` refuses it; otherwise their
  // text form reads back to itself.
  std::string once;
  try {
    once = scoring::format_windows(scoring::canonical(windows));
  } catch (const callsim::InputError& e) {
    if (e.file() != "--windows") __builtin_trap();
    return 0;
  }
  if (scoring::format_windows(scoring::parse_windows(once)) != once) __builtin_trap();
  return 0;
}
