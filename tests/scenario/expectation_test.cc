// Expectations: "metric op value" parsing against the metric table, and evaluation: pass, fail,
// fail when the metric was not measured (with a note), skipped when it needs P.862 scoring and
// scoring was off.
#include "scenario/expectation.h"

#include <gtest/gtest.h>

namespace callsim::scenario {
namespace {

using results::ExpectationStatus;

Expectation parsed(const std::string& text, const std::string& direction) {
  std::string error;
  auto e = parse_expectation(text, &error);
  EXPECT_TRUE(e) << error;
  e->direction = direction;
  return *e;
}

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
  EXPECT_EQ(out[0].status, ExpectationStatus::kPassed);
  EXPECT_EQ(out[1].status, ExpectationStatus::kFailed);
  EXPECT_FALSE(parse_expectation("mos_lqo_wbb >= 3", &error));
  EXPECT_EQ(error, "unknown metric 'mos_lqo_wbb' (`callsim metrics` lists them)");
  EXPECT_FALSE(parse_expectation("emodel_r > 70", &error));  // R names its scale now
  EXPECT_FALSE(parse_expectation("mos_lqo_wb => 3", &error));
  // Found by fuzzing (tests/fuzz/corpus/scenario/crash-expectation-value-1e400.json): std::stod
  // threw out_of_range, exit 3.
  EXPECT_FALSE(parse_expectation("mos_lqo_nb > 1e400", &error));
  EXPECT_EQ(error, "value '1e400' is out of range");
  EXPECT_FALSE(parse_expectation("mos_lqo_nb > 1e-400", &error));
  e = parse_expectation("packets_lost <= +2e1", &error);  // a '+' sign is still accepted
  ASSERT_TRUE(e) << error;
  EXPECT_DOUBLE_EQ(e->value, 20.0);
}

// The verdict follows the figure as result files store it: "concealed_ratio >= 0.002217" failed
// with measured 0.002217 recorded (0.00221655 compared), "mos_lqo_nb <= 4.2775" the same.
TEST(Expectation, JudgedOnTheValueAsStoredSoTheRecordSupportsTheVerdict) {
  const auto out = evaluate({parsed("concealed_ratio >= 0.002217", "a->b"), parsed("mos_lqo_nb <= 4.2775", "a->b")},
                            {{"a->b", {{"concealed_ratio", 0.00221655}, {"mos_lqo_nb", 4.27746}}}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].measured, 0.002217);
  EXPECT_EQ(out[0].status, ExpectationStatus::kPassed);
  EXPECT_EQ(out[1].measured, 4.2775);
  EXPECT_EQ(out[1].status, ExpectationStatus::kPassed);
  // Beyond the stored precision it still fails.
  const auto fail = evaluate({parsed("concealed_ratio >= 0.002217", "a->b")}, {{"a->b", {{"concealed_ratio", 0.0022164}}}});
  EXPECT_EQ(fail.at(0).measured, 0.002216);
  EXPECT_EQ(fail.at(0).status, ExpectationStatus::kFailed);
}

// Thresholds a metric can never have passed or failed every call alike: a ratio written as a
// percentage passed, "mos_lqo_nb >= 7" and "packets_lost == 0.5" always failed.
TEST(Expectation, AThresholdOutsideTheMetricsRangeIsRefused) {
  std::string error;
  EXPECT_FALSE(parse_expectation("packet_loss_ratio <= 5", &error));
  EXPECT_EQ(error, "'packet_loss_ratio <= 5': 5 is not a value packet_loss_ratio can have (a fraction in [0, 1]): "
                   "a ratio, not a percentage");
  EXPECT_FALSE(parse_expectation("concealed_ratio < 200", &error));
  EXPECT_FALSE(parse_expectation("mos_lqo_nb >= 7", &error));
  EXPECT_NE(error.find("7 is not a value mos_lqo_nb can have"), std::string::npos) << error;
  EXPECT_FALSE(parse_expectation("emodel_mos_cqe <= -1", &error));
  EXPECT_FALSE(parse_expectation("packets_lost == 0.5", &error));
  EXPECT_NE(error.find("(a whole number >= 0)"), std::string::npos) << error;
  EXPECT_FALSE(parse_expectation("mouth_to_ear_p95_ms <= -10", &error));
  EXPECT_FALSE(parse_expectation("emodel_r_nb >= 120", &error));  // R/100
  // The ends of each range are values it can have.
  for (const char* ok : {"packet_loss_ratio <= 1", "packet_loss_ratio >= 0", "mos_lqo_wb >= 1", "mos_lqo_nb <= 4.64",
                         "emodel_mos_cqe >= 4.5", "emodel_r_swb >= 148", "packets_lost == 0", "pesq_raw_nb >= -0.5"})
    EXPECT_TRUE(parse_expectation(ok, &error)) << ok << ": " << error;
}

TEST(Expectation, AnRatingOfAnotherScaleSaysSoRatherThanTheDirectionsNotes) {
  const auto out = evaluate({parsed("emodel_r_nb >= 50", "a->b")}, {{"a->b", {{"emodel_r_swb", 131.1}}}},
                            MeasurementContext{true, {{"a->b", {"reference audio from 2.98 to 3.00 s was not played"}}}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, ExpectationStatus::kFailed);
  EXPECT_EQ(out[0].note, "not measured in a->b: the E-model rated it on another scale (emodel_r_swb 131.10); R values "
                         "of different scales are not comparable (emodel_mos_cqe is, on every scale)");
}

TEST(Expectation, UnmeasuredMetricFailsWithANote) {
  const auto out = evaluate({parsed("emodel_r_wb > 70", "a->b")}, {{"a->b", {}}},
                            MeasurementContext{true, {{"a->b", {"nothing arrived"}}}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, ExpectationStatus::kFailed);
  EXPECT_FALSE(out[0].measured.has_value());
  EXPECT_EQ(out[0].note, "not measured in a->b: nothing arrived");
}

TEST(Expectation, NeedsScoringAndScoringOffIsSkippedNotFailed) {
  const std::vector<Expectation> e = {parsed("mos_lqo_nb >= 3", "a->b"), parsed("concealed_ratio <= 0.1", "a->b")};
  // Scoring off: the MOS expectation is skipped; a non-P.862 metric that is missing still fails.
  auto out = evaluate(e, {{"a->b", {}}}, MeasurementContext{false, {}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].status, ExpectationStatus::kSkipped);
  EXPECT_FALSE(out[0].failed());
  EXPECT_NE(out[0].note.find("needs P.862 scoring"), std::string::npos) << out[0].note;
  EXPECT_EQ(out[1].status, ExpectationStatus::kFailed);
  // Scoring on but nothing scored (e.g. no speech): the MOS expectation fails.
  out = evaluate(e, {{"a->b", {{"concealed_ratio", 0.0}}}}, MeasurementContext{true, {}});
  EXPECT_EQ(out[0].status, ExpectationStatus::kFailed);
  EXPECT_EQ(out[1].status, ExpectationStatus::kPassed);
}

}  // namespace
}  // namespace callsim::scenario
