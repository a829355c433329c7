// Suites: what `callsim sweep SUITE...` runs. Each argument — a scenario file, a folder (every
// scenario JSON below it), a glob, or a matrix file (see matrix.h) — expands into call jobs with
// stable ids; the union is sorted by id in natural order (digit runs compare as numbers, so s2 <
// s10) and checked for duplicates before anything runs. Every scenario is parsed and validated
// during expansion, so a bad file stops the sweep with an InputError (exit code 2) up front.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace callsim::harness {

// One call of a sweep.
struct Job {
  std::string id;    // "<scenario name>" or "<matrix>/<entry>/.../s<seed>"; also its folder calls/<id>
  std::string file;  // the scenario or matrix file it came from, as found on the command line
  nlohmann::json params = nlohmann::json::object();  // matrix axis → entry name (seed: the number)
  // The directions an axis changed, for axes that left some direction as the base has it
  // (results::CallRecord::param_directions).
  std::map<std::string, std::vector<std::string>> param_directions;
  uint64_t document_hash = 0;   // FNV-1a of the complete scenario document (not its folder)
  scenario::Scenario scenario;  // parsed and validated
};

// The most calls one sweep expands to unless raised (`callsim sweep --max-calls`): counted
// before any is built, so a matrix of 10^7 combinations is refused at once.
constexpr size_t kDefaultMaxCalls = 100000;

// Expands suite arguments into jobs sorted by id. Throws InputError on an unreadable or invalid
// file, a glob matching nothing, two different jobs with the same id, or more than `max_calls`
// jobs.
// The input notes (scenario::input_notes) of the jobs' scenarios, each distinct one once, naming
// the call or how many calls and the first: "m/n/s1: s.json: /peers/alice/talker: ..." or
// "3 calls (the first m/n/s1): ...". What validate and sweep print on stderr.
std::vector<std::string> job_notes(const std::vector<Job>& jobs);

std::vector<Job> expand_suites(const std::vector<std::string>& suites, size_t max_calls = kDefaultMaxCalls);

// Builds a job from an already-read scenario document (also used by the matrix expansion).
// `file` names it in errors and in the results; `base_dir` resolves its relative paths.
Job make_job(std::string id, const std::string& file, const nlohmann::json& document,
             const std::string& base_dir);

// Natural order: like `<` on bytes, except that runs of digits compare by numeric value.
bool natural_less(std::string_view a, std::string_view b);

// Sorts by id (natural order) and rejects duplicates and ids that are a folder prefix of another.
void sort_and_check_ids(std::vector<Job>& jobs);

// An id is one or more '/'-separated parts of 1 to kMaxIdPartLength letters, digits, '_', '.',
// '-' (not "." or ".."): each part is a folder name.
constexpr size_t kMaxIdPartLength = 100;
bool valid_id_part(std::string_view part);
// A whole id: each of its '/'-separated parts valid_id_part.
bool valid_job_id(std::string_view id);
// For messages: the first 40 characters of `s`, with "..." when cut.
std::string excerpt(std::string_view s);

}  // namespace callsim::harness
