#include "harness/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <thread>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "common/atomic_file.h"
#include "common/build_id.h"
#include "common/error.h"
#include "common/staged_dir.h"
#include "harness/sweep/encode_cache.h"
#include "harness/sweep/progress.h"
#include "harness/sweep/results_io.h"
#include "json/json_node.h"
#include "sim/random.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Bump when a change to the sweep makes earlier call folders unusable for --resume.
// 2: result.json with the metric table; 3: the scenario fingerprint (talker, trace and profile
// file contents); 4: the document without its folder (the files it names are in the scenario
// fingerprint by their bytes), so shards swept from different clones or path spellings merge.
constexpr const char* kFingerprintVersion = "callsim-sweep-4";

// What a worker keeps of a job. Not the call's record (some kB each: a sweep's memory would grow
// with its calls); write_records reads it back from the call's result.json, in job order.
struct Outcome {
  RunStatus status = RunStatus::kError;
  bool resumed = false;
  bool input_error = false, internal_error = false;  // exit code 2 / 3 (common/error.h)
  std::string error;
  double seconds = 0;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The record of a call folder written by an earlier run.
results::CallRecord read_record(const fs::path& dir) {
  const std::string file = (dir / "result.json").string();
  const json doc = read_json_file(file);
  return results::record_from_result_json(JsonNode(doc, file), dir);
}

// The record of a call folder from an earlier run that this run may keep: its job.json has this
// run's fingerprint and its result.json reads back into a record. Anything else (a folder
// damaged by a crash, a truncated file) is run again.
std::optional<results::CallRecord> kept_record(const Job& job, const fs::path& dir, const std::string& fingerprint,
                                               bool audio) {
  try {
    const json marker = read_json_file((dir / "job.json").string());
    if (!marker.is_object() || marker.value("fingerprint", std::string()) != fingerprint ||
        (audio && !marker.value("audio", false)) || marker.value("callsim_build", std::string()) != build_id())
      return std::nullopt;  // another scenario, fewer outputs, or made by another callsim build
    return job_record(job, read_record(dir));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Outcome run_one(const Job& job, const SweepOptions& o, const call::EncodeCache& cache) {
  const fs::path dir = call_dir(o.out_dir, job.id);
  const std::string fingerprint = job_fingerprint(job, o.score);
  Outcome out;
  if (o.resume) {
    if (auto kept = kept_record(job, dir, fingerprint, o.audio)) {
      out.resumed = true;
      out.status = kept->passed ? RunStatus::kPassed : RunStatus::kFailed;
      return out;
    }
  }
  const auto start = Clock::now();
  try {
    call::RunOptions run;
    run.score = o.score;
    run.encode_cache = cache;
    const call::CallResult result = call::run_call(job.scenario, run);
    call::OutputOptions output;
    output.audio = output.pcap = o.audio;
    output.replace_any = true;
    output.sync_markers_only = true;  // resume reads result.json and job.json; see sweep.h
    const json marker = {
        {"id", job.id}, {"fingerprint", fingerprint}, {"score", o.score}, {"audio", o.audio},
        {"callsim_build", build_id()}};
    // job.json inside the folder, which appears complete (and synced) or not at all.
    output.extra_files.emplace_back("job.json", json_text(marker, 2) + "\n");
    call::write_call_outputs(result, dir, output);
    out.status = result.passed ? RunStatus::kPassed : RunStatus::kFailed;
  } catch (...) {
    const std::exception_ptr error = std::current_exception();
    out.error = describe_error(error);
    out.input_error = exit_code_of(error) == kExitBadInput;
    out.internal_error = !out.input_error;
  }
  out.seconds = seconds_since(start);
  return out;
}

std::vector<Outcome> run_all(const std::vector<Job>& jobs, const SweepOptions& o, int threads,
                             const call::EncodeCache& cache, ProgressReporter* progress) {
  std::vector<Outcome> outcomes(jobs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < jobs.size(); i = next.fetch_add(1)) {
      outcomes[i] = run_one(jobs[i], o, cache);
      const Outcome& r = outcomes[i];
      if (progress) progress->call_done(jobs[i].id, r.status, r.seconds, r.resumed, r.error);
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  }  // joined here, before the outcomes are read
  return outcomes;
}

int thread_count(int requested, size_t jobs) {
  int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  n = std::max(n, 1);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(n), std::max<size_t>(jobs, 1)));
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

bool uses_plugin(const Job& job) {
  return std::any_of(job.scenario.peers.begin(), job.scenario.peers.end(), [](const auto& peer) {
    return peer.second.jitter_buffer.kind == jitter::JitterBufferKind::kPlugin;
  });
}

// The record of a job's call, read back from its result.json (the same bytes as the record made
// in memory: Sweep.ResumeKeepsCompleteCallsAndRerunsTheRest). A file that does not read back
// makes an error record rather than stopping the sweep, and decides the exit code: callsim wrote
// what it cannot read (a bug, 3), unless a jitter-buffer plugin played the call: then it is what
// the plugin reported that the host's checks let through (bad input, 2).
results::CallRecord call_record(const Job& job, const Outcome& r, const fs::path& out_dir, SweepReport& report) {
  if (r.status == RunStatus::kError) return error_record(job, r.error, r.internal_error ? "bug" : "bad_input");
  try {
    return job_record(job, read_record(call_dir(out_dir, job.id)));
  } catch (const std::exception& e) {
    const bool plugin = uses_plugin(job);
    (plugin ? report.input_error : report.internal_error) = true;
    return error_record(job,
                        std::string("cannot read back the call's result.json") +
                            (plugin ? " (played through a jitter-buffer plugin)" : "") + ": " + e.what(),
                        plugin ? "bad_input" : "bug");
  }
}

// Writes every job's record to results.jsonl in job order and adds it to the summary, one at a
// time (memory does not grow with the number of calls); counts the outcomes into `report`.
void write_records(const std::vector<Job>& jobs, const std::vector<Outcome>& outcomes,
                   const fs::path& out_dir, SweepReport& report, SummaryBuilder& summary) {
  ResultsWriter writer(out_dir);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Outcome& r = outcomes[i];
    const results::CallRecord record = call_record(jobs[i], r, out_dir, report);
    const RunStatus status = record.error.empty() ? r.status : RunStatus::kError;
    report.input_error = report.input_error || r.input_error;
    report.internal_error = report.internal_error || r.internal_error;
    (r.resumed ? report.resumed : report.ran)++;
    (status == RunStatus::kPassed   ? report.passed
     : status == RunStatus::kFailed ? report.failed
                                    : report.errors)++;
    writer.add(results::record_line(record));
    summary.add(record);
  }
  writer.commit();
}

// Removes the call folders under out_dir/calls that are not in `jobs` (left by an earlier sweep of
// another suite into the same folder: results.jsonl would not list them), then the folders that
// leaves empty. A call folder is one holding job.json or result.json; hidden entries (a running or
// killed call's temporary folder) are left to remove_stale_temporaries. A stale call folder that
// holds a current call's folder (an earlier sweep's "smoke/3g" around this one's "smoke/3g/nb12",
// when a matrix gained an axis) loses only its own files and folders: the current calls below it
// stay. Stale call folders inside a current call's folder (left there by a sweep of longer ids that
// was interrupted before this cleanup, then the current call resumed) are removed. Returns how many
// stale calls it removed.
size_t remove_stale_calls(const fs::path& out_dir, const std::vector<Job>& jobs) {
  const fs::path calls = out_dir / "calls";
  std::error_code ec;
  if (!fs::is_directory(calls, ec)) return 0;
  std::set<fs::path> current, holds_current;  // the calls' ids; the folders on the way to one
  for (const auto& job : jobs) {
    const fs::path id = fs::path(job.id).lexically_normal();
    current.insert(id);
    for (fs::path up = id.parent_path(); !up.empty(); up = up.parent_path()) holds_current.insert(up);
  }
  const auto relative = [&](const fs::path& p) { return fs::relative(p, calls).lexically_normal(); };
  std::vector<fs::path> stale, around_current, folders;
  for (auto it = fs::recursive_directory_iterator(calls, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_directory(ec) || it->path().filename().string().starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (fs::exists(it->path() / "job.json", ec) || fs::exists(it->path() / "result.json", ec)) {
      const fs::path id = relative(it->path());
      if (holds_current.count(id)) {
        around_current.push_back(it->path());  // and on into it: it may hold other stale calls too
        continue;
      }
      // A current call's folder is walked too (its direction folders, a few files each): an
      // interrupted sweep of longer ids may have left stale calls inside it, which resuming the
      // call keeps.
      if (current.count(id)) continue;
      it.disable_recursion_pending();
      stale.push_back(it->path());
    } else {
      folders.push_back(it->path());
    }
  }
  for (const auto& dir : stale) fs::remove_all(dir);
  for (const auto& dir : around_current)
    for (const auto& entry : fs::directory_iterator(dir)) {
      const fs::path id = relative(entry.path());
      if (entry.path().filename().string().starts_with(".") || current.count(id) || holds_current.count(id)) continue;
      fs::remove_all(entry.path());
    }
  // Deepest first, so a parent emptied by its children's removal goes too.
  std::sort(folders.rbegin(), folders.rend());
  for (const auto& dir : folders)
    if (fs::is_empty(dir, ec)) fs::remove(dir, ec);
  return stale.size() + around_current.size();
}

json timing_json(const SweepReport& r, bool cache_enabled) {
  return {
      {"wall_s", round2(r.wall_s)},
      {"threads", r.threads},
      {"calls_run", r.ran},
      {"calls_resumed", r.resumed},
      {"encode_cache", {{"enabled", cache_enabled}, {"hits", r.encode_hits}, {"misses", r.encode_misses}}}};
}

}  // namespace

namespace {

std::string hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string job_fingerprint(const Job& job, bool score) {
  std::string text = std::string(kFingerprintVersion) + ";doc=" + std::to_string(job.document_hash) +
                     ";files=" + job.scenario.fingerprint + ";score=" + (score ? "1" : "0");
  // A jitter-buffer plugin's build (the bytes of its library, read with the scenario): a rebuilt
  // plugin reruns its calls. Calls without a plugin keep the fingerprint they had before.
  for (const auto& [name, peer] : job.scenario.peers)
    if (peer.jitter_buffer.kind == jitter::JitterBufferKind::kPlugin)
      text += ";plugin:" + name + "=" + peer.jitter_buffer.plugin_fingerprint;
  return hex(sim::stable_hash(text));
}

std::string job_list_fingerprint(const std::vector<Job>& jobs, bool score) {
  // The build too: shards of one sweep ran the same callsim (a call resumed from another build's
  // folder runs again for the same reason), now that clones in other folders may merge.
  std::string text = std::string(kFingerprintVersion) + ";build=" + build_id();
  for (const auto& job : jobs) text += ";" + job.id + "=" + job_fingerprint(job, score);
  return hex(sim::stable_hash(text));
}

SweepReport run_sweep(std::vector<Job> jobs, const SweepOptions& o) {
  const auto start = Clock::now();
  SweepReport report;
  report.jobs_total = jobs.size();
  const std::string jobs_fingerprint = job_list_fingerprint(jobs, o.score);
  if (o.shard) jobs = select_shard(std::move(jobs), *o.shard);
  report.calls = jobs.size();
  report.threads = thread_count(o.threads, jobs.size());
  refuse_if_locked(o.out_dir);
  check_sweep_target(o.out_dir);
  create_folder(o.out_dir);
  const OutputLock lock(o.out_dir);  // until summary.json is written: one callsim writes a folder at a time
  forget_results_index(o.out_dir);

  EncodeOnceCache cache;
  std::optional<ProgressReporter> progress;
  if (o.progress)
    progress.emplace(*o.progress, o.progress_tty, jobs.size(), [start] { return seconds_since(start); });
  const std::vector<Outcome> outcomes =
      run_all(jobs, o, report.threads, o.encode_cache ? cache.hook() : call::EncodeCache(),
              progress ? &*progress : nullptr);
  if (progress) progress->finish();

  SummaryBuilder builder;
  write_records(jobs, outcomes, o.out_dir, report, builder);
  report.stale_removed = remove_stale_calls(o.out_dir, jobs);

  report.encode_hits = cache.hits();
  report.encode_misses = cache.misses();
  report.wall_s = seconds_since(start);
  json summary = builder.finish();
  summary["timing"] = timing_json(report, o.encode_cache);
  if (o.shard) {
    json job_ids = json::array();  // this shard's share, in job order: merge names a job no shard holds
    for (const auto& job : jobs) job_ids.push_back(job.id);
    summary["shard"] = {{"index", o.shard->index},
                        {"count", o.shard->count},
                        {"jobs_total", report.jobs_total},
                        {"jobs_fingerprint", jobs_fingerprint},
                        {"job_ids", job_ids}};
  }
  write_summary(o.out_dir, summary);
  return report;
}

}  // namespace callsim::harness
