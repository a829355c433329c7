// Merging sweep folders: the shards of one sweep (`callsim sweep --shard K/N`), or any sweeps with
// disjoint call ids, into one folder holding exactly what a single run would have written:
// results.jsonl with the same bytes (records re-ordered by id, natural order), calls/<id>/ copied
// (hard links where the file system allows), summary.json recomputed from the records. Shards are
// checked for completeness: all N present once each, and together holding every job; every input
// must be a finished sweep (its summary.json, written last, present and counting its records). The
// output is written beside the target and replaces it whole (an earlier sweep's folder, never one
// holding an input or anything that is not a sweep's output: only what a sweep writes, as callsim
// writes it; nor one another callsim is writing).
#pragma once

#include <filesystem>
#include <vector>

namespace callsim::harness {

struct MergeReport {
  size_t calls = 0, passed = 0, failed = 0, errors = 0;
  int exit_code() const { return failed + errors > 0 ? 1 : 0; }
};

// Throws InputError when an input is not a sweep folder, shards are missing or duplicated, or two
// inputs hold different records under one id.
MergeReport merge_sweeps(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace callsim::harness
