// Pipeline overhead: a full 60 s one-way call at 48 kHz (Opus complexity 9, adaptive jitter
// buffer, a jittery lossy link, no scoring, no files) against encoding and decoding the same
// audio alone, timed in the same iteration so machine noise hits both alike.
//   counter pipeline_over_codec = Σ call time / Σ codec-only time   (target ≤ 1.25)
// Run: <build>/tests/bench/pipeline_bench
#include <benchmark/benchmark.h>

#include <chrono>

#include "codec/round_trip.h"
#include "common/embedded.h"
#include "peer/talk_schedule.h"
#include "call/call_runner.h"
#include "json/json_node.h"
#include "scenario/scenario.h"

namespace {

using namespace callsim;

constexpr const char* kScenario = R"({
  "name": "pipeline_bench", "duration_s": 60, "seed": 3,
  "peers": {
    "alice": {"talker": "en_female", "codec": {"sample_rate_hz": 48000, "bitrate_kbps": 32, "complexity": 9}},
    "bob": {"jitter_buffer": {"type": "adaptive"}}
  },
  "links": {"alice->bob": {"delay": {"base_ms": 40, "jitter_ms": 10, "distribution": "normal"},
                           "loss": {"model": "bernoulli", "p": 0.02}}},
  "scoring": {"pesq": false}
})";

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_PipelineVsCodec(benchmark::State& state) {
  const scenario::Scenario s =
      scenario::parse_scenario(parse_json_text(kScenario, "pipeline_bench"), "pipeline_bench", "");
  call::RunOptions options;
  options.score = false;
  // The same audio the call sends, for the codec-only denominator.
  const call::CallResult probe = call::run_call(s, options);
  const audio::Signal& talk = probe.directions.at(0).reference;
  const codec::EncoderConfig codec = s.peers.at("alice").codec;

  double call_s = 0, codec_s = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(codec::codec_only_round_trip(codec, talk.samples));
    codec_s += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(call::run_call(s, options));
    call_s += seconds_since(t0);
  }
  state.counters["codec_s"] = codec_s / static_cast<double>(state.iterations());
  state.counters["call_s"] = call_s / static_cast<double>(state.iterations());
  state.counters["pipeline_over_codec"] = call_s / codec_s;
}
BENCHMARK(BM_PipelineVsCodec)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
