// What checking P.862's alignment against the simulator's delays costs `run` (src/scoring,
// "P.862's alignment, checked against the true delays"): scoring every direction of the CI smoke
// matrix's six calls and the default call as `run` does (one P.862 per window, up to three more
// where the alignment is off) against one P.862 per window at the same hints, timed in the same
// iteration so machine noise hits both alike.
//   counter check_over_plain = Σ scoring time with the check / Σ one P.862 per window
//   counter p862_runs_per_window = P.862 runs / windows scored, with the check
// Run: <build>/tests/bench/scoring_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "call/call_runner.h"
#include "call/call_scoring.h"
#include "harness/sweep/suite.h"
#include "scenario/scenario.h"
#include "scoring/audio_stream.h"
#include "scoring/scorer.h"

namespace {

using namespace callsim;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Unscored {
  call::DirectionResult direction;
  scenario::ScoringConfig config;
};

std::vector<Unscored> unscored_directions() {
  std::vector<scenario::Scenario> calls;
  for (const harness::Job& j : harness::expand_suites({std::string(CALLSIM_SOURCE_DIR) + "/scenarios/matrices/smoke.json"}))
    calls.push_back(j.scenario);
  calls.push_back(scenario::default_scenario());
  std::vector<Unscored> out;
  call::RunOptions no_score;
  no_score.score = false;
  for (const scenario::Scenario& s : calls)
    for (call::DirectionResult& d : call::run_call(s, no_score).directions) out.push_back({std::move(d), s.scoring});
  return out;
}

// One P.862 per window at the simulator's own hints: the scoring without the check.
void score_plain(const call::DirectionResult& checked) {
  const auto ref = scoring::memory_stream(scoring::quantize16(checked.reference), "ref");
  const auto deg = scoring::memory_stream(scoring::quantize16(checked.degraded), "deg");
  const scoring::PairLevels levels = scoring::measure(*ref, *deg);
  for (const auto* rep : {&checked.pesq_nb, &checked.pesq_wb}) {
    if (!rep->has_value()) continue;
    std::vector<scoring::WindowSpec> windows = (*rep)->plan();
    for (size_t i = 0; i < windows.size(); ++i)
      if ((*rep)->windows[i].simulator_delay) windows[i].delay = (*rep)->windows[i].simulator_delay;
    scoring::ScoreOptions o;
    o.rate_hz = (*rep)->rate_hz;
    o.mode = (*rep)->mode;
    o.windowing = scoring::Windowing::kExplicit;
    o.windows = windows;
    o.margin_s = 0.0;
    benchmark::DoNotOptimize(scoring::score_windows(*ref, *deg, levels, windows, o));
  }
}

void BM_AlignmentCheckVsOneP862PerWindow(benchmark::State& state) {
  const std::vector<Unscored> directions = unscored_directions();
  double check_s = 0, plain_s = 0;
  long runs = 0, windows = 0;
  for (auto _ : state) {
    std::vector<call::DirectionResult> scored;
    auto t0 = std::chrono::steady_clock::now();
    for (const Unscored& u : directions) {
      call::DirectionResult d = u.direction;
      call::score_direction(d, u.config);
      scored.push_back(std::move(d));
    }
    check_s += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    for (const call::DirectionResult& d : scored) score_plain(d);
    plain_s += seconds_since(t0);
    for (const call::DirectionResult& d : scored)
      for (const auto* rep : {&d.pesq_nb, &d.pesq_wb})
        if (rep->has_value())
          for (const scoring::WindowScore& w : (*rep)->windows)
            if (w.alignment) runs += w.alignment->tries, ++windows;
  }
  state.counters["check_s"] = check_s / static_cast<double>(state.iterations());
  state.counters["plain_s"] = plain_s / static_cast<double>(state.iterations());
  state.counters["check_over_plain"] = check_s / plain_s;
  state.counters["p862_runs_per_window"] = windows ? static_cast<double>(runs) / static_cast<double>(windows) : 0.0;
}
BENCHMARK(BM_AlignmentCheckVsOneP862PerWindow)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
