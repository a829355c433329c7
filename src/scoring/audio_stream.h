// Mono audio read by frame range, from a file (libsndfile, seeking) or from memory, so that a long
// input never sits in memory whole. Multi-channel files are averaged to mono; 16-bit files give
// x / 32768 exactly, so a Signal quantized to 16 bits (quantize16) and the WAV file written from
// it give the same samples - `run` scores the very samples `score` reads back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio.h"

namespace callsim::scoring {

class AudioStream {
 public:
  virtual ~AudioStream() = default;
  virtual int sample_rate_hz() const = 0;
  virtual int64_t frames() const = 0;
  virtual int channels() const { return 1; }  // of the source (reads are mono)
  // The name in error messages and notes (a path, or "alice->bob degraded").
  virtual const std::string& name() const = 0;
  // Frames [from, from + count), clipped to the stream (fewer or none at the ends). Throws
  // InputError for a read error or a non-finite sample.
  virtual std::vector<float> read(int64_t from, int64_t count) = 0;
  // What a score should say about the input itself ("" when nothing): a WAV file cut short.
  virtual std::string input_note() const { return {}; }

  double duration_s() const { return static_cast<double>(frames()) / sample_rate_hz(); }
};

// Opens an audio file for ranged reads, after the checks every audio input gets (audio.h: a
// regular file, the WAV structure, rate, channels and length within the limits). Throws
// InputError naming the file.
std::unique_ptr<AudioStream> open_audio_stream(const std::filesystem::path& path);

// A stream over a signal held in memory.
std::unique_ptr<AudioStream> memory_stream(audio::Signal signal, std::string name);

// The signal as a 16-bit file holds it (rounding and clipping of audio::to_int16).
audio::Signal quantize16(const audio::Signal& s);

}  // namespace callsim::scoring
