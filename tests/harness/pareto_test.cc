// The Pareto frontier of (delay, quality) points (harness/report/pareto.h): dominated points,
// ties, non-finite points excluded and counted, frontier order and the dominating point named.
#include "harness/report/pareto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace callsim::harness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> frontier_labels(const std::vector<ParetoPoint>& points, const ParetoFrontier& f) {
  std::vector<std::string> out;
  for (size_t i : f.frontier) out.push_back(points[i].label);
  return out;
}

TEST(Pareto, DominatedPointsAreOffTheFrontierAndNameTheirDominator) {
  // fixed40 is beaten by fixed20 (less delay, more quality); adaptive by fixed60 (same delay, more
  // quality); fixed0 is the lowest delay, fixed150 the best quality: both on it.
  const std::vector<ParetoPoint> points = {{"fixed0", 40, 3.2},   {"fixed20", 60, 3.8}, {"fixed40", 80, 3.7},
                                           {"fixed60", 100, 4.1}, {"adaptive", 100, 4.0}, {"fixed150", 190, 4.25}};
  const ParetoFrontier f = pareto_frontier(points);
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"fixed0", "fixed20", "fixed60", "fixed150"}));
  EXPECT_FALSE(f.verdicts[2].on_frontier);
  ASSERT_TRUE(f.verdicts[2].dominated_by.has_value());
  EXPECT_EQ(*f.verdicts[2].dominated_by, 1u);
  EXPECT_FALSE(f.verdicts[4].on_frontier);
  EXPECT_EQ(*f.verdicts[4].dominated_by, 3u);
  EXPECT_FALSE(f.verdicts[0].dominated_by.has_value());
  EXPECT_EQ(f.excluded, 0u);
}

TEST(Pareto, EveryFrontierPointIsUndominatedAndEveryOtherIsDominated) {
  // A deterministic cloud of 60 points (no random engine needed): check the definition pairwise.
  std::vector<ParetoPoint> points;
  for (int i = 0; i < 60; ++i)
    points.push_back({"p" + std::to_string(i), static_cast<double>((i * 37) % 61), 1.0 + ((i * 53) % 41) / 10.0});
  const ParetoFrontier f = pareto_frontier(points);
  auto dominates = [](const ParetoPoint& a, const ParetoPoint& b) {
    return a.delay <= b.delay && a.quality >= b.quality && (a.delay < b.delay || a.quality > b.quality);
  };
  for (size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < points.size(); ++j) dominated |= dominates(points[j], points[i]);
    EXPECT_EQ(f.verdicts[i].on_frontier, !dominated) << points[i].label;
    if (dominated) {
      ASSERT_TRUE(f.verdicts[i].dominated_by.has_value());
      EXPECT_TRUE(dominates(points[*f.verdicts[i].dominated_by], points[i]));
      EXPECT_TRUE(f.verdicts[*f.verdicts[i].dominated_by].on_frontier);
    }
  }
  // Along the frontier, delay rises and quality rises (strictly: no two differ on one axis only).
  for (size_t k = 1; k < f.frontier.size(); ++k) {
    EXPECT_LT(points[f.frontier[k - 1]].delay, points[f.frontier[k]].delay);
    EXPECT_LT(points[f.frontier[k - 1]].quality, points[f.frontier[k]].quality);
  }
  EXPECT_GE(f.frontier.size(), 2u);
}

TEST(Pareto, IdenticalPointsAreBothOnTheFrontierAndEqualOnOneAxisIsDominated) {
  const std::vector<ParetoPoint> points = {{"a", 50, 4.0}, {"b", 50, 4.0}, {"c", 50, 3.9}, {"d", 60, 4.0},
                                           {"e", 30, 3.0}};
  const ParetoFrontier f = pareto_frontier(points);
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"e", "a", "b"}));
  EXPECT_EQ(*f.verdicts[2].dominated_by, 0u);  // same delay, lower quality: the first of the tie
  EXPECT_EQ(*f.verdicts[3].dominated_by, 0u);  // same quality, more delay
}

TEST(Pareto, NonFinitePointsAreExcludedCountedAndDoNotDominate) {
  const std::vector<ParetoPoint> points = {{"unscored", 10, kNaN},
                                           {"no delay", kNaN, 4.5},
                                           {"inf", -std::numeric_limits<double>::infinity(), 5.0},
                                           {"fixed0", 40, 3.0},
                                           {"fixed20", 60, 3.5}};
  const ParetoFrontier f = pareto_frontier(points);
  EXPECT_EQ(f.excluded, 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(f.verdicts[i].excluded);
    EXPECT_FALSE(f.verdicts[i].on_frontier);
    EXPECT_FALSE(f.verdicts[i].dominated_by.has_value());
  }
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"fixed0", "fixed20"}));
}

TEST(Pareto, EmptyAndSinglePoint) {
  EXPECT_TRUE(pareto_frontier({}).frontier.empty());
  const ParetoFrontier one = pareto_frontier({{"only", 100, 2.0}});
  ASSERT_EQ(one.frontier.size(), 1u);
  EXPECT_TRUE(one.verdicts[0].on_frontier);
  const ParetoFrontier none = pareto_frontier({{"nan", kNaN, kNaN}});
  EXPECT_TRUE(none.frontier.empty());
  EXPECT_EQ(none.excluded, 1u);
}

