#include "scenario/scenario.h"

#include <algorithm>
#include <filesystem>

#include "common/embedded.h"
#include "common/error.h"
#include "scenario/link_json.h"
#include "json/schema.h"

namespace callsim::scenario {
namespace {

std::pair<std::string, std::string> split_direction(const JsonNode& node, const std::string& key) {
  const auto arrow = key.find("->");
  if (arrow == std::string::npos || arrow == 0 || arrow + 2 >= key.size())
    node.fail("link name must be \"sender->receiver\"");
  return {key.substr(0, arrow), key.substr(arrow + 2)};
}

std::vector<Expectation> parse_expectations(const JsonNode& n,
                                            const std::map<std::string, sim::net::LinkConfig>& links) {
  std::vector<Expectation> out;
  for (const auto& [direction, list] : n.members()) {
    if (direction != "all" && !links.count(direction))
      list.fail("no link '" + direction + "' in this scenario");
    for (const JsonNode& item : list.elements()) {
      std::string error;
      auto e = parse_expectation(item.string(), &error);
      if (!e) item.fail(error);
      e->direction = direction;
      e->pointer = item.pointer();
      out.push_back(*e);
    }
  }
  return out;
}

}  // namespace

Scenario parse_scenario(const nlohmann::json& doc, const std::string& file, const std::string& base_dir) {
  const JsonNode root(doc, file);
  root.expect_keys({"$schema", "name", "description", "source", "duration_s", "seed", "peers", "links",
                    "scoring", "expect", "tags"});
  Scenario s;
  s.file = file;
  s.name = root.at("name").string();
  if (s.name.empty() ||
      s.name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
          std::string::npos)
    root.at("name").fail("name must be non-empty and use only letters, digits, '_', '.', '-'");
  s.description = root.string_or("description", "");
  s.source = root.string_or("source", "");
  if (auto t = root.find("tags"))
    for (const JsonNode& tag : t->elements()) s.tags.push_back(tag.string());
  s.duration =
      sim::Duration::from_seconds(root.number_or("duration_s", 20.0, Range{0.0, 7200.0, true, false}));
  if (s.duration < sim::Duration::seconds(1)) root.at("duration_s").fail("a call must last at least 1 s");
  if (auto seed = root.find("seed")) s.seed = seed->unsigned_integer();

  const PeerParseContext peer_ctx{base_dir, s.duration};
  const JsonNode peers = root.at("peers");
  for (const auto& [name, node] : peers.members()) {
    if (name.empty() || name.find("->") != std::string::npos) node.fail("invalid peer name");
    s.peers.emplace(name, parse_peer(name, node, peer_ctx));
  }
  if (s.peers.empty()) peers.fail("a scenario needs at least one peer");

  LinkParseContext link_ctx;
  link_ctx.base_dir = base_dir;
  link_ctx.duration = s.duration;
  const JsonNode links = root.at("links");
  for (const auto& [key, node] : links.members()) {
    auto [from, to] = split_direction(node, key);
    if (!s.peers.count(from)) node.fail("link sender '" + from + "' is not a peer");
    if (!s.peers.count(to)) node.fail("link receiver '" + to + "' is not a peer");
    if (from == to) node.fail("a link needs two different peers");
    s.links.emplace(key, parse_link(node, link_ctx));
    s.link_settings.emplace(key, link_settings_json(node, link_ctx));
    s.directions.push_back(Direction{key, from, to});
  }
  if (s.links.empty()) links.fail("a scenario needs at least one link");
  // Receive-side settings on a peer that receives nothing would silently do nothing.
  for (const auto& [name, node] : peers.members()) {
    const bool receives = std::any_of(s.directions.begin(), s.directions.end(),
                                      [&, &peer = name](const Direction& d) { return d.to == peer; });
    if (receives) continue;
    for (const char* key : {"jitter_buffer", "clock_drift_ppm"})
      if (auto setting = node.find(key))
        setting->fail("'" + name + "' receives no direction of this call; " + key +
                      " is a receiver setting and would have no effect");
  }

  if (auto sc = root.find("scoring")) {
    sc->expect_keys({"pesq", "window_s"});
    s.scoring.pesq = sc->boolean_or("pesq", true);
    s.scoring.window_s = sc->number_or("window_s", 10.0, Range::closed(4, 20));
  }
  if (auto e = root.find("expect")) s.expectations = parse_expectations(*e, s.links);

  // The C++ rules passed; the published schema must agree.
  if (auto v = check_schema(doc, "scenario.schema.json"))
    throw InputError(file, v->pointer.empty() ? "/" : v->pointer, "schema: " + v->message);
  return s;
}

Scenario load_scenario(const std::string& path) {
  const nlohmann::json doc = read_json_file(path);
  // Errors name the file as the user gave it; relative references resolve next to it.
  return parse_scenario(doc, path, std::filesystem::path(path).parent_path().string());
}

Scenario default_scenario() {
  const auto text = find_embedded("scenarios/default.json");
  if (!text) throw std::logic_error("default scenario is not embedded");
  return parse_scenario(parse_json_text(*text, "<default scenario>"), "<default scenario>", "");
}

}  // namespace callsim::scenario
