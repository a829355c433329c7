// Fuzz target: matrix JSON through the reader, axis parsing, exclusions, the call-count limit
// (64 here) and the expansion into scenarios. The matrix is read as if it were
// scenarios/matrices/fuzz.json, so a "base" path like "../default.json" finds the repository's
// files. Only InputError is an expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "harness/sweep/matrix.h"
#include "json/json_node.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/matrices/fuzz.json";
  try {
    const nlohmann::json doc = callsim::parse_json_text(text, file);
    (void)callsim::harness::expand_matrix(doc, file, 64);
  } catch (const callsim::InputError&) {
  }
  return 0;
}
