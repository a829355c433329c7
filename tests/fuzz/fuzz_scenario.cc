// Fuzz target: scenario JSON text through the reader (duplicate keys, depth, number range), the
// scenario parser with its semantic rules, the JSON Schema, and the notes validate and run print
// about a parsed scenario (input_notes). Only InputError is an expected outcome; any other
// exception, crash or sanitizer report is a finding. File references resolve against a folder
// that does not exist (built-in profiles and talkers still work).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "json/json_node.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const nlohmann::json doc = callsim::parse_json_text(text, "fuzz.json");
    const callsim::scenario::Scenario s =
        callsim::scenario::parse_scenario(doc, "fuzz.json", "/nonexistent-callsim-fuzz");
    (void)callsim::scenario::input_notes(s);
  } catch (const callsim::InputError&) {
  }
  return 0;
}
