// Speed of the P.56 speech voltmeter and of decoding an embedded talker. The "x_realtime" counter
// is seconds of audio processed per second of wall time.
#include <benchmark/benchmark.h>

#include "audio/level.h"
#include "audio/resample.h"
#include "audio/talkers.h"

namespace {

using callsim::audio::Signal;

void report(benchmark::State& state, const Signal& s) {
  state.counters["x_realtime"] = benchmark::Counter(
      s.duration_seconds() * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SpeechLevel(benchmark::State& state) {
  const Signal s = callsim::audio::resample(callsim::audio::load_builtin_talker("en_male"),
                                            static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(callsim::audio::measure_speech_level(s));
  report(state, s);
}
BENCHMARK(BM_SpeechLevel)->Arg(8000)->Arg(16000)->Arg(48000)->Unit(benchmark::kMillisecond);

void BM_DecodeTalker(benchmark::State& state) {
  Signal s;
  for (auto _ : state) {
    s = callsim::audio::load_builtin_talker("en_male");
    benchmark::DoNotOptimize(s.samples.data());
  }
  report(state, s);
}
BENCHMARK(BM_DecodeTalker)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
