// results::json_round: the rounding every detail figure in result.json and netsim's link
// statistics goes through. A figure that could not be measured must reach the file as null.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "results/link_stats_json.h"

namespace callsim::results {
namespace {

TEST(JsonRound, RoundsToTheGivenDecimalsWithoutNegativeZero) {
  EXPECT_EQ(json_round(1.23456, 2), 1.23);
  EXPECT_EQ(json_round(1.23456), 1.2346);
  EXPECT_EQ(nlohmann::json(json_round(-0.00001, 4)).dump(), "0.0");
}

TEST(JsonRound, AFigureThatCouldNotBeMeasuredIsWrittenAsNullNotZero) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(std::isnan(json_round(nan)));
  EXPECT_TRUE(std::isnan(json_round(inf, 2)));
  EXPECT_EQ(nlohmann::json({{"mean", json_round(nan)}}).dump(), R"({"mean":null})");
}

TEST(LinkStatsJson, ADeadLinkHasNoDelayFiguresButCountsItsLosses) {
  sim::net::LinkStats dead;  // 50 sent, none delivered
  dead.sent = 50;
  dead.lost = 50;
  dead.loss_rate = 1.0;
  dead.burst_histogram.assign(51, 0);
  dead.burst_histogram[50] = 1;  // one burst of 50
  dead.mean_burst_length = 50.0;
  const auto j = nlohmann::json::parse(link_stats_json(dead).dump());
  EXPECT_EQ(j["loss_rate"], 1.0);
  EXPECT_EQ(j["mean_burst_length"], 50.0);
  for (const char* k : {"mean", "p50", "p95", "p99", "min", "max"}) EXPECT_TRUE(j["delay_ms"][k].is_null()) << k;
  for (const char* k : {"pdv_p95", "pdv_p99", "ipdv_abs_mean", "ipdv_abs_p99"})
    EXPECT_TRUE(j["delay_variation_ms"][k].is_null()) << k;
  EXPECT_TRUE(j["interarrival_jitter_final_ms"].is_null());
}

TEST(LinkStatsJson, ALinkThatSentNothingHasNoLossRateAndALosslessOneNoBurstLength) {
  const auto none = nlohmann::json::parse(link_stats_json(sim::net::LinkStats{}).dump());
  EXPECT_TRUE(none["loss_rate"].is_null());
  sim::net::LinkStats clean;
  clean.sent = clean.delivered = 10;
  clean.delay_mean_ms = clean.delay_min_ms = clean.delay_max_ms = 40.0;
  const auto j = nlohmann::json::parse(link_stats_json(clean).dump());
  EXPECT_EQ(j["loss_rate"], 0.0);
  EXPECT_EQ(j["delay_ms"]["mean"], 40.0);
  EXPECT_TRUE(j["mean_burst_length"].is_null());
}

}  // namespace
}  // namespace callsim::results
