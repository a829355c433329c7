// Costs of the CI gate and the nightly report: run_check + table and JUnit XML for many calls
// (pure CPU), and write_report per call, where the gnuplot child processes dominate; compared
// with one bare gnuplot start so the ratio shows how much of a report is process start-up.
// Run: <build>/tests/harness/report_bench
#include <benchmark/benchmark.h>

#include "../check_test_util.h"
#include "harness/check/baseline.h"
#include "harness/check/check.h"
#include "harness/check/junit.h"
#include "harness/report/plot.h"
#include "harness/report/report.h"

namespace callsim::harness {
namespace {

std::vector<CallRecord> many_calls(int n, double mos_shift) {
  std::vector<CallRecord> calls;
  for (int i = 0; i < n; ++i) {
    auto m = checkutil::good_metrics();
    m["mos_lqo_wb"] += mos_shift * (i % 3 == 0);  // a third of the calls move
    calls.push_back(checkutil::make_call("sweep/net" + std::to_string(i % 10) + "/c" + std::to_string(i), m));
  }
  return calls;
}

void BM_CheckAndTable(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Baseline base = update_baseline(nullptr, many_calls(n, 0), false, nullptr);
  const auto calls = many_calls(n, -0.2);
  for (auto _ : state) {
    const CheckReport r = run_check(calls, &base, {});
    benchmark::DoNotOptimize(format_check_table(r, false));
  }
  state.counters["calls/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CheckAndTable)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_JunitXml(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Baseline base = update_baseline(nullptr, many_calls(n, 0), false, nullptr);
  const auto calls = many_calls(n, -0.2);
  const CheckReport r = run_check(calls, &base, {});
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string xml = junit_xml(r);
    bytes = xml.size();
    benchmark::DoNotOptimize(xml.data());
  }
  state.counters["calls/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_JunitXml)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// One gnuplot process on a one-plot script: the floor of every per-call plot script.
void BM_GnuplotStart(benchmark::State& state) {
  checkutil::ScratchDir dir("bench-gnuplot");
  checkutil::write_file(dir.path() / "one.gp", "set terminal svg\nset output 'one.svg'\nplot x\n");
  for (auto _ : state) benchmark::DoNotOptimize(run_gnuplot("gnuplot", dir.path(), "one.gp"));
}
BENCHMARK(BM_GnuplotStart)->Unit(benchmark::kMillisecond);

// A whole report of a 4-call, two-direction sweep (8 plots per call, audio copied).
void BM_ReportFourCalls(benchmark::State& state) {
  checkutil::ScratchDir dir("bench-report");
  checkutil::write_sweep(dir.path() / "sweep", {{"f/r1/plain", "plain", 0.01, 4.1, 150},
                                                {"f/r5/plain", "plain", 0.05, 3.4, 160},
                                                {"f/r1/fec", "fec", 0.01, 4.2, 170},
                                                {"f/r5/fec", "fec", 0.05, 3.9, 175}});
  ReportOptions o;
  o.output = dir.path() / "report";
  for (auto _ : state) benchmark::DoNotOptimize(write_report({dir.path() / "sweep"}, o).plots);
  state.counters["calls/s"] = benchmark::Counter(4.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReportFourCalls)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callsim::harness

BENCHMARK_MAIN();
