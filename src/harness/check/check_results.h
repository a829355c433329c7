// Result sets: what `callsim check`, `callsim baseline` and `callsim report` read. A result set
// is a sweep's results.jsonl (one results::CallRecord per line, in job order), a sweep folder
// holding one, or a `callsim run` folder holding result.json (a one-call set whose id is the
// scenario name). The records are read by results/call_record.h, the one reader of both forms;
// the full result.json of a call is read on demand from its folder.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "json/json_node.h"
#include "results/call_record.h"

namespace callsim::harness {

using results::CallRecord;
using results::DirectionMetrics;
using results::ExpectationResult;

struct ResultSet {
  std::filesystem::path source;  // the results.jsonl or result.json that was read
  std::vector<CallRecord> calls;
};

// Reads a results.jsonl file, a folder holding results.jsonl (a sweep) or result.json (a run),
// or a result.json file. Throws InputError naming the file and place ("file:line", JSON pointer).
ResultSet load_result_set(const std::filesystem::path& path);

// Loads several sets and concatenates their calls; a call id seen twice is an InputError.
std::vector<CallRecord> load_calls(const std::vector<std::filesystem::path>& paths);

// The full result.json of a call (nullopt when the record has no folder or the file is absent),
// checked by check_call_result: a hand-edited or damaged file is an InputError, not a crash.
std::optional<nlohmann::json> read_call_result(const CallRecord& call);

// Checks the types of the parts of a call's result.json that the report reads: "directions" an
// object of objects; per direction "files" an object of strings, "network", "rtp",
// "jitter_buffer" and "quality" objects, quality/pesq_nb|pesq_wb/windows an array of objects
// whose "scored" is a boolean, "mos_lqo" a number or null, and a scored window's "start_s" and
// "end_s" numbers; "scenario" an object whose "description" and "source" are strings, "tags" an
// array and "links" an object of objects (their "profile_settings" and "override" objects).
// Throws InputError naming the file and the JSON pointer ("…/windows/0/start_s: expected a
// number, got a string").
void check_call_result(const JsonNode& root);

// The value of `metric` in `direction`, if measured.
std::optional<double> find_metric(const CallRecord& call, const std::string& direction,
                                  const std::string& metric);

}  // namespace callsim::harness
