#include "json/json_node.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace callsim {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(JsonNode, RangeErrorNamesFileAndPointer) {
  const auto doc = nlohmann::json::parse(R"({"links": {"alice->bob": {"loss": {"p": 1.7}}}})");
  JsonNode root(doc, "lte.json");
  EXPECT_EQ(
      error_of([&] { root.at("links").at("alice->bob").at("loss").at("p").number(Range::probability()); }),
      "lte.json: /links/alice->bob/loss/p: 1.7 is not in [0, 1]");
}

TEST(JsonNode, UnknownKeyIsReportedAtItsOwnPointer) {
  const auto doc = nlohmann::json::parse(R"({"delay": {"base_ms": 1, "jiter_ms": 3}})");
  JsonNode root(doc, "s.json");
  EXPECT_EQ(error_of([&] {
              root.at("delay").expect_keys({"base_ms", "jitter_ms"});
            }),
            "s.json: /delay/jiter_ms: unknown key 'jiter_ms'; expected one of: base_ms, jitter_ms");
}

TEST(JsonNode, TypeAndMissingKeyErrors) {
  const auto doc = nlohmann::json::parse(R"({"a": "x", "b": [1, 2.5], "c": -3})");
  JsonNode root(doc, "f.json");
  EXPECT_EQ(error_of([&] { root.at("a").number(); }), "f.json: /a: expected a number, got a string");
  EXPECT_EQ(error_of([&] { root.at("zz"); }), "f.json: /: missing required key 'zz'");
  EXPECT_EQ(error_of([&] { root.at("b")[1].integer(); }), "f.json: /b/1: 2.5 is not an integer");
  EXPECT_EQ(error_of([&] { root.at("c").number(Range::positive()); }), "f.json: /c: -3 is not > 0");
  EXPECT_EQ(error_of([&] { root.at("c").unsigned_integer(); }), "f.json: /c: -3 is not >= 0");
  // Beyond the implicit +-1e300 of an open-ended range the message names that bound (it said
  // "1.7e+308 is not >= 0" and "is not any number").
  const auto huge = nlohmann::json::parse(R"({"h": 1.7e308, "n": -1e301})");
  JsonNode h(huge, "h.json");
  EXPECT_EQ(error_of([&] { h.at("h").number(Range::at_least(0)); }),
            "h.json: /h: 1.7e+308 is above 1e300, the largest number accepted");
  EXPECT_EQ(error_of([&] { h.at("h").number(); }), "h.json: /h: 1.7e+308 is above 1e300, the largest number accepted");
  EXPECT_EQ(error_of([&] { h.at("n").number(); }),
            "h.json: /n: -1e+301 is below -1e300, the smallest number accepted");
  EXPECT_EQ(error_of([&] { h.at("n").number(Range::at_least(0)); }), "h.json: /n: -1e+301 is not >= 0");
  EXPECT_EQ(error_of([&] { h.at("h").number(Range::closed(0, 1)); }), "h.json: /h: 1.7e+308 is not in [0, 1]");
  // A document built in code holds 7 as a signed integer: still a valid unsigned value.
  const nlohmann::json built = {{"seed", 7}};
  EXPECT_EQ(JsonNode(built, "g.json").at("seed").unsigned_integer(), 7u);
  EXPECT_EQ(error_of([&] { root.at("a").choice({"y", "z"}); }), "f.json: /a: 'x' is not one of: y, z");
}

TEST(JsonNode, PointerTokensAreEscaped) {
  const auto doc = nlohmann::json::parse(R"({"a/b": {"c~d": true}})");
  JsonNode root(doc, "f.json");
  EXPECT_EQ(root.at("a/b").at("c~d").pointer(), "/a~1b/c~0d");
}

TEST(JsonNode, MalformedJsonNamesByteOffsetLineAndColumn) {
  const std::string text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
  const std::string msg = error_of([&] { parse_json_text(text, "bad.json"); });
  EXPECT_EQ(msg.rfind("bad.json: byte 19 (line 3, column 8): malformed JSON: syntax error", 0), 0u) << msg;
}

}  // namespace
}  // namespace callsim
