// Runs a sweep: the jobs (optionally one shard of them) on N worker threads, each call written to
// DIR/calls/<id>/ by the worker that ran it; then DIR/results.jsonl (job order) and
// DIR/summary.json. Calls are independent and seeded only by their scenario, so the files are
// byte-identical whatever the thread count (wall times go only to summary.json's "timing").
// Resume: a call whose folder holds a job.json with the same fingerprint (scenario document,
// scoring on/off) and a result.json that reads back is not run again; anything else (a folder
// damaged by a crash) is run again. A call folder appears complete or not at all (written aside,
// then renamed into place, common/staged_dir.h); result.json and job.json, what resume reads, are
// fsynced before the rename, so they survive a power cut (the WAV/CSV files of the last calls
// before one may not: `--no-resume` reruns everything). results.jsonl and summary.json are written
// at the end, one record at a time, each read back from its call's result.json (memory does not
// grow with the number of calls).
// The output folder must be new, empty or a sweep's output (check_sweep_target: only what a sweep
// writes, as callsim writes it); anything else is refused (InputError) before anything runs, and so
// is a folder another callsim is writing (OutputLock, held until summary.json is written). When the
// sweep is done, call folders under calls/ that are not in its job list (an earlier sweep of another
// suite, or of another shard, into the same folder) are removed — of one that holds this sweep's
// calls, only its own files — so the folder holds exactly the calls results.jsonl lists.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

#include "harness/sweep/results_io.h"
#include "harness/sweep/shard.h"
#include "harness/sweep/suite.h"

namespace callsim::harness {

struct SweepOptions {
  std::filesystem::path out_dir = "callsim-out/sweep";
  int threads = 0;                   // 0: std::thread::hardware_concurrency()
  bool score = true;                 // P.862 scoring
  bool audio = true;                 // WAV and pcap files per call (CSV always)
  bool resume = true;                // skip calls already complete in out_dir
  bool encode_cache = true;          // encode each distinct talk stream once per sweep
  std::optional<ShardSpec> shard;    // run only this shard of the jobs
  std::ostream* progress = nullptr;  // progress lines; nullptr: silent
  bool progress_tty = false;         // draw a single redrawn line instead of one line per call
};

struct SweepReport {
  size_t jobs_total = 0;  // before sharding
  size_t calls = 0, passed = 0, failed = 0, errors = 0;
  size_t ran = 0, resumed = 0;
  size_t stale_removed = 0;     // call folders of an earlier sweep into the folder, not in this job list
  bool input_error = false;     // a call hit bad input or an unusable output path (exit code 2)
  bool internal_error = false;  // a call hit a bug in callsim (exit code 3)
  uint64_t encode_hits = 0, encode_misses = 0;
  double wall_s = 0;
  int threads = 0;

  // 0 every call passed, 1 some failed, 2 a call hit bad input or an unusable output path, 3 a
  // call hit a bug (the most severe wins).
  int exit_code() const { return sweep_exit_code(internal_error, input_error, failed, errors); }
};

SweepReport run_sweep(std::vector<Job> jobs, const SweepOptions& options);

// The resume fingerprint of a job under these options (hex).
std::string job_fingerprint(const Job& job, bool score);
// The fingerprint of a whole (unsharded) job list: every id with its job fingerprint, in order,
// and the callsim build (hex). A shard records it in summary.json ("shard": {"jobs_fingerprint"}); merge refuses shards
// whose fingerprints differ (shards of different sweeps).
std::string job_list_fingerprint(const std::vector<Job>& jobs, bool score);

}  // namespace callsim::harness
