#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "audio/audio.h"
#include "audio/ogg_pages.h"
#include "audio/resample.h"
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

}  // namespace

void check_wav_structure(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot open file");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string file = path.string();
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0) return;  // not RIFF: libsndfile decides
  if (std::memcmp(bytes.data() + 8, "WAVE", 4) != 0)
    throw InputError(file, "byte 8", "RIFF file is not of form WAVE");
  size_t pos = 12;
  bool have_fmt = false, have_data = false;
  while (pos + 8 <= bytes.size()) {
    const std::string id(reinterpret_cast<const char*>(bytes.data() + pos), 4);
    const uint64_t size = le32(bytes.data() + pos + 4);
    if (id == "fmt ") {
      if (size < 16) throw InputError(file, "byte " + std::to_string(pos), "fmt chunk too short (" + std::to_string(size) + " bytes)");
      if (pos + 8 + 16 > bytes.size()) throw InputError(file, "byte " + std::to_string(pos), "fmt chunk truncated");
      const unsigned char* f = bytes.data() + pos + 8;
      const unsigned channels = f[2] | (f[3] << 8);
      const uint32_t rate = le32(f + 4);
      if (channels == 0) throw InputError(file, "byte " + std::to_string(pos + 10), "WAV has 0 channels");
      if (rate == 0) throw InputError(file, "byte " + std::to_string(pos + 12), "WAV has sample rate 0");
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) throw InputError(file, "byte " + std::to_string(pos), "data chunk before fmt chunk");
      have_data = true;
      // A data chunk running past the end is common in streamed WAVs; libsndfile reads what exists.
      break;
    }
    pos += 8 + size + (size & 1);
  }
  if (!have_fmt) throw InputError(file, "byte 12", "WAV has no fmt chunk");
  if (!have_data) throw InputError(file, "byte " + std::to_string(std::min(pos, bytes.size())), "WAV has no data chunk");
}

Signal read_audio(const std::filesystem::path& path) {
  const std::string file = path.string();
  if (!std::filesystem::exists(path)) throw InputError(file, "", "no such file");
  check_wav_structure(path);
  SF_INFO info{};
  SndfileHandle handle(sf_open(file.c_str(), SFM_READ, &info));
  if (!handle) throw InputError(file, "", std::string("cannot read audio: ") + sf_strerror(nullptr));
  if (info.samplerate <= 0 || info.channels <= 0)
    throw InputError(file, "", "audio has an invalid sample rate or channel count");
  std::vector<float> interleaved(static_cast<size_t>(info.frames) * static_cast<size_t>(info.channels));
  const sf_count_t got = sf_readf_float(handle.get(), interleaved.data(), info.frames);
  if (got < 0) throw InputError(file, "", "read error");
  Signal out;
  out.sample_rate_hz = info.samplerate;
  out.samples.resize(static_cast<size_t>(got));
  const auto ch = static_cast<size_t>(info.channels);
  for (size_t i = 0; i < out.samples.size(); ++i) {
    float acc = 0.0f;
    for (size_t c = 0; c < ch; ++c) acc += interleaved[i * ch + c];
    out.samples[i] = acc / static_cast<float>(ch);
  }
  for (float v : out.samples)
    if (!std::isfinite(v)) throw InputError(file, "", "audio contains NaN or infinite samples");
  return out;
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
    if (!handle) throw EnvironmentError(path.string() + ": cannot write audio: " + sf_strerror(nullptr));
    // libsndfile maps its compression level q in [0, 1] to (1 - q) * 250 kbit/s + 6 kbit/s per channel.
    double level = 1.0 - (bitrate_bps - 6000) / 250000.0;
    sf_command(handle.get(), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
    const auto n = static_cast<sf_count_t>(at_rate.samples.size());
    if (sf_write_float(handle.get(), at_rate.samples.data(), n) != n)
      throw EnvironmentError(path.string() + ": short write: " + sf_strerror(handle.get()));
    if (sf_close(handle.release()) != 0)  // writes the last Ogg page
      throw EnvironmentError(path.string() + ": cannot finish the Ogg stream");
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
  {
    SndfileHandle handle(sf_open(out.temp_path().c_str(), SFM_WRITE, &info));
    if (!handle) throw EnvironmentError(path.string() + ": cannot write audio: " + sf_strerror(nullptr));
    const std::vector<int16_t> pcm = to_int16(signal.samples);
    if (sf_write_short(handle.get(), pcm.data(), static_cast<sf_count_t>(pcm.size())) !=
        static_cast<sf_count_t>(pcm.size()))
      throw EnvironmentError(path.string() + ": short write: " + sf_strerror(handle.get()));
  }
  out.commit();
}

}  // namespace callsim::audio
