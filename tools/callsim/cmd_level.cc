// `callsim level`: ITU-T P.56 active speech level of audio files, optionally normalised to a target
// level (used by tools/make_talkers.sh). `builtin:<name>` measures a built-in talker.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "audio/level.h"
#include "audio/talkers.h"
#include "cli_numbers.h"
#include "commands.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace callsim::cli {
namespace {

struct LevelOptions {
  std::vector<std::string> files;
  std::optional<double> normalize_dbov;
  std::string output;
};

std::string db(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

audio::Signal load(const std::string& name) {
  constexpr std::string_view kBuiltin = "builtin:";
  if (name.starts_with(kBuiltin))
    return audio::load_builtin_talker(std::string_view(name).substr(kBuiltin.size()));
  audio::DecodedAudio a = audio::read_audio_file(name);
  if (const std::string note = audio::cut_short_note(a.info); !note.empty())
    std::cerr << "callsim level: note: " << name << ": " << note << '\n';
  return std::move(a.signal);
}

void print_level(const std::string& name, const audio::Signal& s, const audio::SpeechLevel& l) {
  std::cout << name << ": rate " << s.sample_rate_hz << " Hz, duration " << db(s.duration_seconds())
            << " s, active level " << db(l.active_level_dbov) << " dBov, activity " << db(100.0 * l.activity)
            << " %, long-term level " << db(l.long_term_level_dbov) << " dBov, peak "
            << db(20.0 * std::log10(l.peak)) << " dBFS\n";
}

int run_level(const LevelOptions& o) {
  if (o.normalize_dbov && (o.files.size() != 1 || o.output.empty()))
    throw InputError("", "", "--normalize needs exactly one input file and -o OUTPUT");
  if (!o.output.empty() && !o.normalize_dbov) throw InputError("", "", "-o needs --normalize");
  if (!o.output.empty()) {
    // It writes 16-bit FLAC for .flac and WAV otherwise: under another extension the file would
    // not be what its name says (a WAV named .mp3).
    const std::string ext = std::filesystem::path(o.output).extension().string();
    if (ext != ".wav" && ext != ".flac")
      throw InputError(o.output, "-o", "the normalised file is written as 16-bit WAV (.wav) or FLAC (.flac); name it so");
    refuse_output_over_input(o.output, "-o", {o.files[0]});
  }
  audio::Signal first;  // read once: its notes are said once
  for (const std::string& name : o.files) {
    audio::Signal s = load(name);
    print_level(name, s, audio::measure_speech_level(s));
    if (&name == &o.files.front()) first = std::move(s);
  }
  if (!o.normalize_dbov) return 0;
  const audio::Signal out = audio::normalize_to_dbov(first, *o.normalize_dbov, o.files[0]);
  const double peak = audio::measure_speech_level(out).peak;
  audio::write_audio16(o.output, out);
  // What the file holds, read back: the 16-bit samples, clipped where the scaled signal was not.
  const audio::Signal written = load(o.output);
  print_level(o.output, written, audio::measure_speech_level(written));
  if (peak >= 1.0) {
    std::cerr << "callsim level: " << o.output << ": clipped (the scaled signal peaked " << db(20.0 * std::log10(peak))
              << " dBFS; the 16-bit file holds it clipped at full scale)\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command add_level(CLI::App& app) {
  auto* sub = app.add_subcommand("level", "Measure the ITU-T P.56 active speech level (dBov) of audio files");
  auto o = std::make_shared<LevelOptions>();
  sub->add_option("files", o->files, "Audio files (WAV, FLAC, ...) or builtin:<talker>")->required();
  sub->add_option("--normalize", o->normalize_dbov, "Scale to this active level in dBov (e.g. -26)")
      ->check(Number(-100, 0));
  sub->add_option("-o,--out", o->output, "Where to write the normalised audio (16-bit; .flac or .wav)")->transform(OutputPath());
  return {sub, [o] { return run_level(*o); }};
}

}  // namespace callsim::cli
