// `callsim score REF DEG`: P.862 raw score and MOS-LQO (P.862.1 narrowband, P.862.2 wideband) of
// a degraded recording against its reference; --windows scores a long call window by window.
#include <malloc.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "audio/audio.h"
#include "audio/resample.h"
#include "cli_numbers.h"
#include "commands.h"
#include "common/error.h"
#include "json/json_node.h"
#include "quality/pesq.h"

namespace callsim::cli {
namespace {

struct ScoreOptions {
  std::string ref, deg, mode = "nb";
  bool json = false, windows = false;
  int bench = 0;
};

std::string num(double v, int decimals = 3) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A JSON string: escaped, and valid UTF-8 whatever bytes the path has (U+FFFD replaces the rest).
std::string quoted(const std::string& s) { return json_text(nlohmann::json(s)); }

audio::Signal read_input(const std::string& path) {
  const audio::DecodedAudio a = audio::read_audio_file(path);
  if (a.info.channels > 1)
    std::cerr << "callsim score: " << path << ": " << a.info.channels
              << " channels; mixed down to mono (their average)\n";
  return a.signal;
}

// The rate P.862 runs at: the files' own rate when it is 8 or 16 kHz (wideband: 16 kHz only).
int model_rate(const audio::Signal& a, const audio::Signal& b, quality::PesqMode mode) {
  if (mode == quality::PesqMode::kWideband) return 16000;
  if (a.sample_rate_hz == b.sample_rate_hz && (a.sample_rate_hz == 8000 || a.sample_rate_hz == 16000))
    return a.sample_rate_hz;
  return std::max(a.sample_rate_hz, b.sample_rate_hz) >= 16000 ? 16000 : 8000;
}

audio::Signal at_rate(const audio::Signal& s, int rate, const std::string& name) {
  if (s.sample_rate_hz == rate) return s;
  std::cerr << "callsim score: " << name << ": resampling " << s.sample_rate_hz << " Hz to " << rate
            << " Hz for P.862\n";
  return audio::resample(s, rate);
}

void print_result(const ScoreOptions& o, const quality::PesqResult& r) {
  const bool nb = r.mode == quality::PesqMode::kNarrowband;
  if (!o.json) {
    std::cout << (nb ? "P.862" : "P.862.2") << " raw " << num(r.raw) << "  MOS-LQO " << num(r.mos_lqo) << " ("
              << o.mode << ", " << r.sample_rate_hz << " Hz)\n";
    return;
  }
  std::ostringstream js;
  js << "{\"reference\": " << quoted(o.ref) << ", \"degraded\": " << quoted(o.deg) << ", \"mode\": \""
     << o.mode << "\", \"sample_rate_hz\": " << r.sample_rate_hz << ", \"raw\": " << num(r.raw, 4)
     << ", \"mos_lqo\": " << num(r.mos_lqo, 4) << ", \"utterances\": [";
  for (size_t i = 0; i < r.utterances.size(); ++i) {
    const auto& u = r.utterances[i];
    js << (i ? ", " : "") << "{\"start_s\": " << num(u.start_s) << ", \"end_s\": " << num(u.end_s)
       << ", \"delay_ms\": " << num(u.delay_ms) << ", \"confidence\": " << num(u.confidence) << "}";
  }
  js << "]}";
  std::cout << js.str() << '\n';
}

void print_timeline(const ScoreOptions& o, const quality::PesqTimeline& t) {
  if (!o.json) {
    for (const auto& w : t.windows) {
      std::cout << num(w.start_s, 2) << "-" << num(w.end_s, 2) << " s  speech "
                << num(100 * w.speech_fraction, 0) << "%  ";
      if (w.scored)
        std::cout << "raw " << num(w.raw) << "  MOS-LQO " << num(w.mos_lqo) << '\n';
      else
        std::cout << "not scored: " << w.note << '\n';
    }
    std::cout << "overall MOS-LQO " << num(t.mos_lqo) << " (raw " << num(t.raw) << ", " << t.scored_windows
              << " windows, " << num(t.speech_s, 1) << " s speech; " << o.mode << ", " << t.sample_rate_hz
              << " Hz)\n";
    return;
  }
  std::ostringstream js;
  js << "{\"reference\": " << quoted(o.ref) << ", \"degraded\": " << quoted(o.deg) << ", \"mode\": \""
     << o.mode << "\", \"sample_rate_hz\": " << t.sample_rate_hz << ", \"raw\": " << num(t.raw, 4)
     << ", \"mos_lqo\": " << num(t.mos_lqo, 4) << ", \"scored_windows\": " << t.scored_windows
     << ", \"speech_s\": " << num(t.speech_s, 2) << ", \"windows\": [";
  for (size_t i = 0; i < t.windows.size(); ++i) {
    const auto& w = t.windows[i];
    js << (i ? ", " : "") << "{\"start_s\": " << num(w.start_s) << ", \"end_s\": " << num(w.end_s)
       << ", \"speech_fraction\": " << num(w.speech_fraction)
       << ", \"scored\": " << (w.scored ? "true" : "false");
    if (w.scored)
      js << ", \"raw\": " << num(w.raw, 4) << ", \"mos_lqo\": " << num(w.mos_lqo, 4);
    else
      js << ", \"note\": " << quoted(w.note);
    js << "}";
  }
  js << "]}";
  std::cout << js.str() << '\n';
}

int run_score(const ScoreOptions& o) {
  // One process, one pair: keep freed memory for reuse instead of returning it to the system
  // (each fresh page costs a fault; about 5% of a 10 s pair).
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  const quality::PesqMode mode =
      o.mode == "wb" ? quality::PesqMode::kWideband : quality::PesqMode::kNarrowband;
  const audio::Signal ref_in = read_input(o.ref), deg_in = read_input(o.deg);
  const int rate = model_rate(ref_in, deg_in, mode);
  const audio::Signal ref = at_rate(ref_in, rate, o.ref), deg = at_rate(deg_in, rate, o.deg);
  const quality::PesqInputNames names{o.ref, o.deg};
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i < o.bench; ++i) {
    if (o.windows)
      (void)quality::score_windows(ref, deg, mode, {}, names);
    else
      (void)quality::pesq(ref, deg, mode, names);
  }
  if (o.windows) {
    const quality::PesqTimeline t = quality::score_windows(ref, deg, mode, {}, names);
    if (t.scored_windows == 0) throw InputError(o.ref, "", "no window has enough reference speech to score");
    print_timeline(o, t);
  } else {
    print_result(o, quality::pesq(ref, deg, mode, names));
  }
  if (o.bench > 0) {
    const std::chrono::duration<double, std::milli> dt = std::chrono::steady_clock::now() - t0;
    std::cerr << "callsim score: " << o.bench << " runs, " << num(dt.count() / o.bench, 2) << " ms per run\n";
  }
  return 0;
}

}  // namespace

Command add_score(CLI::App& app) {
  auto* sub =
      app.add_subcommand("score", "P.862 / P.862.2 (PESQ) score of a degraded recording vs its reference");
  auto o = std::make_shared<ScoreOptions>();
  sub->add_option("ref", o->ref, "Reference audio (WAV, FLAC)")->required();
  sub->add_option("deg", o->deg, "Degraded audio (WAV, FLAC)")->required();
  sub->add_option("--mode", o->mode, "nb: P.862 + P.862.1 (8 or 16 kHz); wb: P.862.2 (16 kHz)")
      ->check(CLI::IsMember({"nb", "wb"}));
  sub->add_flag("--json", o->json, "Print a JSON object");
  sub->add_flag("--windows", o->windows, "Score consecutive ~10 s windows of a long call");
  sub->add_option("--bench", o->bench, "Score N times and print the time per run on stderr")
      ->transform(Integer(1, 1000000));
  return {sub, [o] { return run_score(*o); }};
}

}  // namespace callsim::cli
