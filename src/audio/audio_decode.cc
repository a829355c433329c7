// Decoding any libsndfile format from a ByteSource, within the stated limits (audio.h): sample
// rate, channel count and length are checked on the header before any sample is read; samples
// are read in blocks and mixed down to mono as they come, so memory is the mono result only.
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "audio/audio_source.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

// libsndfile's view of a ByteSource: a read position over it.
struct VirtualFile {
  const ByteSource* source;
  sf_count_t pos = 0;
  std::optional<DataLengthPatch> patch;  // a streamed WAV's zero data length, read as what is there
};

VirtualFile& vf(void* user) { return *static_cast<VirtualFile*>(user); }
sf_count_t vio_length(void* user) { return static_cast<sf_count_t>(vf(user).source->size()); }
sf_count_t vio_seek(sf_count_t offset, int whence, void* user) {
  VirtualFile& f = vf(user);
  const auto size = static_cast<sf_count_t>(f.source->size());
  const sf_count_t base = whence == SEEK_CUR ? f.pos : whence == SEEK_END ? size : 0;
  // Saturating: libsndfile may seek by values read from a hostile header.
  if (offset > 0 && base > INT64_MAX - offset) return f.pos = size;
  f.pos = std::clamp<sf_count_t>(base + offset, 0, size);
  return f.pos;
}
sf_count_t vio_read(void* ptr, sf_count_t count, void* user) {
  VirtualFile& f = vf(user);
  if (count <= 0) return 0;
  const size_t got = f.source->read_at(static_cast<uint64_t>(f.pos), ptr, static_cast<size_t>(count));
  if (f.patch) {
    const auto from = static_cast<uint64_t>(f.pos);
    for (uint64_t b = f.patch->offset; b < f.patch->offset + 4; ++b)
      if (b >= from && b < from + got)
        static_cast<unsigned char*>(ptr)[b - from] =
            static_cast<unsigned char>((f.patch->length >> (8 * (b - f.patch->offset))) & 0xff);
  }
  f.pos += static_cast<sf_count_t>(got);
  return static_cast<sf_count_t>(got);
}
sf_count_t vio_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t vio_tell(void* user) { return vf(user).pos; }

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

struct OpenAudio {
  VirtualFile file;
  SF_INFO info{};
  SndfileHandle handle;
  std::optional<int64_t> declared_frames;  // a WAV cut short: what its header declares

  AudioInfo facts(float peak = 0.0f) const {
    AudioInfo out;
    out.sample_rate_hz = info.samplerate;
    out.channels = info.channels;
    out.frames = info.frames;
    out.peak = peak;
    out.declared_frames = declared_frames;
    return out;
  }
};

// Opens the source with libsndfile and checks the header against the limits.
void open_checked(const ByteSource& source, OpenAudio& a) {
  const std::string& label = source.label();
  std::optional<DataLengthPatch> patch;
  a.declared_frames = check_wav_structure(source, &patch);
  a.file = VirtualFile{&source, 0, patch};
  SF_VIRTUAL_IO io{vio_length, vio_seek, vio_read, vio_write, vio_tell};
  a.handle.reset(sf_open_virtual(&io, SFM_READ, &a.info, &a.file));
  if (!a.handle) throw InputError(label, "", std::string("cannot read audio: ") + sf_strerror(nullptr));
  check_audio_format(label, a.info.samplerate, a.info.channels);
  if (a.info.frames <= 0) throw InputError(label, "", "the audio file has no samples");
}

}  // namespace

size_t MemorySource::read_at(uint64_t offset, void* buffer, size_t n) const {
  if (offset >= bytes_.size()) return 0;
  const size_t count = std::min<uint64_t>(n, bytes_.size() - offset);
  std::memcpy(buffer, bytes_.data() + offset, count);
  return count;
}

void check_audio_format(const std::string& label, int64_t rate, int64_t channels) {
  if (rate < kMinSampleRateHz || rate > kMaxSampleRateHz)
    throw InputError(label, "",
                     "sample rate " + std::to_string(rate) + " Hz is outside the supported " +
                         std::to_string(kMinSampleRateHz) + "-" + std::to_string(kMaxSampleRateHz) + " Hz");
  if (channels < 1 || channels > kMaxChannels)
    throw InputError(
        label, "",
        std::to_string(channels) + " channels; supported are 1 to " + std::to_string(kMaxChannels));
}

