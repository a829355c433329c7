// WAV header checks with byte offsets, reading files through audio_decode.cc, and writing.
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "audio/audio.h"
#include "audio/ogg_pages.h"
#include "audio/resample.h"
#include "audio/audio_source.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

// The Ogg serial number of every file write_audio_opus makes ("call"): same signal, same bytes.
constexpr uint32_t kOggSerial = 0x6c6c6163;

uint32_t le32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

std::string at_byte(uint64_t pos) { return "byte " + std::to_string(pos); }

// The fmt chunk at `pos` (its 8-byte header included): channels and rate within the limits.
// Returns the bytes per sample frame (block align) of a PCM or float format, 0 for others
// (compressed formats' blocks hold several frames).
unsigned check_fmt(const ByteSource& src, uint64_t pos, uint64_t size) {
  const std::string& file = src.label();
  if (size < 16)
    throw InputError(file, at_byte(pos), "fmt chunk too short (" + std::to_string(size) + " bytes)");
  unsigned char f[16];
  if (src.read_at(pos + 8, f, 16) < 16) throw InputError(file, at_byte(pos), "fmt chunk truncated");
  const unsigned channels = f[2] | (f[3] << 8);
  const uint32_t rate = le32(f + 4);
  if (channels == 0) throw InputError(file, at_byte(pos + 10), "WAV has 0 channels");
  if (rate == 0) throw InputError(file, at_byte(pos + 12), "WAV has sample rate 0");
  try {
    check_audio_format(file, rate, 1);
  } catch (const InputError& e) {
    throw InputError(file, at_byte(pos + 12), e.message());
  }
  try {
    check_audio_format(file, kMinSampleRateHz, channels);
  } catch (const InputError& e) {
    throw InputError(file, at_byte(pos + 10), e.message());
  }
  const unsigned tag = f[0] | (f[1] << 8);
  const unsigned block_align = f[12] | (f[13] << 8);
  constexpr unsigned kPcm = 1, kFloat = 3, kExtensible = 0xFFFE;
  return tag == kPcm || tag == kFloat || tag == kExtensible ? block_align : 0;
}

// Data chunk lengths that streaming writers leave when they cannot seek back to fill them in.
bool placeholder_length(uint32_t size) { return size == 0 || size == 0xFFFFFFFFu || size == 0x7FFFFFFFu; }

}  // namespace

std::string cut_short_note(const AudioInfo& info) {
  if (!info.declared_frames || *info.declared_frames <= info.frames || info.sample_rate_hz <= 0) return "";
  const auto seconds = [&](int64_t frames) {
    char s[32];
    std::snprintf(s, sizeof s, "%.3f s", static_cast<double>(frames) / info.sample_rate_hz);
    return std::string(s);
  };
  return "its WAV header declares " + seconds(*info.declared_frames) + " (" +
         std::to_string(*info.declared_frames) + " frames) but the file holds " + seconds(info.frames) + " (" +
         std::to_string(info.frames) + " frames): cut short; the " + seconds(info.frames) +
         " that are there are used";
}

std::optional<int64_t> check_wav_structure(const ByteSource& src, std::optional<DataLengthPatch>* zero_data_length_at) {
  const std::string& file = src.label();
  unsigned char head[12];
  if (src.read_at(0, head, 12) < 12 || std::memcmp(head, "RIFF", 4) != 0)
    return std::nullopt;  // not RIFF: libsndfile decides
  if (std::memcmp(head + 8, "WAVE", 4) != 0)
    throw InputError(file, "byte 8", "RIFF file is not of form WAVE");
  constexpr int kMaxChunks = 4096;  // before the data chunk; real files have a handful
  uint64_t pos = 12;
  bool have_fmt = false;
  unsigned block_align = 0;
  for (int n = 0; pos + 8 <= src.size(); ++n) {
    if (n == kMaxChunks) throw InputError(file, at_byte(pos), "more than 4096 chunks before the data chunk");
    unsigned char chunk[8];
    src.read_at(pos, chunk, 8);
    const std::string id(reinterpret_cast<const char*>(chunk), 4);
    const uint64_t size = le32(chunk + 4);
    if (id == "fmt ") {
      block_align = check_fmt(src, pos, size);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) throw InputError(file, at_byte(pos), "data chunk before fmt chunk");
      // A data chunk running past the end: libsndfile reads what exists. A streamed WAV's
      // placeholder length is expected; any other is a file cut short, which is said.
      const uint64_t present = src.size() - (pos + 8);
      if (size == 0 && block_align > 0 && present >= block_align && zero_data_length_at) {
        const uint64_t whole = std::min<uint64_t>(present / block_align * block_align, 0xFFFFFFF0u / block_align * block_align);
        *zero_data_length_at = DataLengthPatch{pos + 4, static_cast<uint32_t>(whole)};
      }
      if (size <= present || block_align == 0 || placeholder_length(static_cast<uint32_t>(size)))
        return std::nullopt;
      return static_cast<int64_t>(size / block_align);
    }
    pos += 8 + size + (size & 1);
  }
  if (!have_fmt) throw InputError(file, "byte 12", "WAV has no fmt chunk");
  throw InputError(file, at_byte(std::min<uint64_t>(pos, src.size())), "WAV has no data chunk");
}

