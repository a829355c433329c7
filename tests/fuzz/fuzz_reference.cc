// Fuzz target: `callsim report --reference` files (src/harness/report/reference_points.h). The
// input is the file's text; a file that parses must hold only points within the documented
// ranges, each on a content line of the file.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "harness/report/reference_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<callsim::harness::ReferencePoint> points;
  try {
    points = callsim::harness::parse_reference_points(text, "fuzz.csv");
  } catch (const callsim::InputError&) {
    return 0;
  }
  if (points.empty() || points.size() > 10000) __builtin_trap();
  size_t previous_line = 0;
  for (const auto& p : points) {
    if (p.label.empty() || !(p.wb >= 1.0 && p.wb <= 5.0) || !(p.mean_ms >= 0.0 && p.mean_ms <= 60000.0))
      __builtin_trap();
    if (!std::isnan(p.p95_ms) && !(p.p95_ms >= 0.0 && p.p95_ms <= 60000.0)) __builtin_trap();
    if (p.line <= previous_line || p.line < 2) __builtin_trap();  // after the header, in file order
    previous_line = p.line;
  }
  return 0;
}
