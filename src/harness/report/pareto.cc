#include "harness/report/pareto.h"

#include <algorithm>
#include <cmath>

namespace callsim::harness {
namespace {

bool dominates(const ParetoPoint& a, const ParetoPoint& b, double tolerance) {
  return a.delay <= b.delay && a.quality >= b.quality - tolerance &&
         (a.delay < b.delay || a.quality > b.quality + tolerance);
}

// By delay, then quality descending; stable, so equal points keep input order.
void sort_by_delay(std::vector<size_t>& order, const std::vector<ParetoPoint>& points) {
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].delay != points[b].delay) return points[a].delay < points[b].delay;
    return points[a].quality > points[b].quality;
  });
}

bool finite(const ParetoPoint& p) { return std::isfinite(p.delay) && std::isfinite(p.quality); }

}  // namespace

ParetoFrontier pareto_frontier(const std::vector<ParetoPoint>& points, double tolerance) {
  ParetoFrontier out;
  out.verdicts.resize(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    out.verdicts[i].excluded = !finite(points[i]);
    out.excluded += out.verdicts[i].excluded;
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (out.verdicts[i].excluded) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && !out.verdicts[j].excluded && dominates(points[j], points[i], tolerance);
    out.verdicts[i].on_frontier = !dominated;
    if (!dominated) out.frontier.push_back(i);
  }
  sort_by_delay(out.frontier, points);
  // Without a tolerance every dominated point is dominated by a frontier point (dominance is then
  // transitive and the judged set finite). With one it is not transitive (a 0.04 below b at less
  // delay dominates b, b 0.04 below c at less delay dominates c, a is 0.08 below c). Named: the
  // first frontier point that dominates with quality at least as high (better on both axes: the
  // plainest reason), else the first frontier point that dominates, else the first of all.
  std::vector<size_t> judged;
  for (size_t i = 0; i < points.size(); ++i)
    if (!out.verdicts[i].excluded) judged.push_back(i);
  sort_by_delay(judged, points);
  for (size_t i = 0; i < points.size(); ++i) {
    if (out.verdicts[i].excluded || out.verdicts[i].on_frontier) continue;
    auto first = [&](const std::vector<size_t>& candidates, bool no_worse) -> std::optional<size_t> {
      for (size_t f : candidates)
        if (f != i && dominates(points[f], points[i], tolerance) && (!no_worse || points[f].quality >= points[i].quality))
          return f;
      return std::nullopt;
    };
    auto& by = out.verdicts[i].dominated_by;
    by = first(out.frontier, true);
    if (!by) by = first(out.frontier, false);
    if (!by) by = first(judged, false);
  }
  return out;
}

}  // namespace callsim::harness
