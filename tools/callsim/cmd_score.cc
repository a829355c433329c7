// `callsim score REF DEG`: P.862 raw score and MOS-LQO (P.862.1 narrowband, P.862.2 wideband) of
// a degraded recording against its reference, through the same scoring path as `callsim run`
// (src/scoring): the whole file, or windows (automatic, or explicit with delay hints, as the
// command lines in a call's result.json give them).
#include <malloc.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli_numbers.h"
#include "commands.h"
#include "common/error.h"
#include "json/json_node.h"
#include "scoring/audio_stream.h"
#include "scoring/score_json.h"
#include "scoring/scorer.h"

namespace callsim::cli {
namespace {

struct ScoreArgs {
  std::string ref, deg, mode = "nb", windows;
  int rate = 0;  // 0: from the files
  bool json = false, windows_given = false, phases = false;
  double window_length = 10.0;
  std::optional<double> max_delay;
  double margin = scoring::kMarginS;
  int bench = 0;
};

std::string num(double v, int decimals = 3) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The rate P.862 runs at by default: the files' own rate when both are 8 or 16 kHz (wideband:
// 16 kHz only), else 16 kHz when either is at least 16 kHz.
int default_rate(int a, int b, quality::PesqMode mode) {
  if (mode == quality::PesqMode::kWideband) return 16000;
  if (a == b && (a == 8000 || a == 16000)) return a;
  return std::max(a, b) >= 16000 ? 16000 : 8000;
}

scoring::ScoreOptions options(const ScoreArgs& a, const scoring::AudioStream& ref, const scoring::AudioStream& deg) {
  scoring::ScoreOptions o;
  o.mode = a.mode == "wb" ? quality::PesqMode::kWideband : quality::PesqMode::kNarrowband;
  // A reference below 16 kHz has no wideband content for P.862.2 to compare with (a call whose codec
  // runs below 16 kHz has no wideband score either). A narrowband degraded file is fine: that is
  // how a narrowband codec is scored on the wideband scale.
  if (o.mode == quality::PesqMode::kWideband && ref.sample_rate_hz() < 16000)
    throw InputError(ref.name(), "",
                     "a reference at " + std::to_string(ref.sample_rate_hz()) +
                         " Hz has no wideband content: P.862.2 (--mode wb) needs 16 kHz or more (score it with "
                         "--mode nb)");
  o.rate_hz = a.rate ? a.rate : default_rate(ref.sample_rate_hz(), deg.sample_rate_hz(), o.mode);
  o.window_s = a.window_length;
  o.max_delay_s = a.max_delay;
  o.margin_s = a.margin;
  o.phases = a.phases;
  if (a.windows_given && (a.windows.empty() || a.windows == "auto")) {
    o.windowing = scoring::Windowing::kAutomatic;
  } else if (a.windows_given) {
    o.windowing = scoring::Windowing::kExplicit;
    o.windows = scoring::parse_windows(a.windows);
  }
  for (const auto* s : {&ref, &deg}) {
    if (s->channels() > 1)
      std::cerr << "callsim score: " << s->name() << ": " << s->channels()
                << " channels; mixed down to mono (their average)\n";
    if (s->sample_rate_hz() != o.rate_hz)
      std::cerr << "callsim score: " << s->name() << ": resampling " << s->sample_rate_hz() << " Hz to "
                << o.rate_hz << " Hz for P.862\n";
  }
  return o;
}

void print_text(const scoring::ScoreReport& r) {
  const bool whole = r.windowing == "whole file";
  for (const scoring::WindowScore& w : r.windows) {
    if (!whole) {
      std::cout << num(w.start_s, 2) << "-" << num(w.end_s, 2) << " s";
      if (w.delay)
        std::cout << "  delay " << num(w.delay->min_ms, 0)
                  << (w.delay->max_ms != w.delay->min_ms ? ".." + num(w.delay->max_ms, 0) : "") << " ms ("
                  << w.delay_source << ")";
      std::cout << "  speech " << num(w.reference_speech_s, 1) << " s, received "
                << (w.reference_speech_s > 0 ? num(100 * w.speech_received_ratio, 0) + "%" : std::string("n/a")) << "  ";
      if (w.status == scoring::WindowStatus::kScored)
        std::cout << "raw " << num(w.raw) << "  MOS-LQO " << num(w.mos_lqo) << '\n';
      else
        std::cout << w.note << '\n';
    } else if (w.status != scoring::WindowStatus::kScored) {
      std::cout << w.note << '\n';
    }
    if (!w.phase_mos_lqo.empty()) {
      std::cout << (whole ? "" : "  ") << "phases (degraded span starting 0-" << w.phase_mos_lqo.size() - 1
                << " ms later): MOS-LQO";
      for (double m : w.phase_mos_lqo) std::cout << ' ' << (std::isnan(m) ? std::string("refused") : num(m));
      const double spread = scoring::phase_spread(w);
      std::cout << "  spread " << (std::isnan(spread) ? std::string("-") : num(spread)) << '\n';
    }
  }
  const std::string model = r.mode == quality::PesqMode::kWideband ? "P.862.2" : "P.862";
  if (r.complete && whole)
    std::cout << model << " raw " << num(r.raw) << "  MOS-LQO " << num(r.mos_lqo) << " ("
              << scoring::mode_name(r.mode) << ", " << r.rate_hz << " Hz)\n";
  else if (r.complete)
    std::cout << "call: MOS-LQO " << num(r.mos_lqo) << " (speech-weighted mean of " << r.scored_windows
              << " windows), worst window " << num(r.mos_lqo_min_window) << "; raw " << num(r.raw) << "; "
              << model << ", " << scoring::mode_name(r.mode) << ", " << r.rate_hz << " Hz, " << r.windowing
              << " windows\n";
  for (const std::string& n : r.notes) std::cout << "note: " << n << '\n';
}

// One process, one pair: keep freed memory for reuse instead of returning it to the system, and
// back the heap with transparent huge pages where the kernel offers them on request (THP mode
// "madvise", Debian's default; what glibc's tunable glibc.malloc.hugetlb=1 does). A fresh 4 KiB
// page costs a fault each; a 10 s pair touches about 1300 of them (5 MB), and on a virtual machine
// whose faults are slow that was a quarter of the whole process's CPU time. Only the memory the
// scoring touches becomes resident (in 2 MiB steps: peak 13 -> 14-15 MB for nb8, 20 -> 20-21 MB
// for wb16, tools/bench/score_vs_reference.sh). Advice only: where it is refused nothing changes, and scores never depend on it.
void prepare_heap() {
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHuge = size_t{2} << 20;
  constexpr size_t kReserve = size_t{32} << 20;  // address space only until touched
  // Grow the heap's top by kReserve (one brk, nothing touched), give it back to malloc's top
  // chunk (below the trim threshold, so it stays), and advise its whole 2 MiB-aligned part.
  void* block = malloc(kReserve);
  if (block == nullptr) return;
  const uintptr_t lo = (reinterpret_cast<uintptr_t>(block) + kHuge - 1) & ~(uintptr_t{kHuge} - 1);
  const uintptr_t hi = (reinterpret_cast<uintptr_t>(block) + kReserve) & ~(uintptr_t{kHuge} - 1);
  free(block);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
#endif
}

int run_score(const ScoreArgs& a) {
  prepare_heap();
  const std::unique_ptr<scoring::AudioStream> ref = scoring::open_audio_stream(a.ref);
  const std::unique_ptr<scoring::AudioStream> deg = scoring::open_audio_stream(a.deg);
  const scoring::ScoreOptions o = options(a, *ref, *deg);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i < a.bench; ++i) (void)scoring::score_pair(*ref, *deg, o);
  const scoring::ScoreReport r = scoring::score_pair(*ref, *deg, o);
  if (a.bench > 0) {
    const std::chrono::duration<double, std::milli> dt = std::chrono::steady_clock::now() - t0;
    std::cerr << "callsim score: " << a.bench << " runs, " << num(dt.count() / a.bench, 2) << " ms per run\n";
  }
  if (r.scored_windows + r.unscorable_windows == 0)
    throw InputError(a.ref, "", "no window has 1 s of reference speech: nothing to score");
  if (a.json) {
    nlohmann::json j = scoring::report_json(r);
    j["reference"] = a.ref;
    j["degraded"] = a.deg;
    j["command"] = scoring::score_command(a.ref, a.deg, r);
    std::cout << json_text(j, 2) << '\n';  // valid UTF-8 whatever bytes the paths have
  } else {
    print_text(r);
  }
  if (r.complete) return 0;
  std::cerr << "callsim score: no call-level score: " << r.unscorable_windows
            << " window(s) with reference speech could not be scored (see the notes)\n";
  return 1;
}

}  // namespace

