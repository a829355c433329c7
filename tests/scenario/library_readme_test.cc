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
#include "schema_defaults.h"

namespace callsim::scenario {
namespace {

using nlohmann::json;
using testing_util::schema_defaults;

const std::string kRoot = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/";

std::string readme() {
  std::ifstream in(kRoot + "README.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ScenarioReadme, ListsEveryScenarioSchemaDefault) {
  const auto d = schema_defaults("scenario.schema.json");
  EXPECT_GE(d.size(), 25u);  // the walk reaches peers, codec, jitter buffers and scoring
  const std::string text = readme();
  for (const auto& [path, value] : d) {
    EXPECT_NE(text.find("| `" + path + "` | `" + value.dump() + "` |"), std::string::npos) << path << " = " << value;
  }
}

TEST(ScenarioReadme, ListsEveryLinkSchemaDefault) {
  const auto d = schema_defaults("link.schema.json");
  EXPECT_GE(d.size(),
            35u);  // loss models, delay, reorder, duplicate, corrupt, rate, queue, cross traffic, phases
  const std::string text = readme();
  for (const auto& [path, value] : d) {
    EXPECT_NE(text.find("| `" + path + "` | `" + value.dump() + "` |"), std::string::npos) << path << " = " << value;
  }
}

}  // namespace
}  // namespace callsim::scenario
