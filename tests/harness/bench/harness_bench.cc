// Sweep throughput (one iteration each; wall time, seconds):
//   BM_Sweep40/threads:N         40 calls (4 networks × 10 seeds, 4 s two-way calls, P.862 on)
//                                with N worker threads. Target: threads:2 ≥ 1.8× faster than 1.
//   BM_Sweep20Conditions/cache:C 20 network conditions × one codec setting (4 s two-way calls,
//                                --no-score), encode-once cache off/on. Target: on ≥ 3× faster.
// Run: <build>/tests/harness/harness_bench   (ratios: divide the times of one run; process_cpu_s
// is the CPU time of all threads, for comparing on a busy machine)
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>

#include "harness/sweep/suite.h"
#include "harness/sweep/sweep.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

json bench_call(bool score) {
  json base = testutil::short_call("bench", 4.0, true);
  for (auto& [name, peer] : base["peers"].items())
    peer["codec"] = {{"sample_rate_hz", 48000}, {"bitrate_kbps", 24}};
  base["scoring"] = {{"pesq", score}};
  return base;
}

std::vector<Job> forty_calls(const testutil::TempDir& dir) {
  const json m = {{"matrix", "forty"},
                  {"base", bench_call(true)},
                  {"axes",
                   {{"network", {"good_wifi", "3g", "congested_wifi", "satellite"}},
                    {"seed", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}}}};
  testutil::write_json(dir / "forty.json", m);
  return expand_suites({(dir / "forty.json").string()});
}

std::vector<Job> twenty_conditions(const testutil::TempDir& dir) {
  json network = json::object();
  for (double loss : {0.0, 0.01, 0.03, 0.06, 0.1})
    for (int delay : {20, 60, 120, 250}) {
      char name[32];
      std::snprintf(name, sizeof name, "loss%g_d%d", loss * 100, delay);
      network[name] = {{"delay", {{"base_ms", delay}, {"jitter_ms", delay / 5}, {"distribution", "normal"}}},
                       {"loss", {{"model", "bernoulli"}, {"p", loss}}}};
    }
  const json m = {{"matrix", "twenty"}, {"base", bench_call(false)}, {"axes", {{"network", network}}}};
  testutil::write_json(dir / "twenty.json", m);
  return expand_suites({(dir / "twenty.json").string()});
}

// CPU seconds used by the whole process so far (every thread): less sensitive than wall time to
// other work on the machine.
double process_cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

void run_bench(benchmark::State& state, const std::vector<Job>& jobs, SweepOptions o,
               const testutil::TempDir& dir) {
  o.audio = false;
  o.resume = false;
  // Untimed warm-up: one-time costs (talker decoding, FFTW plans, page faults) are not the sweep's.
  SweepOptions warm = o;
  warm.out_dir = dir / "warmup";
  warm.encode_cache = false;
  run_sweep({jobs.front()}, warm);
  int round = 0;
  double cpu_s = 0;
  for (auto _ : state) {
    o.out_dir = dir / ("out" + std::to_string(round++));
    const double cpu_start = process_cpu_s();
    const SweepReport r = run_sweep(jobs, o);
    cpu_s += process_cpu_s() - cpu_start;
    if (r.errors > 0) state.SkipWithError("a call failed to run");
    state.counters["calls"] = static_cast<double>(r.calls);
    state.counters["encodings"] = static_cast<double>(r.encode_misses);
  }
  state.counters["process_cpu_s"] = cpu_s / static_cast<double>(state.iterations());
  state.counters["calls_per_s"] =
      benchmark::Counter(static_cast<double>(jobs.size()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_Sweep40(benchmark::State& state) {
  testutil::TempDir dir;
  SweepOptions o;
  o.threads = static_cast<int>(state.range(0));
  run_bench(state, forty_calls(dir), o, dir);
}
BENCHMARK(BM_Sweep40)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

void BM_Sweep20Conditions(benchmark::State& state) {
  testutil::TempDir dir;
  SweepOptions o;
  o.threads = 1;
  o.score = false;
  o.encode_cache = state.range(0) != 0;
  run_bench(state, twenty_conditions(dir), o, dir);
}
BENCHMARK(BM_Sweep20Conditions)
    ->ArgName("cache")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace callsim::harness

BENCHMARK_MAIN();
