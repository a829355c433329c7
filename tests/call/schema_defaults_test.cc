// Every default the scenario and link schemas declare is the parser's: a key written out at its
// schema default gives the same call as the key left out (the same simulator events and the same
// results). The link schema said `loss.r` and `loss.p31` default to 1 where callsim takes 1 - p
// and 1 - p13 (an editor filling in the schema's default turned 50 % Gilbert-Elliott loss into
// 33 %); scenarios/README.md's default tables come from the schemas, so they were wrong too.
//
// Each key is tried in the contexts where it means something (a loss probability under each loss
// model, a jitter-buffer setting under each buffer type, ...): a context in which the parser does
// not accept the key is skipped, and every key must be exercised by at least one context, so a new
// schema default without one fails here until a context is added.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "common/error.h"
#include "json/json_node.h"
#include "scenario/scenario.h"
#include "schema_defaults.h"
#include "scratch_dir.h"

namespace callsim::call {
namespace {

using nlohmann::json;
using Defaults = testing_util::SchemaDefaults;  // key path ("loss.p", "peers.*.codec.fec"), default

// The schema's defaults, each once (oneOf alternatives repeat a key with the same default).
Defaults schema_defaults(const std::string& name) {
  Defaults unique;
  for (const auto& d : testing_util::schema_defaults(name))
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  return unique;
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) out.push_back(path.substr(start, dot - start));
  out.push_back(path.substr(start));
  return out;
}

// The node a path names inside `doc` ("phases[]" is the first phase), created where missing; nullptr
// when an array it passes through is missing or empty.
json* node_at(json& doc, const std::vector<std::string>& parts, size_t count) {
  json* at = &doc;
  for (size_t i = 0; i < count; ++i) {
    std::string part = parts[i];
    const bool item = part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0;
    if (item) part.resize(part.size() - 2);
    if (!at->is_object()) return nullptr;
    at = &(*at)[part];
    if (item) {
      if (!at->is_array() || at->empty()) return nullptr;
      at = &(*at)[0];
    }
  }
  return at;
}

// The JSON pointer of the object holding the key a path names ("" for a top-level key).
std::string parent_pointer(const std::string& path) {
  const std::vector<std::string> parts = split(path);
  std::string pointer;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool item = part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0;
    pointer += "/" + (item ? part.substr(0, part.size() - 2) + "/0" : part);
  }
  return pointer;
}

// `context` without the key (the base call) and with it at `value` (the variant, its sections
// created where the context has none); false when the key cannot be placed there.
bool with_and_without(const json& context, const std::string& path, const json& value, json* base, json* variant) {
  const std::vector<std::string> parts = split(path);
  *base = context;
  const std::string pointer = parent_pointer(path);
  if (base->contains(json::json_pointer(pointer))) {
    json& parent = pointer.empty() ? *base : base->at(json::json_pointer(pointer));
    if (parent.is_object()) parent.erase(parts.back());
  }
  *variant = *base;
  json* p = node_at(*variant, parts, parts.size() - 1);
  if (!p || !(p->is_object() || p->is_null())) return false;
  (*p)[parts.back()] = value;
  return true;
}

class SchemaDefaults : public ::testing::Test {
 protected:
  testing_util::ScratchDir scratch{"schema_defaults"};

  // What a call is, apart from how its scenario is spelled: every simulator event, and the results.
  // nullopt when the parser refuses the document.
  std::optional<std::string> call_of(const json& doc, bool score) {
    scenario::Scenario s;
    try {
      s = scenario::parse_scenario(doc, "t.json", scratch.path().string());
    } catch (const InputError&) {
      return std::nullopt;
    }
    auto key = doc.dump() + (score ? "+score" : "");
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    RunOptions o;
    o.score = score;
    const CallResult r = run_call(s, o);
    json result = result_to_json(r);
    result.erase("scenario");  // the document as written
    return cache_[key] = r.event_trace_digest + "\n" + result.dump();
  }

  // Runs every key of `defaults` (paths relative to `at` in the documents `wrap` makes of a
  // context) in every context that accepts it; returns the keys no context exercised.
  std::vector<std::string> check(const Defaults& defaults, const std::vector<json>& contexts,
                                 const std::function<json(const json&)>& wrap, const std::string& skip_prefix = "~") {
    std::vector<std::string> unexercised;
    for (const auto& [path, value] : defaults) {
      if (path.rfind(skip_prefix, 0) == 0) continue;
      // The contexts that hold the key's section (a loss probability under each loss model), or, for
      // a top-level key or one whose section no context has, the first that accepts it.
      const std::string parent = parent_pointer(path);
      const bool sectioned =
          !parent.empty() && std::any_of(contexts.begin(), contexts.end(), [&](const json& c) {
            return c.contains(json::json_pointer(parent));
          });
      int exercised = 0;
      for (const json& context : contexts) {
        if (sectioned && !context.contains(json::json_pointer(parent))) continue;
        if (!sectioned && exercised > 0) break;
        json base, variant;
        if (!with_and_without(context, path, value, &base, &variant)) continue;
        const bool score = path.rfind("scoring.", 0) == 0;
        const auto a = call_of(wrap(base), score);
        const auto b = call_of(wrap(variant), score);
        if (!a || !b) continue;  // the key does not belong in this context
        ++exercised;
        EXPECT_EQ(*a, *b) << path << " written out at its schema default " << value.dump()
                          << " changed the call; context " << context.dump();
      }
      if (exercised == 0) unexercised.push_back(path);
    }
    return unexercised;
  }