Command add_score(CLI::App& app) {
  auto* sub =
      app.add_subcommand("score", "P.862 / P.862.2 (PESQ) score of a degraded recording vs its reference");
  auto o = std::make_shared<ScoreArgs>();
  sub->add_option("ref", o->ref, "Reference audio (WAV, FLAC)")->required();
  sub->add_option("deg", o->deg, "Degraded audio (WAV, FLAC)")->required();
  sub->add_option("--mode", o->mode, "nb: P.862 + P.862.1; wb: P.862.2 (16 kHz)")->check(CLI::IsMember({"nb", "wb"}));
  sub->add_option("--rate", o->rate, "Rate P.862 runs at, 8000 or 16000 (default: the files' rate, else 16000)")
      ->transform(Integer(8000, 16000))
      ->check(CLI::IsMember({8000, 16000}));
  sub->add_option("--windows", o->windows,
                  "Score windows: 'auto' (about 10 s, cut in pauses; also alone) or START:END[@DELAY_MS[:MAX_MS]],... "
                  "(seconds; END may be 'end'; the degraded lags by DELAY). Default: the whole file, automatic "
                  "windows beyond 30 s of speech or 60 s of audio")
      ->expected(0, 1);
  sub->add_option("--window-length", o->window_length, "Length of automatic windows in seconds (default 10)")
      ->check(Number(2.0, 60.0));
  sub->add_option("--max-delay", o->max_delay,
                  "Delay search range in seconds, either way (default: the file length)")
      ->check(Number(0.0, 36000.0));
  sub->add_option("--margin", o->margin,
                  "Degraded audio taken beyond each window's delay hint, seconds (default 0.5)")
      ->check(Number(0.0, 10.0));
  sub->add_flag("--phases", o->phases,
                "Also score each window with the degraded audio starting 1, 2 and 3 ms later (the other phases of "
                "P.862's 4 ms alignment grid) and report the spread: how stable the figure is");
  sub->add_flag("--json", o->json, "Print a JSON object");
  sub->add_option("--bench", o->bench, "Score N times and print the time per run on stderr")
      ->transform(Integer(1, 1000000));
  sub->final_callback([o, sub] { o->windows_given = sub->count("--windows") > 0; });
  return {sub, [o] { return run_score(*o); }};
}

}  // namespace callsim::cli
