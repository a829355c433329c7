// Test support for the hardening tests: run the built `callsim` binary with a time limit and
// capture its exit code, stdout and stderr; scratch folders; writing hostile input files.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scratch_dir.h"

namespace callsim::hardening {

struct CliResult {
  int exit_code = -1;  // -1: killed (timeout or signal)
  bool timed_out = false;
  std::string out, err;
  long peak_rss_kb = 0;  // highest VmRSS seen (sampled at least every 0.5 s)
  double wall_s = 0;
};

// Runs `callsim args...` (the binary of this build), killing it after `timeout_s` seconds.
// `fsize_limit_bytes` > 0 sets RLIMIT_FSIZE with SIGXFSZ ignored, so writes beyond it fail with
// EFBIG as on a full disk.
// `on_sample`, when set, is called with each memory sample (resident kB) while the command runs.
CliResult run_cli(const std::vector<std::string>& args, double timeout_s = 60, long fsize_limit_bytes = 0,
                  const std::function<void(long rss_kb)>& on_sample = {});

// The tests' scratch folder (scratch_dir.h) whose `/` gives a string, for building the expected
// error messages that name its files.
class Scratch : public testing_util::ScratchDir {
 public:
  using testing_util::ScratchDir::ScratchDir;
  std::string operator/(const std::string& name) const { return (path() / name).string(); }
};

void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

// A valid two-peer, one-link scenario of `seconds` (alice talks en_female to bob), for edits.
nlohmann::json small_scenario(const std::string& name = "hostile", double seconds = 1.0);
// A 16-bit PCM WAV whose header says `rate` Hz and `channels` channels, with `frames` frames of a
// 440 Hz tone.
void write_wav(const std::filesystem::path& path, uint32_t rate, int frames, int channels = 1);
// A 32-bit float WAV (format 3) holding `samples` interleaved as given: for NaN and infinities.
void write_float_wav(const std::filesystem::path& path, uint32_t rate, const std::vector<float>& samples,
                     int channels = 1);

// "<text> (to stderr: ...)" for gtest messages.
std::string describe(const CliResult& r);

}  // namespace callsim::hardening
