// Expectations: "metric op value" parsing and evaluation against measured metrics.
#include "scenario/expectation.h"

#include <gtest/gtest.h>

namespace callsim::scenario {
namespace {

TEST(Expectation, ParsesAndEvaluates) {
  std::string error;
  auto e = parse_expectation("mos_lqo_wb >= 3.6", &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->metric, "mos_lqo_wb");
  EXPECT_EQ(e->op, CompareOp::kGreaterEqual);
  EXPECT_DOUBLE_EQ(e->value, 3.6);
  e->direction = "all";
  auto out = evaluate({*e}, {{"a->b", {{"mos_lqo_wb", 3.7}}}, {"b->a", {{"mos_lqo_wb", 3.5}}}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].passed);
  EXPECT_FALSE(out[1].passed);
  EXPECT_FALSE(parse_expectation("mos_lqo_wbb >= 3", &error));
  EXPECT_EQ(error, "unknown metric 'mos_lqo_wbb'");
  EXPECT_FALSE(parse_expectation("mos_lqo_wb => 3", &error));
}

TEST(Expectation, UnmeasuredMetricFails) {
  std::string error;
  auto e = parse_expectation("emodel_r > 70", &error);
  ASSERT_TRUE(e);
  e->direction = "a->b";
  auto out = evaluate({*e}, {{"a->b", {}}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].passed);
  EXPECT_FALSE(out[0].measured.has_value());
}

}  // namespace
}  // namespace callsim::scenario
