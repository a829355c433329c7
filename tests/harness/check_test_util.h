// Fixtures for the check / baseline / JUnit / report tests: synthetic call records and result
// folders with the exact layout `callsim sweep` and `callsim run` write (results.jsonl,
// calls/<id>/result.json, per-direction timeline/frames/packets CSVs and WAVs), built from simple
// formulas so every number a test asserts on is known. Also a scratch folder and a way to run the
// callsim binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/check/check_results.h"
#include "scratch_dir.h"

namespace callsim::harness::checkutil {

// A scratch folder under the system temp folder, removed on destruction.
using ScratchDir = testing_util::ScratchDir;

void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

// Good metrics of one direction: MOS nb 4.0 / wb 4.2, R 85 (wideband scale), mouth-to-ear p95 200 ms, 2% loss,
// concealed 0.01. Tests change single values from here.
std::map<std::string, double> good_metrics();

// An in-memory record with both directions ("alice->bob", "bob->alice") set to `metrics`.
CallRecord make_call(const std::string& id, const std::map<std::string, double>& metrics = good_metrics(),
                     bool passed = true);

// The results.jsonl line of a record (results::record_to_json, as `callsim sweep` writes it).
nlohmann::json record_json(const CallRecord& call);
void write_results(const std::filesystem::path& file, const std::vector<CallRecord>& calls);

struct SweepCall {
  std::string id, codec;      // codec: the "codec" axis entry, e.g. "nb12"
  double loss = 0.02;         // network loss ratio of both directions
  double mos = 4.0;           // MOS-LQO (nb and wb) of both directions
  double mouth_to_ear = 150;  // p95, ms
  bool passed = true;
};

// A sweep folder: results.jsonl plus, per call, calls/<id>/result.json and two directions with
// timeline.csv (4 s in 100 ms bins), frames.csv, packets.csv, reference.wav and degraded.wav
// (1 s, 16 kHz, the same two signals in every call), and in result.json the scenario's
// description, source, tags and link settings (a profile with an override, and an inline link).
// Returns the folder.
std::filesystem::path write_sweep(const std::filesystem::path& dir, const std::vector<SweepCall>& calls);

// Runs `<build>/callsim args...` with stdout+stderr to `log`; returns the exit code. A non-zero
// `file_size_limit` (bytes) makes a larger write fail with EFBIG, as on a full disk.
int run_callsim(const std::vector<std::string>& args, const std::filesystem::path& log, uint64_t file_size_limit = 0);

}  // namespace callsim::harness::checkutil