AudioInfo probe_audio(const ByteSource& source) {
  OpenAudio a;
  open_checked(source, a);
  return a.facts();
}

void mix_to_mono_checked(std::span<float> pcm, size_t channels, const std::string& label, int64_t first_frame) {
  const size_t frames = channels ? pcm.size() / channels : 0;
  const auto refuse = [&](size_t i, float x) {
    const std::string where = "frame " + std::to_string(first_frame + static_cast<int64_t>(i));
    if (!std::isfinite(x)) throw InputError(label, where, "audio contains NaN or infinite samples");
    char value[32];
    std::snprintf(value, sizeof value, "%.6g", static_cast<double>(x));
    throw InputError(label, where,
                     std::string("sample value ") + value +
                         " is beyond +-1000 (60 dB above float full scale, 1.0): not audio");
  };
  for (size_t i = 0; i < frames; ++i) {
    float v = 0;
    for (size_t c = 0; c < channels; ++c) {
      const float x = pcm[i * channels + c];
      if (!(std::fabs(x) <= kMaxSampleMagnitude)) refuse(i, x);  // also NaN and infinity
      v += x;
    }
    if (channels > 1) v /= static_cast<float>(channels);
    pcm[i] = v;  // i <= i * channels: frame i has been read before it is written
  }
}

namespace {

// Reads the audio `limits` allows in blocks, mixed to mono and checked (mix_to_mono_checked),
// calling `start` with the number of frames it will read at most, then handing each block to
// `sink`; returns the header's facts.
template <typename Start, typename Sink>
AudioInfo decode_blocks(const ByteSource& source, const DecodeLimits& limits, Start&& start, Sink&& sink) {
  const std::string& label = source.label();
  OpenAudio a;
  open_checked(source, a);
  int64_t wanted = a.info.frames;
  if (limits.max_seconds)
    wanted =
        std::min<int64_t>(wanted, static_cast<int64_t>(std::ceil(*limits.max_seconds * a.info.samplerate)));
  else if (wanted > kMaxAudioFrames)
    throw InputError(label, "",
                     std::to_string(a.info.frames) + " frames; the limit is " +
                         std::to_string(kMaxAudioFrames) + " (" +
                         std::to_string(kMaxAudioFrames / a.info.samplerate / 60) + " min at " +
                         std::to_string(a.info.samplerate) + " Hz)");
  start(wanted);
  const auto channels = static_cast<size_t>(a.info.channels);
  constexpr sf_count_t kBlock = 4096;
  std::vector<float> block(static_cast<size_t>(kBlock) * channels);
  int64_t done = 0;
  float peak = 0.0f;
  double sum = 0.0, sum_squares = 0.0;
  while (done < wanted) {
    const sf_count_t got =
        sf_readf_float(a.handle.get(), block.data(), std::min<int64_t>(kBlock, wanted - done));
    if (got <= 0) break;  // a data chunk claiming more than the file holds: keep what exists
    const auto n = static_cast<size_t>(got);
    mix_to_mono_checked(std::span<float>(block.data(), n * channels), channels, label, done);
    for (size_t i = 0; i < n; ++i) {
      peak = std::max(peak, std::fabs(block[i]));
      sum += block[i];
      sum_squares += static_cast<double>(block[i]) * block[i];
    }
    sink(std::span<const float>(block.data(), n));
    done += got;
  }
  if (done == 0) throw InputError(label, "", "the audio file has no readable samples");
  AudioInfo out = a.facts(peak);
  out.frames_read = done;
  out.mean = sum / static_cast<double>(done);
  out.ac_rms = std::sqrt(std::max(0.0, sum_squares / static_cast<double>(done) - out.mean * out.mean));
  return out;
}

}  // namespace

DecodedAudio decode_audio(const ByteSource& source, const DecodeLimits& limits) {
  DecodedAudio out;
  out.info = decode_blocks(
      source, limits,
      [&](int64_t wanted) { out.signal.samples.reserve(static_cast<size_t>(std::min<int64_t>(wanted, 1 << 24))); },
      [&](std::span<const float> mono) {
        out.signal.samples.insert(out.signal.samples.end(), mono.begin(), mono.end());
      });
  out.signal.sample_rate_hz = out.info.sample_rate_hz;
  return out;
}

AudioInfo check_audio(const ByteSource& source, const DecodeLimits& limits) {
  return decode_blocks(source, limits, [](int64_t) {}, [](std::span<const float>) {});
}

}  // namespace callsim::audio
