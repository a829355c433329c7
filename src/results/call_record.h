// The record of one call's result: what results.jsonl holds per call and what `callsim check`,
// `callsim baseline`, `callsim report` and summary.json read. One type, one JSON writer
// (record_to_json; result.json's "expectations" and per-direction "metrics" are written by the
// same functions) and one reader (record_from_json for a results.jsonl line,
// record_from_result_json for a `callsim run` folder's result.json, sharing the section readers).
//
// results.jsonl line (keys sorted, compact):
//   {"id", "scenario", "file", "seed", "scenario_fingerprint"?, "callsim_build"?, "params",
//    "param_directions"?: {axis: [direction]}, "passed", "scoring": {"pesq": bool},
//    "expectations": [{"direction", "expect", "measured", "status", "note"?}],
//    "metrics": {direction: {metric: value}}, "dir"}
//   a call that could not run has "error" (and "error_kind": "bad_input" or "bug") instead of
//   expectations / metrics / dir.
// Metric values are stored rounded (results::round_for_storage): counts as JSON integers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json_node.h"

namespace callsim::results {

enum class ExpectationStatus {
  kPassed,
  kFailed,   // did not hold, or the metric could not be measured (see note)
  kSkipped,  // the metric needs P.862 scoring and scoring was off: no verdict, no failure
};

struct ExpectationResult {
  std::string direction;  // "alice->bob"
  std::string expect;     // "mos_lqo_wb >= 3.6", as written
  std::optional<double> measured;
  ExpectationStatus status = ExpectationStatus::kFailed;
  std::string note;  // why a failed one measured nothing, why one was skipped
  bool failed() const { return status == ExpectationStatus::kFailed; }
};

// metric → value for one direction; direction → those.
using MetricValues = std::map<std::string, double>;
using DirectionMetrics = std::map<std::string, MetricValues>;

struct CallRecord {
  std::string id;        // unique within a result set; the baseline key
  std::string scenario;  // scenario name: the JUnit test suite and report grouping
  std::string file;      // scenario file as recorded ("" when unknown)
  uint64_t seed = 0;
  // scenario::Scenario::fingerprint of the call's scenario ("" when unknown: results written
  // before callsim recorded it). `callsim check` compares calls only with a baseline of the same.
  std::string scenario_fingerprint;
  // common/build_id.h of the callsim build that ran the call ("" when unknown): `callsim check`
  // says when a result set mixes builds.
  std::string callsim_build;
  nlohmann::json params = nlohmann::json::object();  // sweep axis → value
  // The directions each axis changed, for the axes that left some direction as the base has it
  // (a matrix's apply_to: a codec axis applied to alice->bob does not change bob->alice); an axis
  // not listed changed every direction. Summaries and plots count a direction under an axis entry
  // only where the axis changed it (param_applies). Written only when not empty.
  std::map<std::string, std::vector<std::string>> param_directions;
  bool passed = false;
  bool pesq_scored = true;  // P.862 scoring ran (false with --no-score or "scoring": {"pesq": false})
  std::string error;        // the job failed to run ("" when it ran)
  // With an error, what it was, for the exit code of a sweep or merge holding the record:
  // "bad_input" (exit 2: bad input, an unusable output path, or what a jitter-buffer plugin
  // reported) or "bug" (exit 3: a bug in callsim); "" in a record of an older callsim.
  std::string error_kind;
  std::vector<ExpectationResult> expectations;
  DirectionMetrics metrics;
  // The call's output folder (holds result.json): as written, relative to the results.jsonl
  // ("calls/<id>"); as read, resolved against the folder of the file it was read from.
  std::filesystem::path dir;
  std::string origin;  // "results.jsonl:3" — where the record was read, for messages (not written)
};

std::string to_string(ExpectationStatus status);  // "pass", "fail", "skipped"

// The threshold of an expectation as written ("mos_lqo_wb >= 3.6" → 3.6); nullopt when the text
// does not end in a number.
std::optional<double> expectation_threshold(std::string_view expect);
// The measured value of an expectation as printed: the metric's decimals, more where those would
// print it as the threshold although it is not ("measured 2.9537" for a failed ">= 2.954").
std::string format_measured(const ExpectationResult& e);

// One metric value as result files store it: rounded (round_for_storage), counts as integers,
// null when not finite.
nlohmann::json metric_value_json(const std::string& name, double value);

// Rounds every metric value and measured figure as result files store them, so a record built in
// memory aggregates (summary.json) exactly like the same record read back from its file.
void round_for_storage(CallRecord& record);

// Sections shared with result.json.
nlohmann::json metrics_to_json(const MetricValues& metrics);  // counts as integers, sorted keys
nlohmann::json expectations_to_json(const std::vector<ExpectationResult>& expectations);
// Refuses (InputError at the value's JSON pointer) a name not in the metric table, null (the
// writer leaves an unmeasured metric out), a value its kind cannot have (value_fits_kind: a count
// 200.5, a ratio 5.0), and a direction with no metrics (the writer always counts its packets).
MetricValues metrics_from_json(const JsonNode& node);
// The scenario fingerprint under `key` of `parent`: "" when absent or "" (unknown); otherwise it
// must read "fnv1a64:" and 16 lower-case hex digits (InputError at the value's pointer).
std::string read_fingerprint(const JsonNode& parent, const char* key);
// Whether two scenario fingerprints name different scenarios: both known ("" is unknown: files of
// a callsim that did not record it) and unequal. The one rule check, baseline update and the
// report's trend follow.
inline bool other_scenario(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() && a != b;
}
std::vector<ExpectationResult> expectations_from_json(const JsonNode& node);

nlohmann::json record_to_json(const CallRecord& record);
// One results.jsonl line: compact, sorted keys, '\n'-terminated.
std::string record_line(const CallRecord& record);
// A results.jsonl record; `dir` is resolved against `base_dir`. Unknown keys are allowed (a newer
// writer may record more; unknown metric names are not). A call that ran must have at least one
// direction's metrics. Throws InputError naming the place.
CallRecord record_from_json(const JsonNode& node, const std::filesystem::path& base_dir);
// A `callsim run` result.json: a one-call record whose id is the scenario name and whose dir is
// `dir` (the folder holding the file).
CallRecord record_from_result_json(const JsonNode& node, const std::filesystem::path& dir);

// A results.jsonl file read back: the raw lines (kept byte for byte, '\n'-terminated) and their
// records. Throws InputError ("file:line", byte offset) on a malformed line.
struct ResultsFile {
  std::vector<std::string> lines;
  std::vector<CallRecord> records;
};
ResultsFile read_results_file(const std::filesystem::path& file);
// The same for a file's text already read; `file` names it in messages and resolves `dir`.
ResultsFile parse_results_text(std::string_view text, const std::filesystem::path& file);

// Whether sweep axis `axis` changed `direction` of the call (CallRecord::param_directions): false
// for an axis the call does not have.
bool param_applies(const CallRecord& call, const std::string& axis, const std::string& direction);

// The value of `metric` in `direction`, if measured.
std::optional<double> find_value(const CallRecord& call, const std::string& direction, const std::string& metric);

}  // namespace callsim::results
