// summary.json aggregates each metric only with itself: R on the narrowband scale (of 93.2/100),
// the wideband one (of 129) and super-wideband (of 148) never share a mean; counts are summed as
// integers, everything else averaged; a direction that did not measure a metric does not pull its
// mean toward zero.
#include <gtest/gtest.h>

#include "common/error.h"
#include "harness/sweep/results_io.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

results::CallRecord record(const std::string& id, const std::string& band, double r, double mos_cqe,
                           double recovered) {
  results::CallRecord c;
  c.id = id;
  c.scenario = "mixed";
  c.params = {{"codec", band}};
  c.passed = true;
  c.metrics["a->b"] = {{"emodel_r_" + band, r}, {"emodel_mos_cqe", mos_cqe}, {"fec_frames_recovered", recovered}};
  return c;
}

// A call record without metrics yet.
results::CallRecord call_of(const std::string& id, const std::string& scenario, const json& params, bool passed) {
  results::CallRecord c;
  c.id = id;
  c.scenario = scenario;
  c.params = params;
  c.passed = passed;
  return c;
}

TEST(Summary, EachRScaleIsAveragedOnlyWithItselfAndCountsAreSummed) {
  const std::vector<results::CallRecord> records = {
      record("c1", "nb", 80.0, 4.0, 3), record("c2", "wb", 120.0, 4.2, 4), record("c3", "wb", 100.0, 3.9, 5),
      record("c4", "swb", 140.0, 4.4, 0)};
  const json summary = summarize_records(records);
  const json& means = summary.at("by_scenario").at("mixed").at("means").at("a->b");
  EXPECT_DOUBLE_EQ(means.at("emodel_r_nb").get<double>(), 80.0);   // one NB call: itself
  EXPECT_DOUBLE_EQ(means.at("emodel_r_wb").get<double>(), 110.0);  // two WB calls, not 4 or 3 of any R
  EXPECT_DOUBLE_EQ(means.at("emodel_r_swb").get<double>(), 140.0);
  EXPECT_NEAR(means.at("emodel_mos_cqe").get<double>(), (4.0 + 4.2 + 3.9 + 4.4) / 4, 1e-9);  // one scale
  EXPECT_FALSE(means.contains("fec_frames_recovered"));  // a count is not averaged ...
  const json& totals = summary.at("by_scenario").at("mixed").at("totals").at("a->b");
  ASSERT_TRUE(totals.at("fec_frames_recovered").is_number_integer()) << totals.dump();  // ... but summed
  EXPECT_EQ(totals.at("fec_frames_recovered").get<long>(), 12);
  EXPECT_FALSE(totals.contains("emodel_r_wb"));
  const json& wb = summary.at("by_param").at("codec").at("wb");
  EXPECT_EQ(wb.at("calls"), 2);
  EXPECT_DOUBLE_EQ(wb.at("means").at("emodel_r_wb").get<double>(), 110.0);
  EXPECT_FALSE(wb.at("means").contains("emodel_r_nb"));
  EXPECT_EQ(wb.at("totals").at("fec_frames_recovered").get<long>(), 9);
}

// A mean says how many directions it is over: a dead direction has no MOS, so the group's MOS mean
// is that of the living ones, and "measured" / "directions" say so (it used to be a bare mean).
TEST(Summary, EachMeanSaysHowManyOfTheGroupsDirectionsItCovers) {
  results::CallRecord c = call_of("kill/on", "kill", {{"network", "good_wifi"}}, false);
  c.metrics["a->b"] = {{"mos_lqo_nb", 4.0}, {"packet_loss_ratio", 0.0}, {"packets_sent", 100}};
  c.metrics["b->a"] = {{"packet_loss_ratio", 1.0}, {"packets_sent", 100}, {"unscorable_windows_nb", 2}};
  results::CallRecord d = c;
  d.id = "kill/off";
  d.metrics["b->a"] = c.metrics["a->b"];
  d.metrics["b->a"]["mos_lqo_nb"] = 3.0;
  const json summary = summarize_records({c, d});
  const json& g = summary.at("by_param").at("network").at("good_wifi");
  EXPECT_NEAR(g.at("means").at("mos_lqo_nb").get<double>(), (4.0 + 4.0 + 3.0) / 3, 1e-4);  // stored rounded
  EXPECT_EQ(g.at("measured").at("mos_lqo_nb"), 3);
  EXPECT_EQ(g.at("directions"), 4);
  EXPECT_DOUBLE_EQ(g.at("means").at("packet_loss_ratio").get<double>(), 0.25);
  EXPECT_EQ(g.at("measured").at("packet_loss_ratio"), 4);
  EXPECT_FALSE(g.at("measured").contains("packets_sent"));  // a count is a total, not a mean
  const json& s = summary.at("by_scenario").at("kill");
  EXPECT_EQ(s.at("measured").at("b->a").at("mos_lqo_nb"), 1);
  EXPECT_EQ(s.at("directions").at("b->a"), 2);
  EXPECT_DOUBLE_EQ(s.at("means").at("b->a").at("mos_lqo_nb").get<double>(), 3.0);
}

