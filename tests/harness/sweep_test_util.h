// Helpers for the harness tests and benchmark: temporary folders, small text files, short call
// scenarios, and running the `callsim` binary as a child process.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "scratch_dir.h"

namespace callsim::harness::testutil {

// A fresh folder under the system temp folder, removed with everything in it on destruction.
using TempDir = testing_util::ScratchDir;

void write_text(const std::filesystem::path& path, std::string_view text);
std::string read_text(const std::filesystem::path& path);
void write_json(const std::filesystem::path& path, const nlohmann::json& doc);

// A short call without P.862 scoring: alice talks to bob (and back when two_way) over a link with
// 30 ms delay, 5 ms normal jitter and 2% random loss; 16 kHz Opus at 20 kbit/s; one expectation
// that holds ("concealed_ratio <= 0.5").
nlohmann::json short_call(const std::string& name, double duration_s = 2.0, bool two_way = false);

// Starts `argv` (argv[0] a path) with stdout and stderr appended to `log`; returns its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);
// Waits for a child; its exit code (or 128 + signal).
int wait_exit(pid_t pid);
int run(const std::vector<std::string>& argv, const std::filesystem::path& log);

// The summary.json of a sweep folder without its run-specific "timing" section.
nlohmann::json summary_without_timing(const std::filesystem::path& sweep_dir);

}  // namespace callsim::harness::testutil

namespace callsim::harness {

// A results.jsonl read by the product's reader (results::read_results_file), with each line also
// as plain JSON for assertions on the exact keys written.
struct ResultLines {
  std::vector<std::string> lines;
  std::vector<nlohmann::json> records;
};
ResultLines read_results(const std::filesystem::path& file);

}  // namespace callsim::harness
