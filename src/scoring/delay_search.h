// Coarse delay of the degraded signal per window, for inputs whose delay nobody told us (the
// simulator knows each frame's mouth-to-ear delay; a user's recordings do not). On the 10 ms
// speech envelopes (level above the activity threshold, dB): one cross-correlation of the whole
// files gives the dominant delay within +-max_delay (default: the file length); each window then
// searches +-1 s around the delay of the window before it (the first around the dominant one),
// and +-5 s when nothing there correlates (coefficient below 0.5), taking a far lag only with a
// coefficient of 0.7 or more and keeping the delay before otherwise. So a delay that drifts or jumps during a long call is followed, in time linear in
// the length, and speech that repeats a rhythm a few seconds later does not pull a window away.
// The result is a hint at 10 ms resolution: P.862's own alignment refines it inside the window.
#pragma once

#include <optional>
#include <vector>

#include "scoring/levels.h"

namespace callsim::scoring {

constexpr double kNearSearchS = 1.0;
constexpr double kLocalSearchS = 5.0;
constexpr double kMinCorrelation = 0.5;
constexpr double kMinFarCorrelation = 0.7;

struct WindowFrames {
  long first = 0, last = 0;  // reference frames [first, last)
};

// Delay (ms, degraded lagging) of each window; the degraded activity threshold is `deg_threshold`.
std::vector<double> search_delays(const FrameLevels& ref, const FrameLevels& deg, double deg_threshold_db,
                                  const std::vector<WindowFrames>& windows, std::optional<double> max_delay_s);

}  // namespace callsim::scoring
