// Which stretches of a call are scored, and where the degraded signal carries each of them.
// A window is a span of the reference timeline; its delay hint says by how much the degraded
// signal lags the reference over the window (a range when the delay changes inside it). The text
// form is what `callsim score --windows` takes and what result.json's command lines carry:
//   START:END[@DELAY_MS[:DELAY_MAX_MS]],...     e.g. 0.00:10.02@523,10.02:end@523:1040
// (seconds with 10 ms resolution, END may be `end`; delays in whole milliseconds, may be negative).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scoring/levels.h"

namespace callsim::scoring {

struct DelayHint {
  double min_ms = 0, max_ms = 0;  // min_ms <= max_ms
  bool operator==(const DelayHint&) const = default;
};

struct WindowSpec {
  double start_s = 0;
  std::optional<double> end_s;     // unset: to the end of the reference
  std::optional<DelayHint> delay;  // unset: searched (or, for the whole file, P.862's own search)
};

// Parses the text form. Throws InputError naming `option` and the faulty item.
std::vector<WindowSpec> parse_windows(const std::string& text, const std::string& option = "--windows");
std::string format_windows(const std::vector<WindowSpec>& windows);
// The windows as their text form reads back (what is scored must be what the command says).
std::vector<WindowSpec> canonical(const std::vector<WindowSpec>& windows);

// Automatic windows over the reference: consecutive windows of about window_s, each inner cut
// moved to the quietest 20 ms of the reference within 2 s of its nominal place (so cuts fall in
// pauses); a last window shorter than half a window joins its predecessor.
std::vector<WindowSpec> automatic_windows(const FrameLevels& ref, double window_s);

}  // namespace callsim::scoring
