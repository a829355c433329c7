// scenarios/README.md lists every default of the scenario and link schemas: each (key path, default)
// pair the schemas declare must appear as a table row "| `path` | `default` |", so the README cannot
// silently fall behind a schema change. Paths: object keys joined by '.', "*" for any peer name,
// "[]" for array items; oneOf alternatives share a path; "override" and a phase's "set" repeat the
// link's sections and are skipped.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "json/json_node.h"

namespace callsim::scenario {
namespace {

using nlohmann::json;
using Defaults = std::vector<std::pair<std::string, std::string>>;  // key path, default as JSON

const std::string kRoot = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/";

void collect(const json& root, const json& node, const std::string& path, Defaults* out) {
  if (node.contains("$ref")) {
    const std::string ref = node["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) == 0) collect(root, root.at(json::json_pointer(ref.substr(1))), path, out);
    return;  // other files (link.schema.json from the scenario schema) have their own table
  }
  if (node.contains("oneOf")) {
    for (const json& alt : node["oneOf"]) collect(root, alt, path, out);
  }
  if (node.contains("properties")) {
    for (const auto& [key, sub] : node["properties"].items()) {
      if (key == "override" || key == "set" || key == "$schema") continue;
      const std::string p = path.empty() ? key : path + "." + key;
      if (sub.contains("default") && !sub["default"].is_object()) out->emplace_back(p, sub["default"].dump());
      collect(root, sub, p, out);
    }
  }
  if (node.contains("items") && node["items"].is_object()) collect(root, node["items"], path + "[]", out);
  if (node.contains("additionalProperties") && node["additionalProperties"].is_object()) {
    collect(root, node["additionalProperties"], path + ".*", out);
  }
}

Defaults schema_defaults(const std::string& name) {
  const json schema = read_json_file(kRoot + "schema/" + name);
  Defaults out;
  collect(schema, schema, "", &out);
  return out;
}

std::string readme() {
  std::ifstream in(kRoot + "README.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ScenarioReadme, ListsEveryScenarioSchemaDefault) {
  const Defaults d = schema_defaults("scenario.schema.json");
  EXPECT_GE(d.size(), 25u);  // the walk reaches peers, codec, jitter buffers and scoring
  const std::string text = readme();
  for (const auto& [path, value] : d) {
    EXPECT_NE(text.find("| `" + path + "` | `" + value + "` |"), std::string::npos) << path << " = " << value;
  }
}

TEST(ScenarioReadme, ListsEveryLinkSchemaDefault) {
  const Defaults d = schema_defaults("link.schema.json");
  EXPECT_GE(d.size(),
            35u);  // loss models, delay, reorder, duplicate, corrupt, rate, queue, cross traffic, phases
  const std::string text = readme();
  for (const auto& [path, value] : d) {
    EXPECT_NE(text.find("| `" + path + "` | `" + value + "` |"), std::string::npos) << path << " = " << value;
  }
}

}  // namespace
}  // namespace callsim::scenario
