// link.schema.json is exactly as strict as the C++ parser: on a corpus of good and bad links
// (structure, types, ranges, unknown keys — not the semantic checks the schema cannot express,
// such as phases inside the call or a ramp matching the loss model), both accept or both reject.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "scenario/link_json.h"
#include "json/schema.h"

namespace callsim::scenario {
namespace {

struct Sample {
  const char* json;
  bool valid;
};

const std::vector<Sample> kCorpus = {
    {R"({})", true},
    {R"({"description": "d", "source": "s"})", true},
    {R"({"description": 3})", false},
    {R"({"colour": "blue"})", false},
    {R"([])", false},
    {R"({"loss": {"model": "none"}})", true},
    {R"({"loss": {"model": "none", "p": 0.1}})", false},
    {R"({"loss": {"model": "bernoulli", "p": 0.1, "correlation": 0.25}})", true},
    {R"({"loss": {"model": "bernoulli"}})", false},
    {R"({"loss": {"model": "bernoulli", "p": 1.5}})", false},
    {R"({"loss": {"model": "bernoulli", "p": 0.1, "correlation": 1}})", false},
    {R"({"loss": {"model": "bernoulli", "p": "0.1"}})", false},
    {R"({"loss": {"p": 0.1}})", false},
    {R"({"loss": {"model": "gilbert"}})", false},
    {R"({"loss": {"model": "gilbert_elliott", "p": 0.01, "r": 0.3, "one_minus_h": 1, "one_minus_k": 0}})",
     true},
    {R"({"loss": {"model": "gilbert_elliott", "r": 0.3}})", false},
    {R"({"loss": {"model": "gilbert_elliott", "p": 0.01, "h": 0.3}})", false},
    {R"({"loss": {"model": "four_state", "p13": 0.01, "p31": 0.3, "p32": 0.1, "p23": 0.3, "p14": 0.005}})",
     true},
    {R"({"loss": {"model": "four_state", "p31": 0.3}})", false},
    {R"({"loss": {"model": "four_state", "p13": 0.01, "p": 0.3}})", false},
    {R"({"delay": {"base_ms": 40, "jitter_ms": 10, "distribution": "pareto", "correlation": 0.5,
                   "correlation_mode": "marginal", "reorder_by_jitter": true}})",
     true},
    {R"({"delay": {"base_ms": -1}})", false},
    {R"({"delay": {"distribution": "gaussian"}})", false},
    {R"({"delay": {"correlation_mode": "copula"}})", false},
    {R"({"delay": {"reorder_by_jitter": "yes"}})", false},
    {R"({"delay": {"base": 40}})", false},
    {R"({"reorder": {"p": 0.1, "correlation": 0.2, "gap": 5}})", true},
    {R"({"reorder": {"gap": 0}})", false},
    {R"({"reorder": {"gap": 2.5}})", false},
    {R"({"duplicate": {"p": 0.1, "correlation": 0.5}})", true},
    {R"({"duplicate": {"p": -0.1}})", false},
    {R"({"corrupt": {"p": 0.1, "deliver": true}})", true},
    {R"({"corrupt": {"deliver": 1}})", false},
    {R"({"rate": {"kbps": 64, "overhead_bytes": 28, "queue": {"limit_ms": 200, "limit_packets": 10, "limit_bytes": 5000}}})",
     true},
    {R"({"rate": {"kbps": 0}})", true},
    {R"({"rate": {"kbps": -5}})", false},
    {R"({"rate": {"overhead_bytes": 1001}})", false},
    {R"({"rate": {"queue": {"limit": 10}}})", false},
    {R"({"rate": {"queue": {"limit_packets": -1}}})", false},
    {R"({"rate": {"bytes_per_opportunity": 0}})", false},
    {R"({"rate": {"kbps": 5, "trace": "x.mahi"}})", false},
    {R"({"rate": {"trace": ""}})", false},
    {R"({"cross_traffic": {"kbps": 100, "packet_bytes": 1500, "pattern": "on_off", "on_ms": 100, "off_ms": 0}})",
     true},
    {R"({"cross_traffic": {"pattern": "bursty"}})", false},
    {R"({"cross_traffic": {"on_ms": 0}})", false},
    {R"({"cross_traffic": {"packet_bytes": 0}})", false},
    {R"({"cross_traffic": {"packet_bytes": 70000}})", false},
    {R"({"phases": []})", true},
    {R"({"phases": {}})", false},
    {R"({"phases": [{"name": "h", "start_s": 1, "end_s": 2, "outage": true}]})", true},
    {R"({"phases": [{"start_s": 1, "end_s": 2}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "outage": false}]})", false},
    {R"({"phases": [{"start_s": 1, "outage": true}]})", false},
    {R"({"phases": [{"start_s": -1, "end_s": 2, "outage": true}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "outage": true, "colour": 1}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "set": {}}]})", true},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "set": {"loss": {"model": "bernoulli", "p": 1}, "delay": {"base_ms": 300}}}]})",
     true},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "set": {"phases": []}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "set": {"delay": {"base_ms": -3}}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"delay.base_ms": [40, 400], "rate.kbps": [100, 10]}}]})",
     true},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"delay.base": [40, 400]}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"delay.base_ms": [40]}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"delay.base_ms": [40, 400, 1]}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"rate.kbps": [100, 0]}}]})", false},
    {R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"duplicate.p": [0, 1.2]}}]})", false},
    {R"({"trace": {"loop": true}})", false},
    {R"({"trace": {"file": "", "loop": true}})", false},
    {R"({"profile": "3g"})", true},
    {R"({"profile": "3g", "description": "mine", "override": {"delay": {"base_ms": 100}, "phases": []}})",
     true},
    {R"({"profile": ""})", false},
    {R"({"profile": 3})", false},
    {R"({"profile": "3g", "delay": {}})", false},
    {R"({"profile": "3g", "source": "s"})", false},
    {R"({"profile": "3g", "override": {"description": "d"}})", false},
    {R"({"profile": "3g", "override": {"delay": {"base_ms": "x"}}})", false},
};

bool parser_accepts(const nlohmann::json& doc) {
  LinkParseContext ctx;
  ctx.base_dir = CALLSIM_SOURCE_DIR "/scenarios";
  ctx.duration = sim::Duration::seconds(3600);
  try {
    parse_link(JsonNode(doc, "corpus.json"), ctx);
    return true;
  } catch (const InputError& e) {
    return false;
  }
}

TEST(LinkSchema, AcceptsExactlyWhatTheParserAccepts) {
  for (const auto& s : kCorpus) {
    const nlohmann::json doc = nlohmann::json::parse(s.json);
    const auto violation = check_schema(doc, "link.schema.json");
    EXPECT_EQ(parser_accepts(doc), s.valid) << "parser on " << s.json;
    EXPECT_EQ(!violation.has_value(), s.valid)
        << "schema on " << s.json << (violation ? ": " + violation->pointer + " " + violation->message : "");
  }
}

TEST(LinkSchema, ProfilesAreValidLinks) {
  for (const char* name : {"good_wifi", "congested_wifi", "lte_handover", "3g", "satellite", "bursty_loss"}) {
    const nlohmann::json doc =
        read_json_file(std::string(CALLSIM_SOURCE_DIR) + "/scenarios/profiles/" + name + ".json");
    const auto violation = check_schema(doc, "link.schema.json");
    EXPECT_FALSE(violation) << name << ": " << violation->pointer << " " << violation->message;
  }
}

}  // namespace
}  // namespace callsim::scenario
