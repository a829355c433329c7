#include "audio/resample.h"

#include <sndfile.h>
#include <soxr.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace callsim::audio {

// Here because this is the one file that sees both libraries' headers (audio_file.cc: sndfile).
std::string audio_library_versions() {
  return std::string(sf_version_string()) + ", " + soxr_version();
}

std::vector<float> resample(std::span<const float> in, int from_hz, int to_hz) {
  // Inputs are checked against audio.h's limits before they get here; anything else is a bug.
  if (from_hz < 1000 || to_hz < 1000 || from_hz > 1000000 || to_hz > 1000000)
    throw std::invalid_argument("resample: rates " + std::to_string(from_hz) + " -> " +
                                std::to_string(to_hz) + " Hz are outside 1-1000 kHz");
  if (from_hz == to_hz) return {in.begin(), in.end()};
  const auto out_len = static_cast<size_t>(std::llround(static_cast<double>(in.size()) * to_hz / from_hz));
  // libsoxr dereferences a null output buffer: an input too short for one output sample (found by
  // fuzzing: one sample at 32 321 Hz to 16 kHz) yields no samples without calling it.
  if (in.empty() || out_len == 0) return {};
  std::vector<float> out(out_len);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t rt = soxr_runtime_spec(1);  // single thread: deterministic
  size_t done = 0;
  const soxr_error_t err = soxr_oneshot(from_hz, to_hz, 1, in.data(), in.size(), nullptr, out.data(),
                                        out.size(), &done, &io, &q, &rt);
  if (err) throw std::runtime_error(std::string("soxr: ") + err);
  out.resize(done);
  out.resize(out_len, 0.0f);
  return out;
}

}  // namespace callsim::audio