// With a quality tolerance (the report's default, P.862's precision 0.05).
TEST(ParetoTolerance, QualityWithinTheToleranceIsEqualSoTheLaterSettingIsDominated) {
  // const35 as measured: fixed40 is 0.0001 above adaptive, 25 ms later. Strictly both are on the
  // frontier; with 0.05 fixed40 is not. fixed150 is 0.06 above adaptive: still on it.
  const std::vector<ParetoPoint> points = {{"adaptive", 45.4, 4.2584}, {"fixed40", 70.0, 4.2585},
                                           {"fixed150", 180.0, 4.3184}, {"fixed0", 40.0, 3.1}};
  EXPECT_EQ(frontier_labels(points, pareto_frontier(points)),
            (std::vector<std::string>{"fixed0", "adaptive", "fixed40", "fixed150"}));
  const ParetoFrontier f = pareto_frontier(points, 0.05);
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"fixed0", "adaptive", "fixed150"}));
  ASSERT_TRUE(f.verdicts[1].dominated_by.has_value());
  EXPECT_EQ(*f.verdicts[1].dominated_by, 0u);
  // At one delay, qualities within the tolerance are both on the frontier (neither is better by
  // more than it, neither is earlier); beyond it the lower one is dominated.
  const std::vector<ParetoPoint> same = {{"a", 50, 4.00}, {"b", 50, 4.04}, {"c", 50, 3.90}};
  const ParetoFrontier g = pareto_frontier(same, 0.05);
  EXPECT_EQ(frontier_labels(same, g), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(*g.verdicts[2].dominated_by, 1u);
}

TEST(ParetoTolerance, ADominatorBetterOnBothAxesIsNamedFirst) {
  // NetEq (90 ms, 4.25) is dominated by fixed0 (earlier, 0.05 lower: within the tolerance) and by
  // adaptive (earlier and higher): the report names adaptive, the plainer reason.
  const std::vector<ParetoPoint> points = {{"fixed0", 66.5, 4.20}, {"adaptive", 80, 4.30}, {"NetEq", 90, 4.25}};
  const ParetoFrontier f = pareto_frontier(points, 0.05);
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"fixed0", "adaptive"}));
  EXPECT_EQ(*f.verdicts[2].dominated_by, 1u);
  // Only a dominator within the tolerance: it is named.
  const std::vector<ParetoPoint> two = {{"fixed0", 66.5, 4.20}, {"NetEq", 90, 4.24}};
  EXPECT_EQ(*pareto_frontier(two, 0.05).verdicts[1].dominated_by, 0u);
}

TEST(ParetoTolerance, DominanceIsNotTransitiveAndThePointThatDominatesIsNamed) {
  // a dominates b (earlier, 0.04 lower), b dominates c, but a is 0.08 below c: c is off the
  // frontier, dominated by b, which is itself off it.
  const std::vector<ParetoPoint> points = {{"c", 30, 4.08}, {"b", 20, 4.04}, {"a", 10, 4.00}};
  const ParetoFrontier f = pareto_frontier(points, 0.05);
  EXPECT_EQ(frontier_labels(points, f), (std::vector<std::string>{"a"}));
  EXPECT_EQ(*f.verdicts[1].dominated_by, 2u);
  EXPECT_EQ(*f.verdicts[0].dominated_by, 1u);
}

TEST(ParetoTolerance, EveryVerdictFollowsTheDefinitionAndFrontierStepsBuyMoreThanTheTolerance) {
  // Deterministic clouds with qualities on a 0.01 grid, so many pairs lie within 0.05.
  for (int seed = 1; seed <= 5; ++seed) {
    std::vector<ParetoPoint> points;
    for (int i = 0; i < 80; ++i)
      points.push_back({"p" + std::to_string(i), static_cast<double>((i * 37 + seed * 11) % 67),
                        3.0 + ((i * 53 + seed * 7) % 97) / 100.0});
    const double tol = 0.05;
    const ParetoFrontier f = pareto_frontier(points, tol);
    auto dominates = [&](const ParetoPoint& a, const ParetoPoint& b) {
      return a.delay <= b.delay && a.quality >= b.quality - tol && (a.delay < b.delay || a.quality > b.quality + tol);
    };
    for (size_t i = 0; i < points.size(); ++i) {
      bool dominated = false;
      for (size_t j = 0; j < points.size(); ++j) dominated |= j != i && dominates(points[j], points[i]);
      EXPECT_EQ(f.verdicts[i].on_frontier, !dominated) << points[i].label;
      if (dominated) {
        ASSERT_TRUE(f.verdicts[i].dominated_by.has_value());
        EXPECT_TRUE(dominates(points[*f.verdicts[i].dominated_by], points[i]));
      }
    }
    ASSERT_FALSE(f.frontier.empty());
    for (size_t k = 1; k < f.frontier.size(); ++k) {
      const ParetoPoint &p = points[f.frontier[k - 1]], &q = points[f.frontier[k]];
      EXPECT_LE(p.delay, q.delay);
      if (p.delay < q.delay) {
        EXPECT_GT(q.quality, p.quality + tol) << p.label << " " << q.label;
      }
    }
  }
}

}  // namespace
}  // namespace callsim::harness
