// Jitter-buffer throughput: the time stretcher alone, and each buffer playing 10 s of a jittery
// fake-codec stream at 48 kHz (decoding is a memcpy, so this is the buffer's own cost). Items are
// 10 ms frames; items/s divided by 100 is the real-time factor.
#include <benchmark/benchmark.h>

#include "jitter/adaptive_jitter_buffer.h"
#include "jitter/fixed_jitter_buffer.h"
#include "jitter/speex_jitter_buffer.h"
#include "jitter/time_stretcher.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 48000;

void BM_FindPitch(benchmark::State& state) {
  const TimeStretcher ts(kRate);
  const auto x = harmonic_signal(kRate, 0.03, 170.0);
  for (auto _ : state) benchmark::DoNotOptimize(ts.find_pitch(x));
}
BENCHMARK(BM_FindPitch);

void BM_Accelerate(benchmark::State& state) {
  const TimeStretcher ts(kRate);
  const auto x = harmonic_signal(kRate, 0.03, 170.0);
  for (auto _ : state) benchmark::DoNotOptimize(ts.accelerate(x, 0.0, false));
}
BENCHMARK(BM_Accelerate);

const std::vector<ReceivedPacket>& arrivals() {
  static const std::vector<ReceivedPacket> a = [] {
    const auto sent = make_stream(harmonic_signal(kRate, 10.0), kRate, {});
    return deliver(sent, normal_delay(60, 20, 1, 0.02));
  }();
  return a;
}

template <typename Make>
void play(benchmark::State& state, Make make) {
  for (auto _ : state) {
    auto jb = make();
    benchmark::DoNotOptimize(run(*jb, arrivals(), sim::Duration::seconds(10)).frames.size());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

void BM_PlayAdaptive(benchmark::State& state) {
  play(state, [] {
    AdaptiveDependencies deps = make_adaptive_dependencies({}, kRate);
    deps.fec_probe = fake_has_fec;
    return std::make_unique<AdaptiveJitterBuffer>(
        AdaptiveJitterConfig{}, std::make_unique<FakeDecoder>(kRate), kRate, std::move(deps));
  });
}
BENCHMARK(BM_PlayAdaptive)->Unit(benchmark::kMillisecond);

void BM_PlayFixed(benchmark::State& state) {
  play(state, [] {
    return std::make_unique<FixedJitterBuffer>(FixedJitterConfig{}, std::make_unique<FakeDecoder>(kRate),
                                               kRate, fake_has_fec);
  });
}
BENCHMARK(BM_PlayFixed)->Unit(benchmark::kMillisecond);

void BM_PlaySpeex(benchmark::State& state) {
  play(state, [] {
    return std::make_unique<SpeexJitterBuffer>(SpeexJitterConfig{}, std::make_unique<FakeDecoder>(kRate),
                                               kRate, fake_has_fec);
  });
}
BENCHMARK(BM_PlaySpeex)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callsim::jitter

BENCHMARK_MAIN();
