// Reference points of the report's jitter-buffer frontier (`callsim report --reference FILE`):
// figures of a buffer measured outside the results being reported (WebRTC NetEq run offline on the
// same traces, a device under test), drawn on each trace's frontier plot beside the settings of
// the sweep and judged with them.
//
// The file is CSV, one header line then one line per point; blank lines, lines starting with
// '#' and a UTF-8 byte-order mark before the header are skipped (common/text_parse.h, as for the
// link trace files). Columns, in any order:
//   label                  what the point is ("NetEq M100"); required, not empty
//   mos_lqo_wb             P.862.2 MOS-LQO, 1 to 5; required
//   mouth_to_ear_mean_ms   mean mouth-to-ear delay, ms, 0 to 60000 (the report's delay axis, as
//                          callsim measures it: from capture, so including the encoder's
//                          lookahead and the packetization time); required
//   mouth_to_ear_p95_ms    optional; empty for not measured
//   direction              optional: "alice->bob" or "bob->alice" (two-way sweeps); empty = any
//   any other column       a sweep parameter (an axis name such as `run`): the point belongs to
//                          the traces whose calls have that parameter with that value (a string
//                          as it is, anything else as its JSON text); no such column: every trace
// Fields are plain text without commas or quotes. Errors are InputError naming the file and
// "byte N (line L)" (exit code 2); a point no trace matches is a report warning naming its line,
// not an error.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace callsim::harness {

struct ReferencePoint {
  std::string file;  // the path as given
  size_t line = 0;   // 1-based line number in the file
  std::string label, direction;
  std::map<std::string, std::string> params;  // sweep parameter -> value text
  double wb = 0, mean_ms = 0;
  double p95_ms = 0;  // NaN when not given
};

// Limits: the file at most 1 MiB and 10000 points.
std::vector<ReferencePoint> parse_reference_points(const std::string& text, const std::string& path);
std::vector<ReferencePoint> read_reference_points(const std::filesystem::path& file);

}  // namespace callsim::harness
