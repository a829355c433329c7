// The metrics calls produce and the metric table (results/metric_table.h) tie both ways: every
// produced name is in the table, and every table entry is produced by one of three calls that
// cover the codec bands (narrowband, wideband, super-wideband: one E-model R scale each).
#include <gtest/gtest.h>

#include <set>

#include "call/call_runner.h"
#include "results/metric_table.h"
#include "scenario/scenario.h"

namespace callsim::call {
namespace {

using nlohmann::json;

std::set<std::string> produced(int sample_rate_hz, const std::string& expected_r) {
  const json doc = {
      {"name", "table"},
      {"duration_s", 4},
      {"seed", 2},
      {"peers",
       {{"alice", {{"talker", "en_female"}, {"codec", {{"sample_rate_hz", sample_rate_hz}, {"fec", true}}}}},
        {"bob", json::object()}}},
      {"links",
       {{"alice->bob",
         {{"delay", {{"base_ms", 40}, {"jitter_ms", 15}, {"distribution", "normal"}, {"reorder_by_jitter", true}}},
          {"loss", {{"model", "bernoulli"}, {"p", 0.05}}},
          {"duplicate", {{"p", 0.02}}}}}}},
      {"scoring", {{"window_s", 4}}}};
  const CallResult r = run_call(scenario::parse_scenario(doc, "table", ""));
  std::set<std::string> names;
  for (const auto& [name, value] : r.directions.at(0).metrics) {
    EXPECT_NE(results::find_metric(name), nullptr) << "produced but not in the metric table: " << name;
    names.insert(name);
  }
  // Exactly one R, on the scale of the codec's band.
  int ratings = 0;
  for (const auto& n : names) ratings += n.rfind("emodel_r_", 0) == 0;
  EXPECT_EQ(ratings, 1) << sample_rate_hz;
  EXPECT_TRUE(names.count(expected_r)) << sample_rate_hz;
  return names;
}

TEST(CallMetricTable, ProducedMetricsAndTheTableTieBothWays) {
  std::set<std::string> all;
  for (const auto& [rate, r] : std::vector<std::pair<int, std::string>>{
           {8000, "emodel_r_nb"}, {16000, "emodel_r_wb"}, {48000, "emodel_r_swb"}}) {
    const auto names = produced(rate, r);
    all.insert(names.begin(), names.end());
  }
  for (const auto& m : results::metric_table()) EXPECT_TRUE(all.count(m.name)) << "in the table, never produced: " << m.name;
}

}  // namespace
}  // namespace callsim::call
