// results::json_round: the rounding every detail figure in result.json and netsim's link
// statistics goes through. A figure that could not be measured must reach the file as null.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <nlohmann/json.hpp>

#include "results/link_stats_json.h"
#include "sim/net/link_stats.h"

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

// The statistics of `n` packets sent 20 ms apart, each delivered after `delay_ms` or lost.
sim::net::LinkStats link_of(int n, bool delivered, double delay_ms = 40.0) {
  sim::net::LinkStatsCollector c;
  for (int i = 0; i < n; ++i) {
    sim::net::Delivery d;
    d.id = static_cast<uint64_t>(i);
    d.sent = sim::Timestamp::from_ms(20.0 * i);
    if (delivered)
      d.arrival = d.sent + sim::Duration::from_ms(delay_ms);
    else
      d.cause = sim::net::DropCause::kRandomLoss;
    c.add(d);
  }
  return c.finish();
}

TEST(LinkStatsJson, ADeadLinkHasNoDelayFiguresButCountsItsLosses) {
  const auto j = nlohmann::json::parse(link_stats_json(link_of(50, false)).dump());
  EXPECT_EQ(j["lost"], 50);
  EXPECT_EQ(j["loss_rate"], 1.0);
  EXPECT_EQ(j["mean_burst_length"], 50.0);
  for (const char* k : {"mean", "p50", "p95", "p99", "min", "max"}) EXPECT_TRUE(j["delay_ms"][k].is_null()) << k;
  for (const char* k : {"pdv_p95", "pdv_p99", "ipdv_abs_mean", "ipdv_abs_p99"})
    EXPECT_TRUE(j["delay_variation_ms"][k].is_null()) << k;
  EXPECT_TRUE(j["interarrival_jitter_final_ms"].is_null());
}

TEST(LinkStatsJson, ALinkThatSentNothingHasNoLossRateAndALosslessOneNoBurstLength) {
  const auto none = nlohmann::json::parse(link_stats_json(link_of(0, true)).dump());
  EXPECT_TRUE(none["loss_rate"].is_null());
  const auto j = nlohmann::json::parse(link_stats_json(link_of(10, true)).dump());
  EXPECT_EQ(j["loss_rate"], 0.0);
  EXPECT_EQ(j["delay_ms"]["mean"], 40.0);
  EXPECT_EQ(j["interarrival_jitter_final_ms"], 0.0);
  EXPECT_TRUE(j["mean_burst_length"].is_null());
}

TEST(LinkStatsText, AFigureThatWasNotMeasuredReadsNotAvailable) {
  const std::string dead = sim::net::format_stats(link_of(50, false));
  EXPECT_NE(dead.find("lost 50 (100.000%)"), std::string::npos) << dead;
  EXPECT_NE(dead.find("delay ms: mean n/a  p50 n/a"), std::string::npos) << dead;
  EXPECT_NE(dead.find("jitter (RFC 3550, final) n/a ms  mean loss burst 50.000 packets"), std::string::npos) << dead;
  const std::string clean = sim::net::format_stats(link_of(10, true));
  EXPECT_NE(clean.find("delay ms: mean 40.000"), std::string::npos) << clean;
  EXPECT_NE(clean.find("mean loss burst n/a packets"), std::string::npos) << clean;
}

}  // namespace
}  // namespace callsim::results
