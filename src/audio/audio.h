// Audio signals and files. A Signal is mono PCM as float in [-1, 1) at a known rate; 16-bit
// files map exactly (x / 32768). Files are read with libsndfile (WAV, FLAC, any format it knows,
// from disk or memory: audio_source.h), multi-channel input is downmixed by averaging; writes
// are atomic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
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

// Limits of every audio input (README.md, "Limits"): sample rates 8-384 kHz, 1-32 channels
// (mixed down to mono by averaging), at most kMaxAudioFrames frames (about 3.1 h at 48 kHz);
// only regular files. Errors are InputError naming the file.
constexpr int64_t kMinSampleRateHz = 8000;
constexpr int64_t kMaxSampleRateHz = 384000;
constexpr int64_t kMaxChannels = 32;
constexpr int64_t kMaxAudioFrames = int64_t{1} << 29;

// What an audio file's header says.
struct AudioInfo {
  int sample_rate_hz = 0;
  int channels = 0;
  int64_t frames = 0;  // per channel
  // The largest |sample| of the mono mix, of what was read (float files may exceed full scale,
  // 1.0; what is encoded is clipped there).
  float peak = 0.0f;
  // A WAV file cut short (a recording or copy that was interrupted): the frames its data chunk
  // declares, beyond the bytes the file holds (`frames` is what is read). Unset otherwise, also for
  // streamed WAVs whose header holds a placeholder length (0 or 0xFFFFFFFF); cut_short_note says it.
  std::optional<int64_t> declared_frames;
  // Of the mono mix, of what was read: its mean (a constant offset, which the codec removes) and
  // its RMS around that mean (the signal beside the offset), both in full-scale units; and how
  // many frames were read.
  double mean = 0.0, ac_rms = 0.0;
  int64_t frames_read = 0;
};

// "its WAV header declares 2.000 s (32000 frames) but the file holds 1.249 s (19978 frames): cut
// short; the 1.249 s that are there are used", or "" when the file is not cut short (no declared
// length, or one the file holds).
std::string cut_short_note(const AudioInfo& info);

struct DecodedAudio {
  Signal signal;  // mono (channels averaged)
  AudioInfo info;
};

struct DecodeLimits {
  // Read only this much from the start (a talker needs no more than the call); unset: the whole
  // file, which must be within kMaxAudioFrames.
  std::optional<double> max_seconds;
};

class ByteSource;  // audio_source.h

// Throws InputError unless the rate and channel count are within the limits above.
void check_audio_format(const std::string& label, int64_t rate, int64_t channels);

// Header only: format, rate, channels and length, checked against the limits.
AudioInfo probe_audio(const ByteSource& source);
AudioInfo probe_audio(const std::filesystem::path& path);

// Decodes any libsndfile format. Throws InputError naming the file (and, for malformed WAV
// headers, the byte offset of the bad chunk).
DecodedAudio decode_audio(const ByteSource& source, const DecodeLimits& limits = {});
DecodedAudio read_audio_file(const std::filesystem::path& path, const DecodeLimits& limits = {});
// Everything decode_audio checks (header, limits, every sample it would read), without keeping
// the samples: what `validate` runs on a file the call will read.
AudioInfo check_audio(const ByteSource& source, const DecodeLimits& limits = {});
AudioInfo check_audio_file(const std::filesystem::path& path, const DecodeLimits& limits = {});

// The largest sample magnitude a file may hold: float full scale is 1.0; this allows 60 dB above
// it. Beyond it a float file is garbage, and filtering it (resampling, the encoder) overflows to
// infinity.
inline constexpr float kMaxSampleMagnitude = 1000.0f;
// Averages interleaved frames of `channels` channels to mono in place (afterwards the first
// pcm.size() / channels values are the mono samples). Throws InputError(label, "frame N") at the
// first frame with a NaN or infinite sample, or one of magnitude above kMaxSampleMagnitude, in
// any channel; N counted from `first_frame`.
void mix_to_mono_checked(std::span<float> pcm, size_t channels, const std::string& label, int64_t first_frame);
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

// Checks the RIFF/WAVE structure of a WAV source before libsndfile sees it, so errors can name
// the byte offset (also the sample rate and channel count against the limits). Throws
// InputError; does nothing for non-RIFF sources. Returns the frames the data chunk declares
// when the file holds fewer (PCM and float formats; not for a placeholder length).
// A streamed WAV whose data chunk length was left at 0 (the writer could not seek back) holds its
// samples after the chunk header all the same; libsndfile reads such a chunk as empty. Where it
// is, `zero_data_length_at` (if given) gets the byte offset of that length field and the length
// the bytes present give (whole frames), for the reader to present instead.
struct DataLengthPatch {
  uint64_t offset = 0;
  uint32_t length = 0;
};
std::optional<int64_t> check_wav_structure(const ByteSource& source,
                                           std::optional<DataLengthPatch>* zero_data_length_at = nullptr);

}  // namespace callsim::audio