AudioInfo probe_audio(const std::filesystem::path& path) { return probe_audio(FileSource(path.string())); }

DecodedAudio read_audio_file(const std::filesystem::path& path, const DecodeLimits& limits) {
  return decode_audio(FileSource(path.string()), limits);
}

Signal read_audio(const std::filesystem::path& path) { return read_audio_file(path).signal; }

AudioInfo check_audio_file(const std::filesystem::path& path, const DecodeLimits& limits) {
  return check_audio(FileSource(path.string()), limits);
}

int16_t to_int16(float x) {
  const float v = std::nearbyint(x * 32768.0f);
  return static_cast<int16_t>(std::clamp(v, -32768.0f, 32767.0f));
}

std::vector<int16_t> to_int16(std::span<const float> x) {
  std::vector<int16_t> out(x.size());
  std::transform(x.begin(), x.end(), out.begin(), [](float v) { return to_int16(v); });
  return out;
}

std::vector<float> from_int16(std::span<const int16_t> x) {
  std::vector<float> out(x.size());
  std::transform(x.begin(), x.end(), out.begin(), [](int16_t v) { return static_cast<float>(v) / 32768.0f; });
  return out;
}

void write_audio_opus(const std::filesystem::path& path, const Signal& signal, int bitrate_bps) {
  if (bitrate_bps < 6000 || bitrate_bps > 256000)
    throw std::invalid_argument("write_audio_opus: bitrate must be in [6000, 256000] bps");
  const int rate = signal.sample_rate_hz;
  const bool opus_rate = rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
  const Signal at_rate = opus_rate ? signal : resample(signal, 48000);
  AtomicOutput out(path);
  SF_INFO info{};
  info.samplerate = at_rate.sample_rate_hz;
  info.channels = 1;
  info.format = SF_FORMAT_OGG | SF_FORMAT_OPUS;
  {
    SndfileHandle handle(sf_open(out.temp_path().c_str(), SFM_WRITE, &info));
    if (!handle) throw OutputError(path.string(), std::string("cannot write audio: ") + sf_strerror(nullptr));
    // libsndfile maps its compression level q in [0, 1] to (1 - q) * 250 kbit/s + 6 kbit/s per channel.
    double level = 1.0 - (bitrate_bps - 6000) / 250000.0;
    sf_command(handle.get(), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
    const auto n = static_cast<sf_count_t>(at_rate.samples.size());
    if (sf_write_float(handle.get(), at_rate.samples.data(), n) != n)
      throw OutputError(path.string(), std::string("short write: ") + sf_strerror(handle.get()));
    if (sf_close(handle.release()) != 0)  // writes the last Ogg page
      throw OutputError(path.string(), "cannot finish the Ogg stream");
  }
  std::ifstream written(out.temp_path(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(written)), std::istreambuf_iterator<char>());
  write_file_atomic(path, with_ogg_serial(bytes, kOggSerial));  // `out` removes the temporary
}

void write_audio16(const std::filesystem::path& path, const Signal& signal) {
  AtomicOutput out(path);
  SF_INFO info{};
  info.samplerate = signal.sample_rate_hz;
  info.channels = 1;
  const bool flac = path.extension() == ".flac";
  info.format = (flac ? SF_FORMAT_FLAC : SF_FORMAT_WAV) | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(out.temp_path().c_str(), SFM_WRITE, &info);
  if (!f) throw OutputError(path.string(), std::string("cannot write audio: ") + sf_strerror(nullptr));
  // In blocks: a 2-hour call's audio is not copied whole into 16-bit first.
  const std::span<const float> all(signal.samples);
  bool complete = true;
  for (size_t at = 0; complete && at < all.size(); at += 65536) {
    const std::vector<int16_t> pcm = to_int16(all.subspan(at, std::min<size_t>(65536, all.size() - at)));
    complete = sf_write_short(f, pcm.data(), static_cast<sf_count_t>(pcm.size())) ==
               static_cast<sf_count_t>(pcm.size());
  }
  const std::string reason = sf_strerror(f);
  // The header is finished at close; a full disk can fail it there too.
  if (sf_close(f) != 0 || !complete)
    throw OutputError(path.string(),
                      "cannot write audio: " + (complete ? std::string("close failed") : reason));
  std::error_code ec;
  if (!flac && std::filesystem::file_size(out.temp_path(), ec) < 2 * all.size())
    throw OutputError(path.string(), "cannot write audio: the file is short (disk full?)");
  out.commit();
}

}  // namespace callsim::audio
