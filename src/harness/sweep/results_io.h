// The files of a sweep folder:
//   results.jsonl   one JSON object per call, in job order, keys sorted, no wall times:
//                   {"id", "scenario", "file", "seed", "params", "passed", "expectations",
//                    "metrics": {direction: {metric: value}}, "dir": "calls/<id>"}
//                   (a call that could not run has "error" instead of expectations/metrics/dir)
//   summary.json    counts, failed ids, mean metrics per scenario and per matrix axis entry; the
//                   run-specific parts (wall times, threads, cache counters) only under "timing",
//                   and "shard" for a shard's folder
//   calls/<id>/     result.json (+ audio, CSV, pcap) and job.json, written last (resume marker)
// Records are built from the per-call result.json files, so the bytes of results.jsonl depend only
// on the calls, not on thread count, completion order or which run produced a call.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/sweep/suite.h"

namespace callsim::harness {

// The results.jsonl record of a job from its call's result.json.
nlohmann::json make_record(const Job& job, const nlohmann::json& result);
// The record of a job that could not run.
nlohmann::json error_record(const Job& job, const std::string& message);
// One results.jsonl line (compact, sorted keys, '\n'-terminated).
std::string record_line(const nlohmann::json& record);

// Writes the lines atomically to dir/results.jsonl.
void write_results(const std::filesystem::path& dir, const std::vector<std::string>& lines);

// A results.jsonl read back: the raw lines (kept byte for byte) and their parsed records.
struct ResultLines {
  std::vector<std::string> lines;
  std::vector<nlohmann::json> records;
};
// Throws InputError ("file:line") on a malformed line or a record without an id.
ResultLines read_results(const std::filesystem::path& file);

// summary.json without "timing": counts, failed ids, per-scenario and per-axis-entry means.
nlohmann::json summarize_records(const std::vector<nlohmann::json>& records);
void write_summary(const std::filesystem::path& dir, const nlohmann::json& summary);

// The folder of a call inside a sweep folder.
std::filesystem::path call_dir(const std::filesystem::path& sweep_dir, const std::string& id);

}  // namespace callsim::harness
