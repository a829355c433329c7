// Result sets: what `callsim check`, `callsim baseline` and `callsim report` read. A result set
// is a sweep's results.jsonl (one JSON object per call, in job order), a sweep folder holding
// one, or a `callsim run` folder holding result.json (a one-call set whose id is the scenario
// name). Records keep the flat per-direction metrics and expectation outcomes; the full
// result.json of a call is read on demand from its folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace callsim::harness {

struct ExpectationRecord {
  std::string direction;  // "alice->bob"
  std::string expect;     // "mos_lqo_wb >= 3.6"
  std::optional<double> measured;
  bool passed = false;
};

// direction → metric → value (metric names from scenario::known_metrics()).
using DirectionMetrics = std::map<std::string, std::map<std::string, double>>;

struct CallRecord {
  std::string id;        // unique within a result set; the baseline key
  std::string scenario;  // scenario name: the JUnit test suite and report grouping
  std::string file;      // scenario file as recorded ("" when unknown)
  uint64_t seed = 0;
  nlohmann::json params = nlohmann::json::object();  // sweep axis → value
  bool passed = false;
  std::string error;  // the job failed to run ("" when it ran)
  std::vector<ExpectationRecord> expectations;
  DirectionMetrics metrics;
  std::filesystem::path dir;  // the call's output folder (holds result.json); empty if unknown
  std::string origin;         // "results.jsonl:3" — where the record was read, for messages
};

struct ResultSet {
  std::filesystem::path source;  // the results.jsonl or result.json that was read
  std::vector<CallRecord> calls;
};

// Reads a results.jsonl file, a folder holding results.jsonl (a sweep) or result.json (a run),
// or a result.json file. Throws InputError naming the file and place ("file:line", JSON pointer).
ResultSet load_result_set(const std::filesystem::path& path);

// Loads several sets and concatenates their calls; a call id seen twice is an InputError.
std::vector<CallRecord> load_calls(const std::vector<std::filesystem::path>& paths);

// The full result.json of a call (nullopt when the record has no folder or the file is absent).
std::optional<nlohmann::json> read_call_result(const CallRecord& call);

// The value of `metric` in `direction`, if measured.
std::optional<double> find_metric(const CallRecord& call, const std::string& direction,
                                  const std::string& metric);

}  // namespace callsim::harness
