// The files of a sweep folder:
//   results.jsonl   one results::CallRecord per call (results/call_record.h: the one writer and
//                   reader), in job order, keys sorted, no wall times; a call that could not run
//                   has "error" instead of expectations / metrics / dir
//   summary.json    counts, failed ids, and per scenario (per direction) and per matrix axis entry
//                   (over every direction the axis changed: all of them unless the matrix's
//                   apply_to left some as the base has them; record param_directions) the means of the non-count metrics ("means") and the
//                   sums of the count metrics ("totals"); each metric is aggregated only with
//                   itself, so R of different scales (emodel_r_nb / _wb / _swb) never mix. A mean
//                   is over the directions that measured the metric: "measured" gives that number
//                   per metric, "directions" the directions of the group (a dead direction has no
//                   MOS, so its group's MOS mean is over fewer directions than the group has). The
//                   run-specific parts (wall times, threads, cache counters) only under "timing",
//                   and "shard" for a shard's folder
//   calls/<id>/     result.json (+ audio, CSV, pcap) and job.json, written last (resume marker)
// Each call's record is read back from its result.json (whether the call ran now or was resumed),
// so results.jsonl depends only on the calls, not on thread count, completion order or which run
// produced a call, and the sweep does not keep every record in memory.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/output_lock.h"
#include "harness/sweep/suite.h"
#include "results/call_record.h"

namespace callsim::harness {

// The sweep's record of a job's call: `record` (from call::make_record, or read from result.json)
// with the job's id, file, params and folder.
results::CallRecord job_record(const Job& job, results::CallRecord record);
// The record of a job that could not run.
results::CallRecord error_record(const Job& job, const std::string& message, const std::string& kind);

// The exit code of a sweep or merge (common/error.h): 3 when a call hit a bug in callsim, else 2
// when a call hit bad input (or an unusable output path, or a plugin's report), else 1 when a call
// failed or did not run, else 0. SweepReport and MergeReport both answer with it.
int sweep_exit_code(bool internal_error, bool input_error, size_t failed, size_t errors);

// Writes the lines atomically to dir/results.jsonl.
void write_results(const std::filesystem::path& dir, const std::vector<std::string>& lines);

// summary.json without "timing".
nlohmann::json summarize_records(const std::vector<results::CallRecord>& records);
// The same, one record at a time: the summary's memory grows with the scenarios and axis entries,
// not with the calls.
class SummaryBuilder {
 public:
  SummaryBuilder();
  ~SummaryBuilder();
  void add(const results::CallRecord& record);
  nlohmann::json finish() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// results.jsonl written line by line into a temporary file, renamed into place by commit().
class ResultsWriter {
 public:
  explicit ResultsWriter(const std::filesystem::path& dir);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  void add(const std::string& line);
  void commit();

 private:
  AtomicOutput out_;
  std::FILE* file_;
};
void write_summary(const std::filesystem::path& dir, const nlohmann::json& summary);

// Refuses (InputError naming it) an output folder a sweep or merge must not write into: one that
// exists and is not a folder, or holds something other than a sweep's output. A sweep output is
// an empty folder, or one holding results.jsonl, summary.json and calls/ (any of them: a sweep
// interrupted before it wrote results.jsonl has only calls/), each as callsim writes it (records
// callsim's reader reads; calls/ holding only call folders whose job.json names their id, or, without
// one, whose result.json callsim wrote), a junit.xml and hidden temporaries, and nothing else.
void check_sweep_target(const std::filesystem::path& dir);

// Before a sweep runs a call into `dir`: removes an earlier sweep's results.jsonl and summary.json
// (making calls/ first, so the folder stays a sweep output). They are written again when every call
// is done; until then a folder interrupted mid-sweep holds no results that `check` or `report`
// would read as this sweep's (the earlier figures beside the new calls' folders). InputError when
// one cannot be removed.
void forget_results_index(const std::filesystem::path& dir);

// The folder of a call inside a sweep folder.
std::filesystem::path call_dir(const std::filesystem::path& sweep_dir, const std::string& id);

}  // namespace callsim::harness
