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

}  // namespace
}  // namespace callsim::harness
