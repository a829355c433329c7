// Loading scenarios: good files parse into the expected structs; each bad file fails with its
// exact error (file + JSON pointer + message), from the C++ rules and, independently, from the
// published JSON Schema.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "scenario/scenario.h"
#include "json/schema.h"
#include "scratch_dir.h"

namespace callsim::scenario {
namespace {

const std::string kData = std::string(CALLSIM_SOURCE_DIR) + "/tests/scenario/data/";

nlohmann::json good() { return read_json_file(kData + "two_way.json"); }

std::string error_of(const nlohmann::json& doc) {
  try {
    parse_scenario(doc, "bad.json", kData);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ScenarioLoad, GoodScenarioParses) {
  const Scenario s = load_scenario(kData + "two_way.json");
  EXPECT_EQ(s.name, "two_way_test");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.duration, sim::Duration::seconds(4));
  ASSERT_EQ(s.directions.size(), 2u);
  EXPECT_EQ(s.directions[0].name, "alice->bob");
  EXPECT_EQ(s.directions[1].from, "bob");
  EXPECT_EQ(s.peers.at("alice").codec.sample_rate_hz, 16000);
  EXPECT_TRUE(s.peers.at("alice").codec.inband_fec);
  EXPECT_EQ(s.peers.at("alice").codec.expected_loss_pct, 10);  // FEC default
  EXPECT_EQ(s.peers.at("bob").jitter_buffer.kind, jitter::JitterBufferKind::kFixed);
  EXPECT_DOUBLE_EQ(s.peers.at("bob").jitter_buffer.fixed.delay_ms, 60);
  EXPECT_EQ(s.links.at("alice->bob").phases.size(), 1u);
  EXPECT_EQ(s.expectations.size(), 2u);
  EXPECT_FALSE(check_schema(good(), "scenario.schema.json").has_value());
}

TEST(ScenarioLoad, EmbeddedDefaultIsValid) {
  const Scenario s = default_scenario();
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.directions.size(), 2u);
  EXPECT_EQ(s.duration, sim::Duration::seconds(20));
}

struct BadCase {
  const char* pointer;   // JSON pointer to change
  nlohmann::json value;  // new value (null = remove the key)
  const char* error;     // exact message from the C++ rules
  // Where the schema reports it: the schema's pointer must start with this (with oneOf, the
  // schema may name a sibling key of the same object). nullptr: a semantic rule the schema
  // cannot express, so the schema must accept the document.
  const char* schema_pointer;
};

class BadScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenario, FailsWithExactPathInParserAndSchema) {
  const BadCase& c = GetParam();
  nlohmann::json doc = good();
  const nlohmann::json::json_pointer ptr(c.pointer);
  if (c.value.is_null())
    doc[ptr.parent_pointer()].erase(ptr.back());
  else
    doc[ptr] = c.value;
  EXPECT_EQ(error_of(doc), c.error);
  const auto v = check_schema(doc, "scenario.schema.json");
  if (c.schema_pointer == nullptr) {
    EXPECT_FALSE(v.has_value()) << v->pointer << ": " << v->message;
    return;
  }
  ASSERT_TRUE(v.has_value()) << "schema accepted " << c.pointer;
  EXPECT_EQ(v->pointer.rfind(c.schema_pointer, 0), 0u) << v->pointer << ": " << v->message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadScenario,
    ::testing::Values(
        BadCase{"/links/alice->bob/loss/p", 1.7, "bad.json: /links/alice->bob/loss/p: 1.7 is not in [0, 1]",
                "/links/alice->bob/loss"},
        BadCase{"/duration_s", "20", "bad.json: /duration_s: expected a number, got a string", "/duration_s"},
        BadCase{"/duratoin_s", 20,
                "bad.json: /duratoin_s: unknown key 'duratoin_s'; expected one of: $schema, name, "
                "description, source, duration_s, seed, peers, links, scoring, expect, tags",
                ""},
        BadCase{"/seed", -1, "bad.json: /seed: -1 is not >= 0", "/seed"},
        BadCase{"/peers/alice/codec/bitrate_kbps", 1000,
                "bad.json: /peers/alice/codec/bitrate_kbps: 1000 is not in [6, 510]",
                "/peers/alice/codec/bitrate_kbps"},
        BadCase{"/peers/alice/codec/frame_ms", 30,
                "bad.json: /peers/alice/codec/frame_ms: 30 is not one of: 10, 20, 40, 60",
                "/peers/alice/codec/frame_ms"},
        BadCase{"/peers/alice/codec/sample_rate_hz", 44100,
                "bad.json: /peers/alice/codec/sample_rate_hz: 44100 is not one of: 8000, 12000, 16000, "
                "24000, 48000",
                "/peers/alice/codec/sample_rate_hz"},
        BadCase{"/peers/bob/jitter_buffer/type", "elastic",
                "bad.json: /peers/bob/jitter_buffer/type: 'elastic' is not one of: fixed, adaptive, speex",
                "/peers/bob/jitter_buffer"},
        BadCase{"/peers/alice/clock_drift_ppm", 5000,
                "bad.json: /peers/alice/clock_drift_ppm: 5000 is not in [-1000, 1000]",
                "/peers/alice/clock_drift_ppm"},
        BadCase{"/links/alice->bob/phases/0/end_s", 9.0,
                "bad.json: /links/alice->bob/phases/0: phase [2, 9) s is outside the call (0 to 4 s)",
                nullptr},
        BadCase{"/expect/alice->bob/0", "mos_lqo_wbb >= 3",
                "bad.json: /expect/alice->bob/0: unknown metric 'mos_lqo_wbb' (`callsim metrics` lists them)", nullptr},
        BadCase{"/name", nullptr, "bad.json: /: missing required key 'name'", ""}));

