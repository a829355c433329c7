// Time to score one ~10 s pair: P.862 at 8 and 16 kHz and P.862.2 at 16 kHz, on the built-in
// talker with additive noise and a delay (alignment, splitting and the model all run).
#include <benchmark/benchmark.h>

#include "../pesq_test_util.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

void score(benchmark::State& state, int rate, PesqMode mode) {
  const audio::Signal ref = test::talker("en_female", rate);
  const audio::Signal deg = test::with_noise(test::delayed(ref, rate / 20), 20.0, 1);
  for (auto _ : state) benchmark::DoNotOptimize(pesq(ref, deg, mode).raw);
  state.counters["audio_s"] = ref.duration_seconds();
}

void BM_PesqNarrowband8k(benchmark::State& s) { score(s, 8000, PesqMode::kNarrowband); }
void BM_PesqNarrowband16k(benchmark::State& s) { score(s, 16000, PesqMode::kNarrowband); }
void BM_PesqWideband16k(benchmark::State& s) { score(s, 16000, PesqMode::kWideband); }
BENCHMARK(BM_PesqNarrowband8k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PesqNarrowband16k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PesqWideband16k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callsim::quality

BENCHMARK_MAIN();
