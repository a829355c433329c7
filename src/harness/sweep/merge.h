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

#include "harness/sweep/results_io.h"

namespace callsim::harness {

struct MergeReport {
  size_t calls = 0, passed = 0, failed = 0, errors = 0;
  // From the error records' error_kind, so that a merge exits as the unsharded sweep would: "bug"
  // sets internal_error; "bad_input", or no kind (a record of an older callsim), input_error.
  bool input_error = false, internal_error = false;
  int exit_code() const { return sweep_exit_code(internal_error, input_error, failed, errors); }
};

// Throws InputError when an input is not a sweep folder, shards are missing or duplicated, or two
// inputs hold different records under one id (two byte-identical records of one call, from two
// sweeps that both ran it, are one call: kept once), or a record is not a sweep call's (an id that is
// no job id, a folder other than calls/<id>).
MergeReport merge_sweeps(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace callsim::harness