// The speex buffer decodes in-band FEC (issue 12) unless told not to; the adaptive buffer's
// jitterBufferTarget is min_delay_ms.
TEST(ScenarioLoad, SpeexFecAndAdaptiveMinimumDelay) {
  nlohmann::json doc = good();
  doc["peers"]["bob"]["jitter_buffer"] = {{"type", "speex"}};
  EXPECT_TRUE(parse_scenario(doc, "x.json", kData).peers.at("bob").jitter_buffer.speex.use_fec);
  doc["peers"]["bob"]["jitter_buffer"]["fec"] = false;
  EXPECT_FALSE(parse_scenario(doc, "x.json", kData).peers.at("bob").jitter_buffer.speex.use_fec);
  doc["peers"]["bob"]["jitter_buffer"] = {{"type", "adaptive"}, {"min_delay_ms", 60}};
  const Scenario s = parse_scenario(doc, "x.json", kData);
  EXPECT_DOUBLE_EQ(s.peers.at("bob").jitter_buffer.adaptive.min_delay_ms, 60);
  EXPECT_DOUBLE_EQ(s.peers.at("bob").jitter_buffer.adaptive.start_delay_ms, 20);
}

// A wideband expectation on a direction whose sender's codec runs below 16 kHz can never be
// measured (the call fails it, run exits 1): validate and run say so before the call, naming the
// expectation's pointer and the direction; none when every direction is wideband or scoring is off.
TEST(ScenarioLoad, WidebandExpectationOnANarrowbandDirectionIsNoted) {
  nlohmann::json doc = good();
  EXPECT_TRUE(input_notes(parse_scenario(doc, "x.json", kData)).empty());
  doc["peers"]["alice"]["codec"]["sample_rate_hz"] = 8000;
  doc["expect"] = {{"all", {"mos_lqo_wb >= 3.0", "mos_lqo_nb >= 3.0"}},
                   {"bob->alice", {"mos_lqo_wb_min_window >= 2.5"}},
                   {"alice->bob", {"unscorable_windows_wb <= 0"}}};
  const std::vector<std::string> notes = input_notes(parse_scenario(doc, "x.json", kData));
  ASSERT_EQ(notes.size(), 2u);
  // In the order the expectations are read (object keys sorted: "alice->bob" before "all").
  EXPECT_EQ(notes[0],
            "x.json: /expect/alice->bob/0: 'unscorable_windows_wb <= 0' can never be measured on alice->bob: "
            "P.862.2 needs 16 kHz audio and alice's codec runs at 8000 Hz; the call will fail it");
  EXPECT_EQ(notes[1],
            "x.json: /expect/all/0: 'mos_lqo_wb >= 3.0' can never be measured on alice->bob: P.862.2 needs 16 kHz "
            "audio and alice's codec runs at 8000 Hz; the call will fail it");
  doc["expect"] = {{"alice->bob", {"mos_lqo_wb >= 3.0"}}};
  doc["scoring"] = {{"pesq", false}};
  EXPECT_TRUE(input_notes(parse_scenario(doc, "x.json", kData)).empty());
}

// fec on with expected_loss_pct 0 sends no FEC (libopus encodes LBRR only for an expected loss
// above 0): at 11 % loss 0 frames recovered, without a word.
TEST(ScenarioLoad, FecWithoutExpectedLossIsNoted) {
  nlohmann::json doc = good();
  doc["peers"]["alice"]["codec"]["fec"] = true;
  doc["peers"]["alice"]["codec"]["expected_loss_pct"] = 0;
  const std::vector<std::string> notes = input_notes(parse_scenario(doc, "x.json", kData));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "x.json: /peers/alice/codec/fec: fec is on but expected_loss_pct is 0: libopus then sends no "
                      "in-band FEC (it encodes LBRR only for an expected loss above 0); set expected_loss_pct (e.g. "
                      "10) for FEC to be sent");
  doc["peers"]["alice"]["codec"]["expected_loss_pct"] = 5;
  EXPECT_TRUE(input_notes(parse_scenario(doc, "x.json", kData)).empty());
}

