// Codec-only cost: encode + decode of 60 s of 48 kHz speech-like audio through
// codec::codec_only_round_trip (the denominator of the media pipeline's overhead ratio), plus
// encode-only and decode-only splits. Items processed = audio seconds, so the reported
// items_per_second is the real-time factor.
#include <benchmark/benchmark.h>

#include "codec/opus_codec.h"
#include "codec/round_trip.h"
#include "test_signals.h"

namespace callsim::codec {
namespace {

const std::vector<float>& speech60s() {
  static const std::vector<float> pcm = testing::speech_like(48000, 60.0, 42);
  return pcm;
}

EncoderConfig bench_config(int complexity) {
  EncoderConfig c;
  c.complexity = complexity;
  c.bitrate_bps = 32000;
  return c;
}

void BM_EncodeDecode60s(benchmark::State& state) {
  const EncoderConfig c = bench_config(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    RoundTripResult r = codec_only_round_trip(c, speech60s());
    benchmark::DoNotOptimize(r.decoded.data());
  }
  state.SetItemsProcessed(state.iterations() * 60);
}
BENCHMARK(BM_EncodeDecode60s)->Arg(9)->Arg(5)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_Encode60s(benchmark::State& state) {
  const EncoderConfig c = bench_config(9);
  for (auto _ : state) {
    OpusEncoder e(c);
    const auto& pcm = speech60s();
    for (size_t pos = 0; pos + 960 <= pcm.size(); pos += 960) {
      auto p = e.encode(std::span<const float>(pcm).subspan(pos, 960));
      benchmark::DoNotOptimize(p.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * 60);
}
BENCHMARK(BM_Encode60s)->Unit(benchmark::kMillisecond);

void BM_Decode60s(benchmark::State& state) {
  OpusEncoder e(bench_config(9));
  std::vector<std::vector<uint8_t>> packets;
  const auto& pcm = speech60s();
  for (size_t pos = 0; pos + 960 <= pcm.size(); pos += 960)
    packets.push_back(e.encode(std::span<const float>(pcm).subspan(pos, 960)));
  for (auto _ : state) {
    OpusDecoder d(48000);
    for (const auto& p : packets) {
      auto out = d.decode(p);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * 60);
}
BENCHMARK(BM_Decode60s)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callsim::codec

BENCHMARK_MAIN();
