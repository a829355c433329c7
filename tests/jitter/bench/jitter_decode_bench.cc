// Jitter buffer + real Opus decoding, per 10 s of audio, on the jb-frontier development set: the
// figure to set beside WebRTC NetEq + Opus decode (18-26 ms per 10 s on the 2-core VM, issue 12).
// Input: ../shared/jb-frontier (or $CALLSIM_SHARED_DIR/jb-frontier): speech_10s_48k.flac encoded
// with the dev set's Opus settings (48 kHz VoIP 32 kbit/s VBR, complexity 9, 20 ms, FEC on the
// _fec1 runs) and delivered by each of its eight traces. Without the data set: the built-in talker
// en_female (first 10 s, at 48 kHz) over four synthetic traces, said in the benchmark's label.
// Each iteration, per run: decoding every sent packet in order (decode alone, fresh decoder), then
// 10 s of 10 ms pulls from the buffer with arrivals inserted (buffer + decode, fresh buffer), each
// timed, so machine noise hits both alike. Counters:
//   buffer_decode_ms_per_10s  mean over the runs of buffer + decode time per 10 s of playout
//   worst_run_ms_per_10s      the slowest run's
//   decode_ms_per_10s         decode alone per 10 s of audio
//   buffer_decode_over_decode Σ buffer + decode time ÷ Σ decode-alone time
// Run: <build>/tests/jitter/jitter_decode_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <tuple>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "codec/codec.h"
#include "jitter/jitter_buffer.h"
#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

namespace fs = std::filesystem;
using namespace testing;
constexpr int kRate = 48000;

struct Run {
  std::string name;
  std::vector<SentPacket> sent;
  std::vector<ReceivedPacket> arrivals;
};

fs::path dev_set_dir() {
  const char* env = std::getenv("CALLSIM_SHARED_DIR");
  return fs::path(env ? env : CALLSIM_SOURCE_DIR "/../shared") / "jb-frontier";
}

// An index trace (header `index,delay_ms`; a delay in ms or `lost` per packet).
DelayFn trace_delay(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  auto delays = std::make_shared<std::vector<std::optional<double>>>();
  while (std::getline(in, line)) {
    const std::string value = line.substr(line.find(',') + 1);
    delays->push_back(value.rfind("lost", 0) == 0 ? std::nullopt : std::optional<double>(std::stod(value)));
  }
  return [delays](size_t i, sim::Timestamp) -> std::optional<sim::Duration> {
    if (i >= delays->size() || !(*delays)[i]) return std::nullopt;
    return sim::Duration::from_ms(*(*delays)[i]);
  };
}

std::vector<SentPacket> encode(const std::vector<float>& speech, bool fec) {
  codec::EncoderConfig config;  // the dev set's settings: 48 kHz VoIP 32 kbit/s VBR cx 9, 20 ms
  config.inband_fec = fec;
  config.expected_loss_pct = fec ? 10 : 0;
  auto encoder = codec::make_opus_encoder(config);
  return make_stream(speech, *encoder, StreamOptions{});
}

std::vector<Run> load_runs(std::string* label) {
  const fs::path dir = dev_set_dir();
  std::vector<Run> runs;
  if (fs::exists(dir / "speech_10s_48k.flac") && fs::exists(dir / "traces")) {
    const auto speech = audio::resample(audio::read_audio(dir / "speech_10s_48k.flac"), kRate).samples;
    for (const auto& [trace, fec] : std::vector<std::pair<std::string, bool>>{
             {"const35", false}, {"jitter60_25", false}, {"spike350_at4s", false}, {"loss4", false},
             {"loss4", true}, {"gilbert3_35", false}, {"gilbert3_35", true}, {"ramp40_140", false}}) {
      Run r{trace + (fec ? "_fec1" : "_fec0"), encode(speech, fec), {}};
      r.arrivals = deliver(r.sent, trace_delay(dir / "traces" / (trace + ".csv")));
      runs.push_back(std::move(r));
    }
    *label = "jb-frontier dev set, 8 runs";
    return runs;
  }
  std::cerr << "jitter_decode_bench: no dev set at " << dir
            << " (set CALLSIM_SHARED_DIR); using the built-in talker en_female over synthetic traces\n";
  auto speech = audio::resample(audio::load_builtin_talker("en_female"), kRate).samples;
  speech.resize(10 * kRate, 0.0f);
  const std::vector<std::tuple<std::string, double, double, double, bool>> synthetic = {
      {"const35", 35, 0, 0, false}, {"normal60_25", 60, 25, 0, false}, {"loss4", 40, 0, 0.04, false},
      {"loss4_fec", 40, 0, 0.04, true}};
  for (const auto& [name, base, sd, loss, fec] : synthetic) {
    Run r{name, encode(speech, fec), {}};
    r.arrivals = deliver(r.sent, normal_delay(base, sd, 7, loss));
    runs.push_back(std::move(r));
  }
  *label = "built-in talker, 4 synthetic traces";
  return runs;
}

const std::vector<Run>& runs(std::string* label) {
  static std::string text;
  static const std::vector<Run> all = load_runs(&text);
  *label = text;
  return all;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void buffer_and_decode(benchmark::State& state, JitterBufferKind kind) {
  std::string label;
  const auto& all = runs(&label);
  JitterBufferConfig config;
  config.kind = kind;
  std::vector<double> run_s(all.size(), 0.0);
  double decode_s = 0, buffer_s = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < all.size(); ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto alone = codec::make_opus_decoder(kRate);
      benchmark::DoNotOptimize(decode_all(all[i].sent, *alone).size());
      decode_s += seconds_since(t0);
      t0 = std::chrono::steady_clock::now();
      auto jb = make_jitter_buffer(config, codec::make_opus_decoder(kRate), kRate);
      benchmark::DoNotOptimize(run(*jb, all[i].arrivals, sim::Duration::seconds(10)).frames.size());
      const double s = seconds_since(t0);
      buffer_s += s;
      run_s[i] += s;
    }
  }
  const double per_run = 1000.0 / (static_cast<double>(state.iterations()) * static_cast<double>(all.size()));
  state.counters["buffer_decode_ms_per_10s"] = buffer_s * per_run;
  state.counters["worst_run_ms_per_10s"] =
      *std::max_element(run_s.begin(), run_s.end()) * 1000.0 / static_cast<double>(state.iterations());
  state.counters["decode_ms_per_10s"] = decode_s * per_run;
  state.counters["buffer_decode_over_decode"] = buffer_s / decode_s;
  state.SetLabel(label);
}

void BM_AdaptiveAndOpusDecode(benchmark::State& state) { buffer_and_decode(state, JitterBufferKind::kAdaptive); }
void BM_FixedAndOpusDecode(benchmark::State& state) { buffer_and_decode(state, JitterBufferKind::kFixed); }
void BM_SpeexAndOpusDecode(benchmark::State& state) { buffer_and_decode(state, JitterBufferKind::kSpeex); }
BENCHMARK(BM_AdaptiveAndOpusDecode)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FixedAndOpusDecode)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_SpeexAndOpusDecode)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace callsim::jitter

BENCHMARK_MAIN();