// A codec axis applied to one direction (a matrix's apply_to) left the other as the base has it:
// by_param's entry aggregates only the direction it changed (it averaged the untouched 48 kHz
// direction's WB MOS and super-wideband R into a narrowband setting's means); a seed axis, which
// changes the whole call, keeps both; by_scenario keeps every direction.
TEST(Summary, AnAxisEntryAggregatesOnlyTheDirectionsTheAxisChanged) {
  results::CallRecord c = call_of("up/nb12/s1", "up", {{"codec", "nb12"}, {"seed", 1}}, true);
  c.param_directions["codec"] = {"a->b"};
  c.metrics["a->b"] = {{"mos_lqo_nb", 3.0}, {"emodel_r_nb", 70.0}};
  c.metrics["b->a"] = {{"mos_lqo_nb", 4.0}, {"mos_lqo_wb", 4.4}, {"emodel_r_swb", 140.0}};
  const json summary = summarize_records({c});
  const json& nb12 = summary.at("by_param").at("codec").at("nb12");
  EXPECT_EQ(nb12.at("calls"), 1);
  EXPECT_EQ(nb12.at("directions"), 1);
  EXPECT_DOUBLE_EQ(nb12.at("means").at("mos_lqo_nb").get<double>(), 3.0);
  EXPECT_FALSE(nb12.at("means").contains("mos_lqo_wb")) << nb12.dump();
  EXPECT_FALSE(nb12.at("means").contains("emodel_r_swb")) << nb12.dump();
  const json& seed = summary.at("by_param").at("seed").at("1");
  EXPECT_EQ(seed.at("directions"), 2);
  EXPECT_DOUBLE_EQ(seed.at("means").at("mos_lqo_nb").get<double>(), 3.5);
  EXPECT_EQ(summary.at("by_scenario").at("up").at("directions").at("b->a"), 1);
}

// param_directions round-trips through a results.jsonl line, is left out when empty (records of
// calls whose axes changed every direction are as before), and must name an axis of the call.
TEST(Summary, ParamDirectionsRoundTripAndMustNameAnAxisOfTheCall) {
  results::CallRecord c = call_of("up/nb12", "up", {{"codec", "nb12"}}, true);
  c.metrics["a->b"] = {{"mos_lqo_nb", 3.0}};
  const json plain = results::record_to_json(c);
  EXPECT_FALSE(plain.contains("param_directions")) << plain.dump();
  c.param_directions["codec"] = {"a->b"};
  json doc = results::record_to_json(c);
  EXPECT_EQ(doc.at("param_directions"), json({{"codec", {"a->b"}}}));
  const results::CallRecord back = results::record_from_json(JsonNode(doc, "r.jsonl:1"), ".");
  EXPECT_EQ(back.param_directions, c.param_directions);
  EXPECT_TRUE(results::param_applies(back, "codec", "a->b"));
  EXPECT_FALSE(results::param_applies(back, "codec", "b->a"));
  EXPECT_FALSE(results::param_applies(back, "network", "a->b"));  // no such axis
  doc["param_directions"] = {{"network", {"a->b"}}};
  try {
    results::record_from_json(JsonNode(doc, "r.jsonl:1"), ".");
    ADD_FAILURE() << "an axis the call does not have was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.location(), "/param_directions/network");
    EXPECT_NE(e.message().find("no parameter 'network'"), std::string::npos) << e.message();
  }
  doc["param_directions"] = {{"codec", "a->b"}};
  EXPECT_THROW(results::record_from_json(JsonNode(doc, "r.jsonl:1"), "."), InputError);
}

// A direction names files (its "<from>-to-<to>" folder, a report's plot files): a record whose
// direction is no "<peer>-><peer>" of names a scenario accepts is refused naming it.
TEST(Summary, ARecordsDirectionMustBeAPeerArrowPeer) {
  results::CallRecord c = call_of("x", "x", json::object(), true);
  c.metrics["a->b"] = {{"mos_lqo_nb", 3.0}};
  json doc = results::record_to_json(c);
  EXPECT_NO_THROW(results::record_from_json(JsonNode(doc, "r.jsonl:1"), "."));
  for (const std::string bad : {"../../x->y", "a->b/c", "a->", "ab", "a->b->c"}) {
    doc["metrics"] = {{bad, {{"mos_lqo_nb", 3.0}}}};
    try {
      results::record_from_json(JsonNode(doc, "r.jsonl:1"), ".");
      ADD_FAILURE() << bad << " accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.location(), "/metrics/" + escape_pointer_token(bad));
      EXPECT_NE(e.message().find("is not a direction"), std::string::npos) << e.message();
    }
  }
}

}  // namespace
}  // namespace callsim::harness
