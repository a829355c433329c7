#include "harness/report/pareto.h"

#include <algorithm>
#include <cmath>

namespace callsim::harness {
namespace {

bool dominates(const ParetoPoint& a, const ParetoPoint& b) {
  return a.delay <= b.delay && a.quality >= b.quality && (a.delay < b.delay || a.quality > b.quality);
}

bool finite(const ParetoPoint& p) { return std::isfinite(p.delay) && std::isfinite(p.quality); }

}  // namespace

ParetoFrontier pareto_frontier(const std::vector<ParetoPoint>& points) {
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
      dominated = j != i && !out.verdicts[j].excluded && dominates(points[j], points[i]);
    out.verdicts[i].on_frontier = !dominated;
    if (!dominated) out.frontier.push_back(i);
  }
  std::stable_sort(out.frontier.begin(), out.frontier.end(), [&](size_t a, size_t b) {
    if (points[a].delay != points[b].delay) return points[a].delay < points[b].delay;
    return points[a].quality > points[b].quality;
  });
  // Every dominated point is dominated by some frontier point (dominance is transitive and the
  // judged set is finite); take the first in frontier order.
  for (size_t i = 0; i < points.size(); ++i) {
    if (out.verdicts[i].excluded || out.verdicts[i].on_frontier) continue;
    for (size_t f : out.frontier)
      if (dominates(points[f], points[i])) {
        out.verdicts[i].dominated_by = f;
        break;
      }
  }
  return out;
}

}  // namespace callsim::harness
