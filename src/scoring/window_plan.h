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

// The degraded signal's delay at one instant of the reference timeline (the simulator knows it
// for every 10 ms frame of real audio it played: the frame's mouth-to-ear delay).
struct DelaySample {
  double reference_s = 0;  // when the audio was captured (reference timeline)
  double delay_ms = 0;     // how much later it was played (degraded timeline)
};

constexpr double kDelayJumpMs = 100.0;  // a change of delay this large between two frames is a jump
constexpr double kMinSplitS = 3.0;      // forced cuts keep at least this much between them

// Where the delay jumps (by kDelayJumpMs or more between consecutive samples, any order): cut
// points on the 10 ms grid at the first sample of each new delay, for automatic_windows, so that
// each window is scored pre-aligned at one delay, as P.862 would score the re-timed audio (what
// was played between the two delays - a stall, concealment of the late audio - carries no
// reference audio and falls between the windows). Cuts closer than kMinSplitS to each other or
// to the ends of the reference (levels `ref`) are dropped; such a window keeps a delay range.
std::vector<double> delay_jump_cuts(std::vector<DelaySample> track, const FrameLevels& ref);

// Delay hints from a delay track: each window's hint is the range (whole ms) of the delays
// captured in it; a window without samples takes the median delay of the call (0 without any).
std::vector<WindowSpec> with_delay_track(std::vector<WindowSpec> windows, const std::vector<DelaySample>& track,
                                         double reference_s);

// The windows cut to the reference audio the degraded file can hold: a window with a delay hint
// ends at most at degraded_s - its largest delay (down to the 10 ms grid); a window left with
// nothing is dropped. At the end of a call whose talker speaks to the last moment, the last
// delay's worth of speech was still in flight when playout stopped: zero-padded, P.862 would
// score it as lost speech (the last 2-4 ms of it moved NB by 0.3 MOS in dtx_off_managed), yet no
// network lost it.
std::vector<WindowSpec> within_degraded(std::vector<WindowSpec> windows, double reference_s, double degraded_s);

// Automatic windows over the reference: consecutive windows of about window_s, each inner cut
// moved to the quietest 20 ms of the reference within 2 s of its nominal place (so cuts fall in
// pauses); a last window shorter than half a window joins its predecessor. `cuts` (seconds) are
// forced window edges; windows are planned this way between them.
std::vector<WindowSpec> automatic_windows(const FrameLevels& ref, double window_s, const std::vector<double>& cuts = {});

}  // namespace callsim::scoring
