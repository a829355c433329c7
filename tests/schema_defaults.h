// The defaults a callsim JSON Schema declares (scenarios/schema/<name>), for the tests that hold the
// README's default tables (tests/scenario/library_readme_test.cc) and the parser
// (tests/call/schema_defaults_test.cc) to them; tools/schema_defaults.py walks the same way.
// Paths join object keys with '.', "*" for any peer or direction name, "[]" for array items;
// oneOf alternatives share a path (a key they repeat comes once per alternative); "override" and a
// phase's "set" repeat the link's sections and are skipped; a $ref to another file is not followed
// (link.schema.json from the scenario schema has its own list).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "json/json_node.h"

namespace callsim::testing_util {

using SchemaDefaults = std::vector<std::pair<std::string, nlohmann::json>>;  // key path, default

inline void collect_schema_defaults(const nlohmann::json& root, const nlohmann::json& node, const std::string& path,
                                    SchemaDefaults* out) {
  using nlohmann::json;
  if (node.contains("$ref")) {
    const std::string ref = node["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) == 0) collect_schema_defaults(root, root.at(json::json_pointer(ref.substr(1))), path, out);
    return;
  }
  if (node.contains("oneOf"))
    for (const json& alt : node["oneOf"]) collect_schema_defaults(root, alt, path, out);
  if (node.contains("properties"))
    for (const auto& [key, sub] : node["properties"].items()) {
      if (key == "override" || key == "set" || key == "$schema") continue;
      const std::string p = path.empty() ? key : path + "." + key;
      if (sub.contains("default") && !sub["default"].is_object()) out->emplace_back(p, sub["default"]);
      collect_schema_defaults(root, sub, p, out);
    }
  if (node.contains("items") && node["items"].is_object()) collect_schema_defaults(root, node["items"], path + "[]", out);
  if (node.contains("additionalProperties") && node["additionalProperties"].is_object())
    collect_schema_defaults(root, node["additionalProperties"], path + ".*", out);
}

// The defaults of scenarios/schema/<name>, in the order of the schema's walk.
inline SchemaDefaults schema_defaults(const std::string& name) {
  const nlohmann::json schema = read_json_file(std::string(CALLSIM_SOURCE_DIR) + "/scenarios/schema/" + name);
  SchemaDefaults out;
  collect_schema_defaults(schema, schema, "", &out);
  return out;
}

}  // namespace callsim::testing_util
