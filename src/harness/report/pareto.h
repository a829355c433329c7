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
  bool on_frontier = false;  // no other judged point dominates it (see pareto_frontier)
  // For a point off the frontier: a point that dominates it. The first frontier point (by delay)
  // that dominates it with quality at least as high; with a tolerance, else the first frontier
  // point that dominates it, else (dominance with a tolerance is not transitive: no frontier point
  // may) the first judged point by delay (ties: higher quality, then input order) that does.
  std::optional<size_t> dominated_by;
};

struct ParetoFrontier {
  std::vector<ParetoVerdict> verdicts;  // one per input point
  std::vector<size_t> frontier;         // indices of the frontier points, by delay ascending
                                        // (equal delays: quality descending, then input order)
  size_t excluded = 0;                  // how many points were not finite
};

// Point a dominates point b when a.delay <= b.delay and a.quality >= b.quality - tolerance, and
// a is better on one axis: a.delay < b.delay or a.quality > b.quality + tolerance. With tolerance
// 0 this is plain Pareto dominance; with a tolerance (the quality measure's precision, 0.05 for
// P.862) a later setting is not "on the frontier" for quality no one could tell apart, and along
// the frontier each step to a longer delay buys more than `tolerance` of quality. Delay is compared
// exactly: it is simulated, not estimated, and so dominance keeps no cycles and the frontier is
// never empty while a point is judged. Identical points do not dominate each other: both are on
// the frontier when nothing else beats them. O(n^2), meant for tens of points. tolerance >= 0.
ParetoFrontier pareto_frontier(const std::vector<ParetoPoint>& points, double quality_tolerance = 0);

}  // namespace callsim::harness