// An R of one scale on a direction the E-model rates on another: never measured, and run's note
// blamed whatever else the direction's notes said first.
TEST(ScenarioLoad, AnEmodelRatingOfAnotherScaleIsNoted) {
  nlohmann::json doc = good();
  doc["peers"]["alice"]["codec"]["sample_rate_hz"] = 48000;
  doc["expect"] = {{"alice->bob", {"emodel_r_nb >= 50", "emodel_r_swb >= 50", "emodel_mos_cqe >= 3"}}};
  const Scenario s = parse_scenario(doc, "x.json", kData);
  ASSERT_EQ(emodel_scale(s.peers.at("alice").codec), quality::EModelScale::kSuperwideband);
  const std::vector<std::string> notes = input_notes(s);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "x.json: /expect/alice->bob/0: 'emodel_r_nb >= 50' can never be measured on alice->bob: the "
                      "E-model rates alice's codec on another scale, emodel_r_swb (R/148); the call will fail it "
                      "(emodel_mos_cqe compares across scales)");
  doc["peers"]["alice"]["codec"]["sample_rate_hz"] = 8000;
  EXPECT_EQ(input_notes(parse_scenario(doc, "x.json", kData)).size(), 1u);  // now emodel_r_swb is the odd one
}

TEST(ScenarioLoad, UnknownPeerInLinkAndMalformedJson) {
  nlohmann::json doc = good();
  doc["links"]["alice->carol"] = doc["links"]["alice->bob"];
  doc["links"].erase("alice->bob");
  EXPECT_EQ(error_of(doc), "bad.json: /links/alice->carol: link receiver 'carol' is not a peer");

  // Receive-side settings on a peer that only sends are mistakes, not silently ignored.
  doc = good();
  doc["links"].erase("bob->alice");
  doc["peers"]["alice"]["jitter_buffer"] = {{"type", "speex"}};
  EXPECT_EQ(error_of(doc),
            "bad.json: /peers/alice/jitter_buffer: 'alice' receives no direction of this call; "
            "jitter_buffer is a receiver setting and would have no effect");
  doc["peers"]["alice"].erase("jitter_buffer");
  doc["peers"]["alice"]["clock_drift_ppm"] = 50;
  EXPECT_EQ(error_of(doc),
            "bad.json: /peers/alice/clock_drift_ppm: 'alice' receives no direction of this call; "
            "clock_drift_ppm is a receiver setting and would have no effect");

  // A speex margin the library cannot hold: it keeps 200 packets (150 for the margin) and 16-bit
  // delays (3000 ms in its 1/8 ms unit); beyond, it dropped packets and played early.
  doc = good();
  doc["peers"]["bob"]["jitter_buffer"] = {{"type", "speex"}, {"margin_ms", 1600}};
  doc["peers"]["alice"]["codec"]["frame_ms"] = 10;
  EXPECT_EQ(error_of(doc),
            "bad.json: /peers/bob/jitter_buffer/margin_ms: margin_ms 1600 is more than speexdsp can hold of alice's "
            "10 ms packets: it holds 200 packets, 50 of them kept for the jitter, so the margin is at most 1500 ms");
  doc["peers"]["alice"]["codec"]["frame_ms"] = 20;
  EXPECT_NO_THROW(parse_scenario(doc, "bad.json", kData));
  doc["peers"]["bob"]["jitter_buffer"]["margin_ms"] = 3000.5;
  EXPECT_EQ(error_of(doc), "bad.json: /peers/bob/jitter_buffer/margin_ms: 3000.5 is not in [0, 3000]");

  // min_delay_ms above the default max_delay_ms named an optional key as missing ("missing required
  // key 'max_delay_ms'"); the message names the key written and the default it is compared with.
  doc = good();
  doc["peers"]["bob"]["jitter_buffer"] = {{"type", "adaptive"}, {"min_delay_ms", 2001}};
  EXPECT_EQ(error_of(doc), "bad.json: /peers/bob/jitter_buffer/min_delay_ms: max_delay_ms (2000, the default) must be "
                           ">= min_delay_ms (2001)");
  doc["peers"]["bob"]["jitter_buffer"]["max_delay_ms"] = 1000;
  EXPECT_EQ(error_of(doc),
            "bad.json: /peers/bob/jitter_buffer/max_delay_ms: max_delay_ms (1000) must be >= min_delay_ms (2001)");

  const testing_util::ScratchDir scratch("malformed");
  const std::string path = (scratch / "malformed.json").string();
  std::ofstream(path) << "{\"name\": \"x\",\n \"peers\": {,}}";
  try {
    load_scenario(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.location(), "byte 25 (line 2, column 12)");
  }
  EXPECT_THROW(load_scenario(kData + "does_not_exist.json"), InputError);
}

}  // namespace
}  // namespace callsim::scenario
