// The Pareto frontier of (delay, quality) points: which settings no other setting beats on both
// axes at once. Used by the report's jitter-buffer frontier section (report_frontier.cc); kept
// apart from it so it can be tested on its own. Units are the caller's (the report passes mean
// mouth-to-ear delay in ms and MOS-LQO); lower delay and higher quality are better.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace callsim::harness {

struct ParetoPoint {
  std::string label;  // e.g. the jitter_buffer entry ("fixed40", "adaptive")
  double delay = 0;   // lower is better
  double quality = 0; // higher is better
};

// Per input point, in input order.
struct ParetoVerdict {
  bool excluded = false;     // delay or quality is not finite (NaN: not measured): not judged
  bool on_frontier = false;  // no other judged point is at least as good on both axes and better on one
  // For a point off the frontier: the frontier point that dominates it with the lowest delay (ties:
  // the higher quality, then the earlier input).
  std::optional<size_t> dominated_by;
};

struct ParetoFrontier {
  std::vector<ParetoVerdict> verdicts;  // one per input point
  std::vector<size_t> frontier;         // indices of the frontier points, by delay ascending
                                        // (equal delays: quality descending, then input order)
  size_t excluded = 0;                  // how many points were not finite
};

// Point a dominates point b when a.delay <= b.delay and a.quality >= b.quality, one of them
// strictly. Identical points (equal on both axes) do not dominate each other: both are on the
// frontier when nothing else beats them. O(n^2), meant for tens of points.
ParetoFrontier pareto_frontier(const std::vector<ParetoPoint>& points);

}  // namespace callsim::harness