  void write(const std::string& name, const std::string& text) { std::ofstream(scratch / name) << text; }

  std::map<std::string, std::string> cache_;
};

TEST_F(SchemaDefaults, EveryLinkDefaultWrittenOutIsTheSameCall) {
  write("delays.csv", "index,delay_ms\n0,30\n1,45\n2,38\n3,70\n4,lost\n");
  write("link.mahi", "5\n10\n15\n20\n");
  const std::vector<json> contexts = {
      json::object(),
      {{"delay", {{"base_ms", 40}, {"jitter_ms", 10}}}},
      {{"delay", {{"base_ms", 40}, {"jitter_ms", 10}, {"distribution", "normal"}, {"correlation", 0.5}}}},
      {{"delay", {{"base_ms", 40}, {"jitter_ms", 10}, {"reorder_by_jitter", true}}}},
      // Loss often enough (in 100 packets) that a default off by a little shows: r's 1 - p is 0.6 here.
      {{"loss", {{"model", "bernoulli"}, {"p", 0.3}, {"correlation", 0.3}}}},
      {{"loss", {{"model", "gilbert_elliott"}, {"p", 0.4}, {"r", 0.3}, {"one_minus_h", 0.8}, {"one_minus_k", 0.05}}}},
      {{"loss", {{"model", "four_state"}, {"p13", 0.3}, {"p31", 0.5}, {"p32", 0.0}, {"p23", 0.5}, {"p14", 0.05}}}},
      {{"delay", {{"base_ms", 40}}}, {"reorder", {{"p", 0.05}, {"gap", 3}, {"correlation", 0.2}}}},
      {{"duplicate", {{"p", 0.05}, {"correlation", 0.2}}}},
      {{"corrupt", {{"p", 0.05}, {"correlation", 0.2}, {"deliver", true}}}},
      {{"rate", {{"kbps", 40}, {"overhead_bytes", 48}, {"queue", {{"limit_packets", 5}, {"limit_bytes", 3000}, {"limit_ms", 100}}}}}},
      {{"rate", {{"trace", "link.mahi"}, {"bytes_per_opportunity", 200}}}},
      {{"rate", {{"kbps", 80}}},
       {"cross_traffic", {{"kbps", 60}, {"packet_bytes", 500}, {"pattern", "on_off"}, {"on_ms", 300}, {"off_ms", 200}}}},
      {{"phases", {{{"name", "x"}, {"start_s", 1}, {"end_s", 2}, {"outage", true}}}}},
      {{"phases", {{{"name", "x"}, {"start_s", 1}, {"end_s", 2}, {"set", {{"delay", {{"base_ms", 80}}}}}}}}},
      {{"trace", {{"file", "delays.csv"}, {"loop", false}}}},
  };
  auto wrap = [](const json& link) {
    return json{{"name", "d"},
                {"duration_s", 2},
                {"peers", {{"alice", json::object()}, {"bob", {{"talk", json::array()}}}}},
                {"links", {{"alice->bob", link}}}};
  };
  const Defaults defaults = schema_defaults("link.schema.json");
  ASSERT_GE(defaults.size(), 35u);
  EXPECT_EQ(check(defaults, contexts, wrap), std::vector<std::string>{})
      << "schema defaults no context exercises (add one above)";
}

TEST_F(SchemaDefaults, EveryScenarioDefaultWrittenOutIsTheSameCall) {
  const json link = {{"delay", {{"base_ms", 40}, {"jitter_ms", 15}, {"distribution", "normal"}}},
                     {"loss", {{"model", "bernoulli"}, {"p", 0.05}}}};
  // Peers are spelled "*" so that a key path "peers.*.x" lands on both: the sender's codec and the
  // receiver's buffer and clock each matter, and both directions run.
  auto doc = [&](double duration, const json& peer) {
    return json{{"name", "d"}, {"duration_s", duration}, {"peers", {{"*", peer}}},
                {"links", {{"alice->bob", link}, {"bob->alice", link}}}};
  };
  std::vector<json> contexts = {doc(2, json::object()), doc(2, {{"codec", {{"fec", true}, {"expected_loss_pct", 10}}}})};
  for (const char* type : {"fixed", "adaptive", "speex"})
    contexts.push_back(doc(2, {{"jitter_buffer", {{"type", type}}}, {"codec", {{"fec", true}, {"expected_loss_pct", 10}}}}));
  auto wrap = [](const json& d) {
    json out = d;
    const json both = out["peers"]["*"];
    out["peers"] = {{"alice", both}, {"bob", both}};
    return out;
  };
  const Defaults defaults = schema_defaults("scenario.schema.json");
  ASSERT_GE(defaults.size(), 25u);
  EXPECT_EQ(check(defaults, contexts, wrap, "scoring."), std::vector<std::string>{})
      << "schema defaults no context exercises (add one above)";
  // The scoring keys, scored, on a call long enough for two windows.
  Defaults scoring;
  for (const auto& d : defaults)
    if (d.first.rfind("scoring.", 0) == 0) scoring.push_back(d);
  ASSERT_EQ(scoring.size(), 2u);
  EXPECT_EQ(check(scoring, {doc(12, json::object())}, wrap), std::vector<std::string>{});
}

}  // namespace
}  // namespace callsim::call
