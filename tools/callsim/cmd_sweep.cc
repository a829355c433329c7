// `callsim sweep SUITE...`: many calls in parallel into one results folder (src/harness/README.md).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_numbers.h"
#include "commands.h"
#include "harness/sweep/progress.h"
#include "harness/sweep/shard.h"
#include "harness/sweep/suite.h"
#include "harness/sweep/sweep.h"

namespace callsim::cli {
namespace {

struct SweepArgs {
  std::vector<std::string> suites;
  int jobs = 0;
  std::string out = "callsim-out/sweep";
  std::string shard;
  size_t max_calls = harness::kDefaultMaxCalls;
  bool no_audio = false, no_score = false, resume = true, no_encode_cache = false, list = false,
       quiet = false;
};

int list_jobs(const std::vector<harness::Job>& jobs, const std::optional<harness::ShardSpec>& shard) {
  for (size_t i = 0; i < jobs.size(); ++i)
    if (!shard || shard->selects(i)) std::cout << jobs[i].id << '\n';
  return 0;
}

void print_report(const harness::SweepReport& r, const std::string& out) {
  std::cerr << "sweep: " << r.calls << " calls";
  if (r.calls != r.jobs_total) std::cerr << " of " << r.jobs_total;
  std::cerr << " (" << r.ran << " run, " << r.resumed << " resumed, " << r.threads
            << " threads): " << r.passed << " passed, " << r.failed << " failed, " << r.errors
            << " errors in " << harness::ProgressReporter::format_duration(r.wall_s) << "; encodings "
            << r.encode_misses << " (reused " << r.encode_hits << ")\n"
            << "results: " << out << "/results.jsonl\n";
  if (r.stale_removed > 0)
    std::cerr << "removed " << r.stale_removed << " call folder" << (r.stale_removed == 1 ? "" : "s")
              << " under " << out << "/calls of an earlier sweep, not in this one's job list\n";
}

}  // namespace

Command add_sweep(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "sweep",
      "Run many calls in parallel: scenario files, folders, globs and matrix files; resumable and shardable");
  auto a = std::make_shared<SweepArgs>();
  sub->add_option("suites", a->suites, "Scenario files, folders (every scenario below), globs, matrix files")
      ->required();
  sub->add_option("-j,--jobs", a->jobs, "Worker threads (default: all cores)")->transform(Integer(0, 256));
  sub->add_option("-o,--out", a->out, "Output folder (default: callsim-out/sweep)")->transform(OutputPath());
  sub->add_option("--shard", a->shard,
                  "Run only shard K of N (\"K/N\", 1-based): the jobs with index % N == K-1");
  sub->add_flag("--no-audio", a->no_audio, "Do not write WAV and pcap files");
  sub->add_flag("--no-score", a->no_score, "Skip P.862 scoring (E-model and statistics only)");
  sub->add_flag("--resume,!--no-resume", a->resume,
                "Keep calls already complete in the output folder (default on)");
  sub->add_flag("--no-encode-cache", a->no_encode_cache,
                "Encode every call's audio, even when another call already did");
  sub->add_option("--max-calls", a->max_calls,
                  "Refuse suites that expand to more calls than this (counted before any runs)")
      ->transform(Integer(1, 100000000))
      ->capture_default_str();
  sub->add_flag("--list", a->list, "Print the job ids (of the shard) and exit");
  sub->add_flag("-q,--quiet", a->quiet, "No progress output");
  return {sub, [a] {
            std::optional<harness::ShardSpec> shard;
            if (!a->shard.empty()) shard = harness::parse_shard(a->shard);
            std::vector<harness::Job> jobs = harness::expand_suites(a->suites, a->max_calls);
            if (a->list) return list_jobs(jobs, shard);
            // What the calls will do about their inputs (a silent talker, a stereo one mixed down,
            // an expectation never measured), as validate and run say it: before any call runs.
            if (!a->quiet)
              for (const auto& note : harness::job_notes(shard ? harness::select_shard(jobs, *shard) : jobs))
                std::cerr << "note: " << note << '\n';
            harness::SweepOptions o;
            o.out_dir = a->out;
            o.threads = a->jobs;
            o.score = !a->no_score;
            o.audio = !a->no_audio;
            o.resume = a->resume;
            o.encode_cache = !a->no_encode_cache;
            o.shard = shard;
            o.progress = a->quiet ? nullptr : &std::cerr;
            o.progress_tty = ::isatty(::fileno(stderr)) != 0;
            const harness::SweepReport report = harness::run_sweep(std::move(jobs), o);
            if (!a->quiet) print_report(report, a->out);
            return report.exit_code();
          }};
}

}  // namespace callsim::cli
