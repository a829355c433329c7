// Fuzz target: audio files from memory (WAV, FLAC, any format libsndfile knows) through the same
// decoder that reads files (audio_decode.cc: WAV chunk checks, rate/channel/length limits,
// blockwise mixdown), then resampled to 16 kHz as the scorer does.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  callsim::audio::Signal s;
  try {
    s = callsim::audio::decode_audio_bytes(std::span(reinterpret_cast<const char*>(data), size), "fuzz.wav");
  } catch (const callsim::InputError&) {
    return 0;
  }
  if (s.samples.empty() || s.sample_rate_hz < 8000 || s.sample_rate_hz > 384000) __builtin_trap();
  if (s.samples.size() > 2000000) return 0;  // keep each run short; the limits are tested elsewhere
  const callsim::audio::Signal r = callsim::audio::resample(s, 16000);
  for (float v : r.samples)
    if (!std::isfinite(v)) __builtin_trap();
  return 0;
}
