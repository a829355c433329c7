// Audio signals and files. A Signal is mono PCM as float in [-1, 1) at a known rate; 16-bit
// files map exactly (x / 32768). Files are read with libsndfile (WAV, FLAC, any format it knows),
// multi-channel input is downmixed by averaging; writes are atomic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace callsim::audio {

struct Signal {
  int sample_rate_hz = 0;
  std::vector<float> samples;

  double duration_seconds() const {
    return sample_rate_hz > 0 ? static_cast<double>(samples.size()) / sample_rate_hz : 0.0;
  }
};

// Reads any libsndfile-supported file. Throws InputError naming the file (and, for malformed
// WAV headers, the byte offset of the bad chunk).
Signal read_audio(const std::filesystem::path& path);

// Writes 16-bit PCM (WAV or FLAC chosen by extension: .flac → FLAC, otherwise WAV), with
// rounding and clipping, atomically.
void write_audio16(const std::filesystem::path& path, const Signal& signal);

// Writes Ogg/Opus (RFC 7845; what browsers play as audio/ogg) with libsndfile at about
// `bitrate_bps` (VBR; 6000..256000), atomically. Signals at a rate Opus does not run at (8, 12, 16,
// 24, 48 kHz) are resampled to 48 kHz first. For listening, not for scoring: Opus is lossy. The
// same signal gives the same bytes (the Ogg serial number is fixed, see ogg_pages.h).
void write_audio_opus(const std::filesystem::path& path, const Signal& signal, int bitrate_bps);

// The linked audio libraries, e.g. "libsndfile-1.2.0, libsoxr 0.1.3".
std::string audio_library_versions();

// Float [-1,1) → int16 with rounding and clipping, and back.
int16_t to_int16(float x);
std::vector<int16_t> to_int16(std::span<const float> x);
std::vector<float> from_int16(std::span<const int16_t> x);

// Checks the RIFF/WAVE structure of a .wav file before libsndfile sees it, so errors can name
// the byte offset. Throws InputError; does nothing for non-RIFF files.
void check_wav_structure(const std::filesystem::path& path);

}  // namespace callsim::audio
